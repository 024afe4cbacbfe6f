import { describe, expect, it } from 'vitest';
import { type NextLogits, Prefix, prefixLogits, TableStepper } from '../../test/table-stepper.js';
import type { DecodeOptions, Hypothesis, StopReason } from './contract.js';
import { decode } from './decode.js';

interface Search {
  maxNewTokens: number;
  endToken?: number;
  stopSequences?: number[][];
  repetitionPenalty?: number;
  lengthPenalty: number;
}

/**
 * Every possible output, scored, best first: each sequence of tokens up to maxNewTokens, ended by
 * the end token, a stop sequence or the length limit. Written apart from the decoder on purpose.
 */
function enumerate(next: NextLogits, prompt: number[], search: Search): Hypothesis[] {
  const {
    maxNewTokens,
    endToken,
    stopSequences = [],
    repetitionPenalty = 1,
    lengthPenalty,
  } = search;
  const all: Hypothesis[] = [];
  const add = (tokens: number[], sum: number, length: number, stoppedBy: StopReason) =>
    all.push({ tokens, logProbability: sum, score: sum / length ** lengthPenalty, stoppedBy });
  const walk = (generated: number[], sum: number) => {
    const logits = Array.from(next(Prefix.of([...prompt, ...generated])), Math.fround);
    for (const token of new Set([...prompt, ...generated])) {
      const x = logits[token] as number;
      logits[token] = x > 0 ? x / repetitionPenalty : x * repetitionPenalty;
    }
    const max = Math.max(...logits);
    const logTotal = max + Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0));
    logits.forEach((logit, token) => {
      const tokens = [...generated, token];
      const total = sum + logit - logTotal;
      const stop = stopSequences
        .filter(
          (s) =>
            s.length <= tokens.length &&
            s.every((t, i) => tokens[tokens.length - s.length + i] === t),
        )
        .reduce((longest, s) => Math.max(longest, s.length), 0);
      if (token === endToken) add(generated, total, tokens.length, 'end');
      else if (stop > 0) add(tokens.slice(0, tokens.length - stop), total, tokens.length, 'stop');
      else if (tokens.length === maxNewTokens) add(tokens, total, tokens.length, 'maxTokens');
      else walk(tokens, total);
    });
  };
  walk([], 0);
  return all.sort((a, b) => b.score - a.score);
}

function beamOptions(search: Search, width: number, nBest: number): DecodeOptions {
  const { lengthPenalty, ...rest } = search;
  return { strategy: 'beam', beam: { width, lengthPenalty, nBest }, ...rest };
}

function expectSameHypotheses(actual: Hypothesis[], expected: Hypothesis[]): void {
  expect(actual.map((h) => [h.tokens, h.stoppedBy])).toEqual(
    expected.map((h) => [h.tokens, h.stoppedBy]),
  );
  actual.forEach((h, i) => {
    expect(h.logProbability).toBeCloseTo((expected[i] as Hypothesis).logProbability, 9);
    expect(h.score).toBeCloseTo((expected[i] as Hypothesis).score, 9);
  });
}

describe('beam search', () => {
  // Four tokens, token 3 ends: at most 1 + 3 + 9 + 27 ended and 81 cut outputs up to 4 tokens.
  const prompt = [0, 2];
  const searches: [string, Omit<Search, 'lengthPenalty'>][] = [
    ['end token', { maxNewTokens: 4, endToken: 3 }],
    ['end token and a two-token stop', { maxNewTokens: 4, endToken: 3, stopSequences: [[1, 2]] }],
    ['repetition penalty', { maxNewTokens: 3, endToken: 3, repetitionPenalty: 1.7 }],
    ['no end at all', { maxNewTokens: 3 }],
  ];

  describe.each(searches)(
    'with a width covering every output, equals brute force (%s)',
    (_name, search) => {
      it.each([0, 0.6, 1, 2])('length penalty %s', async (lengthPenalty) => {
        for (const seed of [1, 2, 3]) {
          const model = prefixLogits(4, seed, 2);
          const all = enumerate(model, prompt, { ...search, lengthPenalty });
          const stepper = new TableStepper(4, model);
          const result = await decode(
            stepper,
            Int32Array.from(prompt),
            beamOptions({ ...search, lengthPenalty }, all.length, 12),
          );
          expectSameHypotheses(result.hypotheses, all.slice(0, 12));
          expect(stepper.live).toBe(0);
          expect(stepper.released).toBe(stepper.made);
        }
      });
    },
  );

  it('changes the winner with the length penalty (the check above is not vacuous)', () => {
    const model = prefixLogits(4, 2, 2);
    const winners = [0, 0.6, 1, 2].map(
      (lengthPenalty) =>
        enumerate(model, prompt, { maxNewTokens: 4, endToken: 3, lengthPenalty })[0]?.tokens,
    );
    expect(new Set(winners.map((w) => JSON.stringify(w))).size).toBeGreaterThan(1);
  });

  it('reads the prompt once as one row, expands it, and steps the live beams only', async () => {
    const model = prefixLogits(5, 7);
    const stepper = new TableStepper(5, model);
    const result = await decode(stepper, Int32Array.of(1, 2, 3), {
      strategy: 'beam',
      maxNewTokens: 6,
      endToken: 4,
      beam: { width: 3, nBest: 3, lengthPenalty: 1 },
    });
    expect(stepper.prefills).toBe(1);
    expect(stepper.selections[0]).toEqual([0, 0, 0]);
    expect(stepper.tokensRead).toBe(3 + stepper.stepRows.reduce((s, n) => s + n, 0));
    for (const rows of stepper.stepRows) expect(rows).toBeLessThanOrEqual(3);
    // Sorted by score, and each score is that of its own tokens.
    const scores = result.hypotheses.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const all = enumerate(model, [1, 2, 3], { maxNewTokens: 6, endToken: 4, lengthPenalty: 1 });
    for (const h of result.hypotheses) {
      const same = all.find(
        (e) => JSON.stringify([e.tokens, e.stoppedBy]) === JSON.stringify([h.tokens, h.stoppedBy]),
      );
      expect(same?.score).toBeCloseTo(h.score, 9);
    }
    expect(result.hypotheses).toHaveLength(3);
    expect(stepper.live).toBe(0);
  });
});
