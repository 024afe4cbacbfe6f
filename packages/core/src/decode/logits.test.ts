import { describe, expect, it } from 'vitest';
import { Random } from '../init/random.js';
import {
  argmax,
  drawToken,
  logSoftmax,
  penalizeRepetitions,
  rowLogits,
  samplingDistribution,
  topTokens,
} from './logits.js';

const f64 = (values: number[]) => Float64Array.from(values);
/** The ids with a nonzero probability. */
const support = (p: Float64Array) => Array.from(p.keys()).filter((i) => (p[i] as number) > 0);
function expectClose(actual: Float64Array, expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [i, q] of expected.entries()) expect(actual[i]).toBeCloseTo(q, 14);
}
/** softmax restricted to `ids` of `logits`, by hand. */
function softmaxOf(logits: number[], ids: number[]): number[] {
  const out = new Array<number>(logits.length).fill(0);
  const sum = ids.reduce((s, i) => s + Math.exp(logits[i] as number), 0);
  for (const i of ids) out[i] = Math.exp(logits[i] as number) / sum;
  return out;
}

describe('repetition penalty', () => {
  it("divides a seen token's positive logit and multiplies a negative one (HF)", () => {
    const logits = f64([2, -1, 0.5, 3, 0]);
    penalizeRepetitions(logits, [0, 1, 4], 2);
    expect(Array.from(logits)).toEqual([1, -2, 0.5, 3, 0]);
    const encourage = f64([2, -1, 0.5, 3, 0]);
    penalizeRepetitions(encourage, [0, 1], 0.5);
    expect(Array.from(encourage)).toEqual([4, -0.5, 0.5, 3, 0]);
  });
});

describe('argmax and log-softmax', () => {
  it('breaks ties toward the lowest id', () => {
    expect(argmax(f64([1, 3, 3, 2]))).toBe(1);
    expect(argmax(f64([-Infinity, -5, -5]))).toBe(1);
  });

  it('gives log-probabilities that sum to one in probability', () => {
    const out = logSoftmax(f64([0, Math.log(3)]));
    expect(out[0]).toBeCloseTo(Math.log(1 / 4), 12);
    expect(out[1]).toBeCloseTo(Math.log(3 / 4), 12);
    // Large logits do not overflow.
    const big = logSoftmax(f64([1000, 1000]));
    expect(big[0]).toBeCloseTo(Math.log(0.5), 12);
  });

  it('refuses NaN logits and a row with no finite logit', () => {
    expect(() => rowLogits(Float32Array.of(0, Number.NaN), 0, 2)).toThrow(
      "the model's logit of token 1 is NaN (row 0)",
    );
    expect(() => rowLogits(Float32Array.of(0, 1, -Infinity, -Infinity), 1, 2)).toThrow(
      'every logit of row 1 is -Infinity',
    );
    expect(() => rowLogits(Float32Array.of(0, 1, 2), 1, 2)).toThrow(
      'the model gave 3 logits, fewer than 2 rows of 2',
    );
  });
});

describe('topTokens', () => {
  it('agrees with a full sort (value down, then id up)', () => {
    const random = new Random(3);
    const values = Float64Array.from({ length: 200 }, () => Math.floor(random.next() * 20));
    values[7] = Number.NEGATIVE_INFINITY;
    const reference = Array.from(values.keys())
      .filter((i) => values[i] !== Number.NEGATIVE_INFINITY)
      .sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
    for (const count of [1, 3, 10, 24, 26, 100, 199, 250]) {
      expect(topTokens(values, count)).toEqual(reference.slice(0, count));
    }
  });
});

describe('sampling distribution (temperature -> top-k -> top-p -> softmax)', () => {
  // Ids 1 and 4 tie. Probabilities: 0.5206, 0.1915, 0.0705, 0.0259, 0.1915.
  const logits = [2, 1, 0, -1, 1];
  const distribution = (topK: number | undefined, topP: number, temperature = 1) =>
    samplingDistribution(f64(logits), { temperature, topK, topP });

  it('is the softmax when nothing is filtered', () => {
    const p = distribution(undefined, 1);
    expectClose(p, softmaxOf(logits, [0, 1, 2, 3, 4]));
  });

  it('top-k keeps exactly k tokens, ties to the lower id', () => {
    expect(support(distribution(1, 1))).toEqual([0]);
    expect(support(distribution(2, 1))).toEqual([0, 1]);
    expect(support(distribution(3, 1))).toEqual([0, 1, 4]);
    expect(support(distribution(9, 1))).toEqual([0, 1, 2, 3, 4]);
    const p = distribution(2, 1);
    expect(p[0]).toBeCloseTo(Math.E / (Math.E + 1), 14);
    expect(p[1]).toBeCloseTo(1 / (Math.E + 1), 14);
  });

  it('top-p keeps the smallest most-probable set whose mass reaches p', () => {
    // Cumulative mass in order 0, 1, 4, 2, 3: 0.5206, 0.7121, 0.9036, 0.9741, 1.
    expect(support(distribution(undefined, 0.5))).toEqual([0]);
    expect(support(distribution(undefined, 0.52))).toEqual([0]);
    expect(support(distribution(undefined, 0.53))).toEqual([0, 1]);
    expect(support(distribution(undefined, 0.72))).toEqual([0, 1, 4]);
    expect(support(distribution(undefined, 0.95))).toEqual([0, 1, 2, 4]);
    expect(support(distribution(undefined, 0.98))).toEqual([0, 1, 2, 3, 4]);
    const p = distribution(undefined, 0.72);
    expectClose(p, softmaxOf(logits, [0, 1, 4]));
    // Tokens the model rules out (-Infinity) never come back, however much mass is asked for.
    const masked = f64([1, Number.NEGATIVE_INFINITY, 0, Number.NEGATIVE_INFINITY]);
    const settings = { temperature: 1, topK: undefined, topP: 0.999999 };
    expect(support(samplingDistribution(masked, settings))).toEqual([0, 2]);
  });

  it('applies top-p to what top-k kept, renormalized', () => {
    // Top-3 renormalized: 0.5761, 0.2119, 0.2119 -> p = 0.75 stops after two tokens; on the
    // whole distribution (0.5206 + 0.1915 = 0.7121 < 0.75) it would keep three.
    expect(support(distribution(3, 0.75))).toEqual([0, 1]);
    expect(support(distribution(undefined, 0.75))).toEqual([0, 1, 4]);
  });

  it('top-p on a large, flat vocabulary ranks as far as it needs (past 64 and 256 tokens)', () => {
    const random = new Random(8);
    const wide = Float64Array.from({ length: 1000 }, () => 0.3 * random.normal());
    wide[10] = wide[11] as number; // a tie
    const total = wide.reduce((sum, x) => sum + Math.exp(x), 0);
    const order = Array.from(wide.keys()).sort(
      (a, b) => (wide[b] as number) - (wide[a] as number) || a - b,
    );
    for (const topP of [0.05, 0.3, 0.6, 0.95]) {
      // By hand: walk the full ranking until the mass reaches p.
      let mass = 0;
      let n = 0;
      while (mass < topP) mass += Math.exp(wide[order[n++] as number] as number) / total;
      const kept = support(samplingDistribution(wide, { temperature: 1, topK: undefined, topP }));
      expect(kept).toEqual(order.slice(0, n).sort((a, b) => a - b));
    }
  });

  it('divides by the temperature before filtering', () => {
    const p = distribution(2, 1, 2);
    expect(p[0]).toBeCloseTo(Math.exp(1) / (Math.exp(1) + Math.exp(0.5)), 14);
    const hot = distribution(undefined, 1, 0.5);
    expectClose(
      hot,
      softmaxOf(
        logits.map((x) => x / 0.5),
        [0, 1, 2, 3, 4],
      ),
    );
  });
});

describe('drawToken', () => {
  it('inverts the cumulative distribution in id order, never choosing a zero', () => {
    const p = f64([0.2, 0, 0.5, 0.3, 0]);
    const draws = [0, 0.19999, 0.2, 0.69999, 0.7, 0.999999].map((u) => drawToken(p, u));
    expect(draws).toEqual([0, 0, 2, 2, 3, 3]);
  });
});
