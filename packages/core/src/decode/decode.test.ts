import { describe, expect, it } from 'vitest';
import {
  fixedLogits,
  type NextLogits,
  prefixLogits,
  scriptedLogits,
  TableStepper,
} from '../../test/table-stepper.js';
import { Random } from '../init/random.js';
import { DecodeError } from './check-options.js';
import type { DecodedToken, DecodeOptions, DecodeResult } from './contract.js';
import { decode, decodeStream } from './decode.js';

/** Everything a stream yields, the steps made before each yield, and what it returns. */
async function collect(stepper: TableStepper, prompt: number[], options: DecodeOptions) {
  const yielded: DecodedToken[] = [];
  const stepsAtYield: number[] = [];
  const stream = decodeStream(stepper, Int32Array.from(prompt), options);
  for (;;) {
    const next = await stream.next();
    if (next.done) return { yielded, stepsAtYield, result: next.value as DecodeResult };
    yielded.push(next.value);
    stepsAtYield.push(stepper.steps);
  }
}

async function run(next: NextLogits, size: number, prompt: number[], options: DecodeOptions) {
  const stepper = new TableStepper(size, next);
  const result = await decode(stepper, Int32Array.from(prompt), options);
  expect(stepper.live, 'every state released').toBe(0);
  expect(stepper.released).toBe(stepper.made);
  return { result, stepper, best: result.hypotheses[0] as DecodeResult['hypotheses'][0] };
}

const logSoftmaxAt = (logits: readonly number[], token: number) =>
  (logits[token] as number) - Math.log(logits.reduce((s, x) => s + Math.exp(x), 0));

describe('option checks', () => {
  const base: DecodeOptions = { strategy: 'greedy', maxNewTokens: 3 };
  const sample = (sampling: object): DecodeOptions => ({
    strategy: 'sample',
    maxNewTokens: 3,
    sampling,
  });
  const beam = (b: object): DecodeOptions =>
    ({ strategy: 'beam', maxNewTokens: 3, beam: b }) as DecodeOptions;
  const table: [string, DecodeOptions, unknown, RegExp | string][] = [
    [
      'temperature 0',
      sample({ temperature: 0 }),
      [1],
      /sampling.temperature must be a number > 0 .*got 0/,
    ],
    ['temperature < 0', sample({ temperature: -1 }), [1], 'got -1'],
    ['topK 0', sample({ topK: 0 }), [1], 'sampling.topK must be an integer >= 1, got 0'],
    ['topK 1.5', sample({ topK: 1.5 }), [1], 'sampling.topK must be an integer >= 1, got 1.5'],
    ['topP 0', sample({ topP: 0 }), [1], 'sampling.topP must be a number in (0, 1], got 0'],
    ['topP 1.5', sample({ topP: 1.5 }), [1], 'sampling.topP must be a number in (0, 1], got 1.5'],
    [
      'seed -1',
      sample({ seed: -1 }),
      [1],
      'sampling.seed must be an integer from 0 to 4294967295, got -1',
    ],
    [
      'repetitionPenalty 0',
      { ...base, repetitionPenalty: 0 },
      [1],
      'repetitionPenalty must be a number > 0 (1 means no penalty), got 0',
    ],
    ['repetitionPenalty < 0', { ...base, repetitionPenalty: -2 }, [1], 'got -2'],
    ['width 0', beam({ width: 0 }), [1], 'beam.width must be an integer >= 1, got 0'],
    ['width 2.5', beam({ width: 2.5 }), [1], 'beam.width must be an integer >= 1, got 2.5'],
    [
      'nBest > width',
      beam({ width: 2, nBest: 3 }),
      [1],
      'beam.nBest must be an integer from 1 to beam.width (2), got 3',
    ],
    ['no beam', { strategy: 'beam', maxNewTokens: 3 }, [1], 'strategy "beam" needs beam.width'],
    [
      'lengthPenalty NaN',
      beam({ width: 2, lengthPenalty: Number.NaN }),
      [1],
      'beam.lengthPenalty must be a finite number, got NaN',
    ],
    [
      'unknown strategy',
      { ...base, strategy: 'beams' } as unknown as DecodeOptions,
      [1],
      'strategy must be "greedy", "sample" or "beam", got "beams"',
    ],
    [
      'maxNewTokens -1',
      { ...base, maxNewTokens: -1 },
      [1],
      'maxNewTokens must be an integer >= 0, got -1',
    ],
    [
      'maxNewTokens 2.5',
      { ...base, maxNewTokens: 2.5 },
      [1],
      'maxNewTokens must be an integer >= 0, got 2.5',
    ],
    [
      'sampling on greedy',
      { ...base, sampling: { temperature: 0.7 } },
      [1],
      'sampling.temperature applies to strategy "sample", not "greedy"',
    ],
    [
      'sampling on beam',
      { ...beam({ width: 2 }), sampling: { topK: 3 } },
      [1],
      'sampling.topK applies to strategy "sample", not "beam"',
    ],
    [
      'beam on sample',
      { ...sample({}), beam: { width: 2 } },
      [1],
      'beam applies to strategy "beam", not "sample"',
    ],
    ['empty prompt', base, [], 'decoding needs at least one prompt token'],
    [
      'prompt id too large',
      base,
      [1, 5],
      'prompt token 5 (position 1) is outside the vocabulary of 5 tokens (ids 0 to 4)',
    ],
    ['prompt id negative', base, [-1], 'prompt token -1 (position 0) is outside the vocabulary'],
    ['prompt not Int32Array', base, 'numbers', 'the prompt must be an Int32Array of token ids'],
    [
      'empty stop sequence',
      { ...base, stopSequences: [[1], []] },
      [1],
      'stopSequences[1] is empty: a stop sequence needs at least one token',
    ],
    [
      'stop id too large',
      { ...base, stopSequences: [[1, 9]] },
      [1],
      'stopSequences[0][1] = 9 is outside the vocabulary of 5 tokens',
    ],
    [
      'stop id not an integer',
      { ...base, stopSequences: [[0.5]] },
      [1],
      'stopSequences[0][0] must be a token id (an integer >= 0), got 0.5',
    ],
    [
      'endToken too large',
      { ...base, endToken: 5 },
      [1],
      'endToken 5 is outside the vocabulary of 5 tokens',
    ],
  ];

  it.each(table)(
    'refuses %s, naming the option and value',
    async (_name, options, prompt, message) => {
      const stepper = new TableStepper(5, fixedLogits([0, 1, 2, 3, 4]));
      const input = prompt === 'numbers' ? [1, 2] : Int32Array.from(prompt as number[]);
      await expect(decode(stepper, input as Int32Array, options)).rejects.toThrow(message);
      expect(() => decodeStream(stepper, input as Int32Array, options)).toThrow(DecodeError);
      expect(stepper.prefills + stepper.steps, 'nothing was read').toBe(0);
    },
  );
});

describe('greedy', () => {
  // Next-token logits by the last token; after 2 the tie between 1 and 2 goes to 1.
  const table = [
    [0, 1, 3, 2],
    [5, 0, 0, 0],
    [1, 4, 4, 0],
    [0, 0, 0, 1],
  ];
  const byLastToken: NextLogits = (prefix) => table[prefix.last] as number[];

  it('takes the argmax (ties to the lowest id), reads the prompt once and steps once per token', async () => {
    const { best, stepper } = await run(byLastToken, 4, [3, 0], {
      strategy: 'greedy',
      maxNewTokens: 5,
    });
    expect(best.tokens).toEqual([2, 1, 0, 2, 1]);
    expect(best.stoppedBy).toBe('maxTokens');
    const expected = [
      [0, 2],
      [2, 1],
      [1, 0],
      [0, 2],
      [2, 1],
    ].reduce(
      (s, [last, token]) => s + logSoftmaxAt(table[last as number] as number[], token as number),
      0,
    );
    expect(best.logProbability).toBeCloseTo(expected, 6);
    expect(best.score).toBe(best.logProbability);
    expect(stepper.prefills).toBe(1);
    // The last token is never fed back: 5 tokens need the prefill and 4 steps of one row.
    expect(stepper.stepRows).toEqual([1, 1, 1, 1]);
    expect(stepper.tokensRead).toBe(2 + 4);
  });

  it('makes no step and reads nothing for maxNewTokens 0', async () => {
    for (const options of [
      { strategy: 'greedy', maxNewTokens: 0 },
      { strategy: 'sample', maxNewTokens: 0, sampling: { seed: 1 } },
      { strategy: 'beam', maxNewTokens: 0, beam: { width: 3, nBest: 3 } },
    ] as DecodeOptions[]) {
      const { result, stepper } = await run(byLastToken, 4, [1], options);
      expect(result.hypotheses).toEqual([
        { tokens: [], logProbability: 0, score: 0, stoppedBy: 'maxTokens' },
      ]);
      expect(stepper.prefills + stepper.steps).toBe(0);
    }
  });

  it('applies the repetition penalty to prompt and output tokens', async () => {
    // After 0, token 2 (logit 3) beats 3 (logit 2); once 2 is seen, penalty 2 makes it 1.5 < 2.
    const plain = await run(byLastToken, 4, [0], { strategy: 'greedy', maxNewTokens: 1 });
    expect(plain.best.tokens).toEqual([2]);
    const penalized = await run(byLastToken, 4, [2, 0], {
      strategy: 'greedy',
      maxNewTokens: 1,
      repetitionPenalty: 2,
    });
    expect(penalized.best.tokens).toEqual([3]);
    // Its log-probability is under the penalized logits: prompt tokens 0 and 2 seen.
    expect(penalized.best.logProbability).toBeCloseTo(logSoftmaxAt([0, 1, 1.5, 2], 3), 6);
  });
});

describe('stop sequences and the end token', () => {
  const script = [1, 2, 4, 1, 2, 3, 5, 5];
  const scripted = scriptedLogits(6, 1, script);
  const cases: [string, DecodeOptions, number[], string, number[]][] = [
    // name, options, output, stoppedBy, steps made before each yielded token
    [
      'a multi-token stop after its prefix appeared',
      { strategy: 'greedy', maxNewTokens: 8, stopSequences: [[1, 2, 3]] },
      [1, 2, 4],
      'stop',
      [2, 2, 2],
    ],
    [
      'a one-token stop',
      { strategy: 'greedy', maxNewTokens: 8, stopSequences: [[4]] },
      [1, 2],
      'stop',
      [0, 1],
    ],
    [
      'the longest of two that end together',
      {
        strategy: 'greedy',
        maxNewTokens: 8,
        stopSequences: [
          [2, 3],
          [1, 2, 3],
        ],
      },
      [1, 2, 4],
      'stop',
      [2, 2, 2],
    ],
    [
      'a stop that never completes',
      { strategy: 'greedy', maxNewTokens: 8, stopSequences: [[1, 2, 5]] },
      script,
      'maxTokens',
      [2, 2, 2, 5, 5, 5, 6, 7],
    ],
    [
      'the end token',
      { strategy: 'greedy', maxNewTokens: 8, endToken: 3 },
      [1, 2, 4, 1, 2],
      'end',
      [0, 1, 2, 3, 4],
    ],
    [
      'maxNewTokens first',
      { strategy: 'greedy', maxNewTokens: 2, stopSequences: [[1, 2, 3]] },
      [1, 2],
      'maxTokens',
      [1, 1],
    ],
  ];

  it.each(cases)('%s', async (_name, options, output, stoppedBy, stepsAtYield) => {
    const { best, stepper } = await run(scripted, 6, [0], options);
    expect(best.tokens).toEqual(output);
    expect(best.stoppedBy).toBe(stoppedBy);
    const streamStepper = new TableStepper(6, scripted);
    const streamed = await collect(streamStepper, [0], options);
    expect(streamed.yielded.map((t) => t.token)).toEqual(best.tokens);
    expect(streamed.result).toEqual({ hypotheses: [best] });
    // A token that may begin a stop sequence is yielded only once that is decided.
    expect(streamed.stepsAtYield).toEqual(stepsAtYield);
    expect(streamStepper.steps).toBe(stepper.steps);
    expect(streamStepper.live).toBe(0);
  });

  it('handles overlapping starts (1 1 1 2 against the stop 1 1 2)', async () => {
    const { best } = await run(scriptedLogits(6, 1, [1, 1, 1, 2, 4]), 6, [0], {
      strategy: 'greedy',
      maxNewTokens: 5,
      stopSequences: [[1, 1, 2]],
    });
    expect(best.tokens).toEqual([1]);
    expect(best.stoppedBy).toBe('stop');
  });

  it('counts the stop tokens in the log-probability (they were chosen)', async () => {
    const { best } = await run(scripted, 6, [0], {
      strategy: 'greedy',
      maxNewTokens: 8,
      stopSequences: [[4]],
    });
    const each = logSoftmaxAt([5, 0, 0, 0, 0, 0], 0);
    expect(best.logProbability).toBeCloseTo(3 * each, 6);
  });
});

describe('sampling', () => {
  const model = prefixLogits(8, 11);
  const options = (seed: number, extra: Partial<DecodeOptions> = {}): DecodeOptions => ({
    strategy: 'sample',
    maxNewTokens: 40,
    sampling: { seed, temperature: 1.3 },
    ...extra,
  });

  it('gives the same tokens for the same seed and others for another seed', async () => {
    const a = await run(model, 8, [1, 2], options(7));
    const b = await run(model, 8, [1, 2], options(7));
    const c = await run(model, 8, [1, 2], options(8));
    expect(b.best).toEqual(a.best);
    expect(c.best.tokens).not.toEqual(a.best.tokens);
  });

  it('draws once per token from Random(seed), by inverse CDF over the probabilities', async () => {
    // A unigram model: every draw is from softmax(logits / T); the same by hand.
    const logits = [0.3, -1, 2, 0.5, 1];
    const temperature = 0.7;
    const { best } = await run(fixedLogits(logits), 5, [0], {
      strategy: 'sample',
      maxNewTokens: 50,
      sampling: { seed: 123, temperature },
    });
    // The stepper hands over float32 logits.
    const weights = logits.map((x) => Math.exp(Math.fround(x) / temperature));
    const total = weights.reduce((s, w) => s + w, 0);
    const random = new Random(123);
    const expected = Array.from({ length: 50 }, () => {
      const u = random.next() * total;
      let cumulative = 0;
      return weights.findIndex((w) => {
        cumulative += w;
        return u < cumulative;
      });
    });
    expect(best.tokens).toEqual(expected);
    const logProbability = expected.reduce(
      (s, t) => s + Math.log((weights[t] as number) / total),
      0,
    );
    expect(best.logProbability).toBeCloseTo(logProbability, 9);
  });

  it('top-k 1 equals greedy, whatever the seed and temperature', async () => {
    for (const [seed, temperature, repetitionPenalty] of [
      [1, 1, 1],
      [2, 0.5, 1],
      [3, 2.5, 1.4],
      [4, 1, 0.8],
    ] as const) {
      const greedy = await run(model, 8, [3, 1, 4], {
        strategy: 'greedy',
        maxNewTokens: 30,
        repetitionPenalty,
      });
      const topK = await run(model, 8, [3, 1, 4], {
        strategy: 'sample',
        maxNewTokens: 30,
        repetitionPenalty,
        sampling: { seed, temperature, topK: 1 },
      });
      expect(topK.best.tokens).toEqual(greedy.best.tokens);
      expect(topK.best.logProbability).toBe(0); // probability 1 each time
    }
  });

  it('streams exactly the tokens decode returns, with stop sequences and repetition penalty', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const opts = options(seed, {
        repetitionPenalty: 1.2,
        stopSequences: [[3, 3], [5, 1, 2], [7]],
      });
      const { best } = await run(model, 8, [1, 2], opts);
      const streamed = await collect(new TableStepper(8, model), [1, 2], opts);
      expect(streamed.yielded.map((t) => t.token)).toEqual(best.tokens);
      expect(streamed.result.hypotheses).toEqual([best]);
    }
  });
});

describe('greedy equals beam search of width 1', () => {
  it('gives the same tokens, log-probability and end, for every length penalty', async () => {
    for (const seed of [1, 2, 3]) {
      const model = prefixLogits(6, seed);
      for (const extra of [
        {},
        { endToken: 5 },
        { repetitionPenalty: 1.5, stopSequences: [[2, 2]] },
      ] as Partial<DecodeOptions>[]) {
        const greedy = await run(model, 6, [0, 1], {
          strategy: 'greedy',
          maxNewTokens: 25,
          ...extra,
        });
        for (const lengthPenalty of [0, 0.6, 1, 2]) {
          const beam = await run(model, 6, [0, 1], {
            strategy: 'beam',
            maxNewTokens: 25,
            beam: { width: 1, lengthPenalty },
            ...extra,
          });
          expect(beam.best.tokens).toEqual(greedy.best.tokens);
          expect(beam.best.stoppedBy).toBe(greedy.best.stoppedBy);
          expect(beam.best.logProbability).toBeCloseTo(greedy.best.logProbability, 9);
          expect(beam.stepper.steps).toBe(greedy.stepper.steps);
        }
      }
    }
  });
});

describe('abort', () => {
  const model = prefixLogits(6, 4);
  const strategies: DecodeOptions[] = [
    { strategy: 'greedy', maxNewTokens: 20 },
    { strategy: 'sample', maxNewTokens: 20, sampling: { seed: 3 } },
    { strategy: 'beam', maxNewTokens: 20, beam: { width: 3, nBest: 3 } },
  ];

  it.each(strategies)('an aborted signal reads nothing ($strategy)', async (options) => {
    const controller = new AbortController();
    controller.abort();
    const { result, stepper } = await run(model, 6, [1], { ...options, signal: controller.signal });
    expect(result.hypotheses).toEqual([
      { tokens: [], logProbability: 0, score: 0, stoppedBy: 'aborted' },
    ]);
    expect(stepper.prefills).toBe(0);
  });

  it.each(strategies)(
    'aborting during decoding ends it before the next step ($strategy)',
    async (options) => {
      const controller = new AbortController();
      const stepper = new TableStepper(6, model);
      stepper.onStep = (steps) => steps === 3 && controller.abort();
      const result = await decode(stepper, Int32Array.of(1), {
        ...options,
        signal: controller.signal,
      });
      expect(stepper.steps).toBe(3);
      for (const hypothesis of result.hypotheses) {
        expect(hypothesis.stoppedBy).toBe('aborted');
        expect(hypothesis.tokens).toHaveLength(4);
      }
      expect(stepper.live).toBe(0);
    },
  );
});

describe('states', () => {
  const model = prefixLogits(6, 9);
  const strategies: DecodeOptions[] = [
    { strategy: 'greedy', maxNewTokens: 20 },
    { strategy: 'sample', maxNewTokens: 20, sampling: { seed: 3, topP: 0.9 } },
    { strategy: 'beam', maxNewTokens: 20, beam: { width: 4, nBest: 2 }, endToken: 5 },
  ];

  it.each(strategies)(
    'are all released when the stepper fails mid-way ($strategy)',
    async (options) => {
      const stepper = new TableStepper(6, model);
      stepper.failAtStep = 4;
      await expect(decode(stepper, Int32Array.of(1, 2), options)).rejects.toThrow('step 4 fails');
      expect(stepper.live).toBe(0);
      expect(stepper.released).toBe(stepper.made);
    },
  );

  it.each(strategies)(
    'are all released when a stream is left early ($strategy)',
    async (options) => {
      const stepper = new TableStepper(6, model);
      let count = 0;
      for await (const _token of decodeStream(stepper, Int32Array.of(1, 2), options)) {
        if (++count === 2) break;
      }
      expect(count).toBe(2);
      expect(stepper.live).toBe(0);
      expect(stepper.released).toBe(stepper.made);
    },
  );
});
