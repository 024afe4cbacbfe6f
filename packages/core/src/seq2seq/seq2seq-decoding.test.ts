// Decoding real compiled translation models (Seq2seqModel) on core's cpu backend: the stepper's
// logits must be the model's teacher-forced forward logits on the chosen tokens, beam width 1 must
// be greedy, n-best distinct and sorted, the batched greedy decoder must agree with greedy decoding
// one sentence at a time on rows of different lengths, and nothing may leak. Several
// architectures, so every kind of decoder state (GRU h, LSTM h and c, stacked, input feeding) goes
// through row selection.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Hypothesis } from '../decode/contract.js';
import { decode } from '../decode/decode.js';
import { seq2seqStepper } from '../decode/seq2seq-stepper.js';
import { Random } from '../init/random.js';
import { compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import { greedyTranslateBatch } from './batch-greedy.js';
import type { Seq2seqSteps } from './contract.js';
import { teacherForcingMask, teacherForcingRandom } from './teacher-forcing.js';

const sourceVocabulary = 11;
const targetVocabulary = 7;
const bos = 2;
const eos = 3;

type Translator = Model & Seq2seqSteps;

const architectures: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
  [
    'GRU, Bahdanau attention (the PyTorch tutorial)',
    {
      layers: [
        { type: 'embedding', embeddingDim: 6 },
        { type: 'gru', hiddenSize: 8 },
      ],
    },
    {
      layers: [
        { type: 'embedding', embeddingDim: 6 },
        { type: 'dropout', rate: 0.1 },
        { type: 'gru', hiddenSize: 8 },
      ],
      attention: { type: 'bahdanau' },
    },
  ],
  [
    'bidirectional 2-layer LSTM, LSTM decoder, luong-general with input feeding, dense bridge',
    {
      layers: [
        { type: 'embedding', embeddingDim: 5 },
        { type: 'lstm', hiddenSize: 4, numLayers: 2, bidirectional: true, dropout: 0.2 },
      ],
    },
    {
      layers: [
        { type: 'embedding', embeddingDim: 5 },
        { type: 'lstm', hiddenSize: 6 },
        { type: 'dropout', rate: 0.3 },
      ],
      attention: { type: 'luong-general' },
      inputFeeding: true,
      bridge: 'dense',
    },
  ],
  [
    'stacked GRU both sides, luong-dot, copy bridge',
    {
      layers: [
        { type: 'embedding', embeddingDim: 5 },
        { type: 'gru', hiddenSize: 6, numLayers: 2 },
      ],
    },
    {
      layers: [
        { type: 'embedding', embeddingDim: 5 },
        { type: 'gru', hiddenSize: 6, numLayers: 2 },
      ],
      attention: { type: 'luong-dot' },
    },
  ],
  [
    'RNN, luong-concat',
    {
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'rnn', hiddenSize: 5 },
      ],
    },
    {
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'rnn', hiddenSize: 5 },
      ],
      attention: { type: 'luong-concat', size: 3 },
    },
  ],
  [
    'LSTM without attention',
    {
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'lstm', hiddenSize: 5 },
      ],
    },
    {
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'lstm', hiddenSize: 5 },
      ],
    },
  ],
];

/**
 * A compiled translator whose weights are redrawn from N(0, scale²) and biases set to 0: freshly
 * initialized tiny models say nearly the same thing for every source (the output bias decides),
 * these make outputs depend on the source and end at different lengths, which is what decoding
 * must follow.
 */
async function translator(
  encoder: Record<string, unknown>,
  decoder: Record<string, unknown>,
  seed = 5,
  scale = 0.8,
): Promise<Translator> {
  const model = await compiled(encoder, decoder, seed);
  const random = new Random(seed);
  for (const { name, variable } of model.parameters()) {
    const sd = /bias/.test(name) ? 0 : scale;
    const values = Float32Array.from({ length: variable.size }, () => sd * random.normal());
    const drawn = tf.tensor(values, variable.shape, 'float32');
    variable.assign(drawn);
    drawn.dispose();
  }
  return model;
}

function compiled(
  encoder: Record<string, unknown>,
  decoder: Record<string, unknown>,
  seed: number,
): Promise<Translator> {
  return compile(
    {
      version: 1,
      name: 'tiny-translator',
      task: 'translation',
      input: { tokenizer: { type: 'word' }, maxLength: 12 },
      target: { tokenizer: { type: 'word' }, maxLength: 12 },
      encoder,
      decoder,
      training: { optimizer: { type: 'adam' }, seed },
    },
    {
      backend: 'cpu',
      vocabularySize: sourceVocabulary,
      outputSize: targetVocabulary,
    },
  ) as Promise<Translator>;
}

/** Sources of different lengths, each ending with eos as the translation task writes them. */
const sources = [
  [5, 9, 4, 3],
  [7, 3],
  [10, 6, 6, 8, 4, 9, 5, 3],
  [4, 4, 3],
  [8, 1, 10, 5, 3],
  [3],
  [6, 9, 10, 7, 5, 4, 3],
];

/** The forward pass's logits [T, V] for one source, teacher-forced on `target` (start included). */
async function forwardLogits(
  model: Translator,
  source: number[],
  target: number[],
): Promise<Float32Array[]> {
  const inputs = {
    source: tf.tensor2d([source], [1, source.length], 'int32'),
    sourceLengths: [source.length],
    target: tf.tensor2d([target], [1, target.length], 'int32'),
    targetLengths: [target.length],
  };
  const result = model.forward(inputs);
  const values = (await result.output.data()) as Float32Array;
  tf.dispose([inputs.source, inputs.target, result.output, result.attention ?? []]);
  tf.dispose(Object.values(result.states).flatMap((s) => [s.h, s.c ?? []].flat()));
  expect(result.output.shape).toEqual([1, target.length, targetVocabulary]);
  return target.map((_, t) => values.slice(t * targetVocabulary, (t + 1) * targetVocabulary));
}

function logSoftmax(row: Float32Array): number[] {
  const max = Math.max(...row);
  const sum = row.reduce((acc, x) => acc + Math.exp(x - max), 0);
  return Array.from(row, (x) => x - max - Math.log(sum));
}

const tolerance = 2e-5;

describe.each(architectures)('decoding %s', (_, encoder, decoder) => {
  it("the stepper's logits are the forward pass's, teacher-forced on the chosen tokens", async () => {
    const model = await translator(encoder, decoder);
    for (const source of sources) {
      const stepper = seq2seqStepper(model, Int32Array.from(source));
      // Record every row's logits as beam search steps, with the tokens each row has read.
      const seen: Array<{ read: number[]; logits: Float32Array }> = [];
      const reads = new Map<unknown, number[][]>();
      const recording = {
        vocabularySize: stepper.vocabularySize,
        prefill: async (prompt: Int32Array) => {
          const r = await stepper.prefill(prompt);
          reads.set(r.state, [Array.from(prompt)]);
          seen.push({ read: Array.from(prompt), logits: r.logits });
          return r;
        },
        step: async (tokens: Int32Array, state: unknown) => {
          const before = reads.get(state) as number[][];
          const r = await stepper.step(tokens, state as never);
          const after = before.map((read, row) => [...read, tokens[row] as number]);
          reads.set(r.state, after);
          for (const [row, read] of after.entries()) {
            const V = targetVocabulary;
            seen.push({ read, logits: r.logits.slice(row * V, (row + 1) * V) });
          }
          return r;
        },
        select: (state: unknown, rows: Int32Array) => {
          const picked = stepper.select(state as never, rows);
          const before = reads.get(state) as number[][];
          reads.set(
            picked,
            Array.from(rows, (row) => before[row] as number[]),
          );
          return picked;
        },
        release: (state: unknown) => stepper.release(state as never),
      };
      await decode(recording, Int32Array.of(bos), {
        strategy: 'beam',
        maxNewTokens: 6,
        beam: { width: 3 },
      });
      // No end token: every beam runs 6 steps (after the first, 3 rows each).
      expect(seen.length).toBe(1 + 5 * 3);
      for (const { read, logits } of seen) {
        const expected = (await forwardLogits(model, source, read)).at(-1) as Float32Array;
        logits.forEach((v, i) => {
          expect(Math.abs(v - (expected[i] as number))).toBeLessThanOrEqual(tolerance);
        });
      }
    }
    model.dispose();
  });

  it('beam width 1 is greedy; n-best are distinct, sorted, and scored as the forward pass scores them', async () => {
    const model = await translator(encoder, decoder);
    for (const source of sources) {
      const stepper = seq2seqStepper(model, Int32Array.from(source));
      const prompt = Int32Array.of(bos);
      const greedy = await decode(stepper, prompt, {
        strategy: 'greedy',
        maxNewTokens: 8,
        endToken: eos,
      });
      const one = await decode(stepper, prompt, {
        strategy: 'beam',
        maxNewTokens: 8,
        endToken: eos,
        beam: { width: 1 },
      });
      expect(one.hypotheses[0]?.tokens).toEqual(greedy.hypotheses[0]?.tokens);
      expect(one.hypotheses[0]?.stoppedBy).toEqual(greedy.hypotheses[0]?.stoppedBy);

      const { hypotheses } = await decode(stepper, prompt, {
        strategy: 'beam',
        maxNewTokens: 8,
        endToken: eos,
        beam: { width: 5, nBest: 4, lengthPenalty: 0.6 },
      });
      expect(hypotheses.length).toBe(4);
      expect(new Set(hypotheses.map((h) => h.tokens.join())).size).toBe(4);
      for (let i = 1; i < hypotheses.length; i++) {
        expect(hypotheses[i - 1]?.score).toBeGreaterThanOrEqual(hypotheses[i]?.score as number);
      }
      // The best beam is at least as probable (by its score) as the greedy output.
      const g = greedy.hypotheses[0];
      const gLength = (g?.tokens.length ?? 0) + (g?.stoppedBy === 'end' ? 1 : 0);
      expect(hypotheses[0]?.score).toBeGreaterThanOrEqual(
        (g?.logProbability as number) / gLength ** 0.6 - 1e-6,
      );
      for (const h of hypotheses) {
        const chosen = h.stoppedBy === 'end' ? [...h.tokens, eos] : h.tokens;
        const logits = await forwardLogits(model, source, [bos, ...chosen.slice(0, -1)]);
        const sum = chosen.reduce(
          (acc, token, t) => acc + (logSoftmax(logits[t] as Float32Array)[token] as number),
          0,
        );
        expect(h.logProbability).toBeCloseTo(sum, 4);
      }
    }
    model.dispose();
  });

  it('batched greedy gives each row what greedy decode gives its sentence alone', async () => {
    const model = await translator(encoder, decoder);
    const maxLength = 10;
    const oneByOne = (endToken: number) =>
      Promise.all(
        sources.map(async (sentence) => {
          const stepper = seq2seqStepper(model, Int32Array.from(sentence));
          const options = { strategy: 'greedy' as const, maxNewTokens: maxLength, endToken };
          const { hypotheses } = await decode(stepper, Int32Array.of(bos), options);
          return hypotheses[0] as Hypothesis;
        }),
      );
    // The end token under which these sentences stop after the most different numbers of steps
    // (an untrained model has no real <eos>), so rows finish at different times.
    const stopAfter = (h: Hypothesis) => h.tokens.length + (h.stoppedBy === 'end' ? 1 : 0);
    let endToken = eos;
    let expected = await oneByOne(eos);
    for (let token = 0; token < targetVocabulary; token++) {
      const candidate = await oneByOne(token);
      if (new Set(candidate.map(stopAfter)).size > new Set(expected.map(stopAfter)).size) {
        endToken = token;
        expected = candidate;
      }
    }
    expect(new Set(expected.map(stopAfter)).size).toBeGreaterThanOrEqual(3);
    const S = Math.max(...sources.map((s) => s.length));
    const source = tf.tensor2d(
      sources.map((s) => [...s, ...new Array<number>(S - s.length).fill(0)]),
      [sources.length, S],
      'int32',
    );
    const before = tf.memory().numTensors;
    const batch = await greedyTranslateBatch(
      model,
      source,
      sources.map((s) => s.length),
      { startToken: bos, endToken, maxLength },
    );
    expect(tf.memory().numTensors).toBe(before);
    source.dispose();
    batch.forEach((row, i) => {
      const want = expected[i] as Hypothesis;
      expect(row.tokens).toEqual(want.tokens);
      expect(row.stoppedBy).toBe(want.stoppedBy);
      expect(row.logProbability).toBeCloseTo(want.logProbability, 4);
    });
    model.dispose();
  });

  it('a forward pass under a teacher-forcing mask reads its own greedy choice where the mask is 0', async () => {
    const model = await translator(encoder, decoder);
    const T = 7;
    const B = sources.length;
    const S = Math.max(...sources.map((s) => s.length));
    const targets = sources.map((_, b) => [
      bos,
      ...Array.from({ length: T - 1 }, (_, t) => (b + 2 * t) % 7),
    ]);
    for (const ratio of [0, 0.5]) {
      const mask = teacherForcingMask(ratio, B, T, teacherForcingRandom(7, 1, 3)) as tf.Tensor2D;
      const maskRows = (await mask.array()) as number[][];
      const inputs = {
        source: tf.tensor2d(
          sources.map((s) => [...s, ...new Array<number>(S - s.length).fill(0)]),
          [B, S],
          'int32',
        ),
        sourceLengths: sources.map((s) => s.length),
        target: tf.tensor2d(targets, [B, T], 'int32'),
        teacherForcing: mask,
      };
      const result = model.forward(inputs);
      const logits = (await result.output.array()) as number[][][];
      tf.dispose([inputs.source, inputs.target, mask, result.output, result.attention ?? []]);
      tf.dispose(Object.values(result.states).flatMap((st) => [st.h, st.c ?? []].flat()));
      // Replay each row with the stepper: read the target where the mask is 1, else the argmax of
      // the step before.
      for (const [b, sentence] of sources.entries()) {
        const stepper = seq2seqStepper(model, Int32Array.from(sentence));
        let scores = await stepper.prefill(Int32Array.of(bos));
        for (let t = 0; t < T; t++) {
          const expected = logits[b]?.[t] as number[];
          scores.logits.forEach((v, i) => {
            expect(Math.abs(v - (expected[i] as number))).toBeLessThanOrEqual(tolerance);
          });
          if (t === T - 1) break;
          const own = Array.from(scores.logits).indexOf(Math.max(...scores.logits));
          const read = maskRows[b]?.[t + 1] === 1 ? (targets[b]?.[t + 1] as number) : own;
          const next = await stepper.step(Int32Array.of(read), scores.state);
          stepper.release(scores.state);
          scores = next;
        }
        stepper.release(scores.state);
      }
    }
    model.dispose();
  });

  it('leaves no tensor behind after greedy, beam and aborted decodings', async () => {
    const model = await translator(encoder, decoder);
    const before = tf.memory().numTensors;
    const stepper = seq2seqStepper(model, Int32Array.from(sources[2] as number[]));
    await decode(stepper, Int32Array.of(bos), { strategy: 'greedy', maxNewTokens: 12 });
    expect(tf.memory().numTensors).toBe(before);
    await decode(stepper, Int32Array.of(bos), {
      strategy: 'beam',
      maxNewTokens: 12,
      endToken: eos,
      beam: { width: 5, nBest: 5 },
    });
    expect(tf.memory().numTensors).toBe(before);
    const controller = new AbortController();
    let steps = 0;
    const aborting = {
      ...stepper,
      vocabularySize: stepper.vocabularySize,
      prefill: stepper.prefill.bind(stepper),
      select: stepper.select.bind(stepper),
      release: stepper.release.bind(stepper),
      step: (tokens: Int32Array, state: Parameters<typeof stepper.step>[1]) => {
        if (++steps === 4) controller.abort();
        return stepper.step(tokens, state);
      },
    };
    const aborted = await decode(aborting, Int32Array.of(bos), {
      strategy: 'beam',
      maxNewTokens: 12,
      beam: { width: 4 },
      signal: controller.signal,
    });
    expect(aborted.hypotheses[0]?.stoppedBy).toBe('aborted');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
