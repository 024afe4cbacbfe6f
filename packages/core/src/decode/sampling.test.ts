// Sampling draws from the model's distribution: Pearson's chi-square goodness-of-fit over many
// draws. Critical values are the chi-square quantiles at 1 - 1e-4 (scipy.stats.chi2.isf(1e-4, df)),
// so a correct sampler fails a check with probability below 1e-4 whatever the seed; the same
// checks applied to deliberately wrong samplers show that they would catch a mistake.
import { describe, expect, it } from 'vitest';
import { fixedLogits, type NextLogits, TableStepper } from '../../test/table-stepper.js';
import { Random } from '../init/random.js';
import type { SamplingOptions } from './contract.js';
import { decode } from './decode.js';
import { drawToken, samplingDistribution } from './logits.js';

const critical: Record<number, number> = { 2: 18.4207, 4: 23.5127, 12: 39.1344 };
const draws = 20_000;

/** Pearson's statistic over the cells with a nonzero expected count. */
function chiSquare(counts: readonly number[], probabilities: readonly number[]): number {
  const total = counts.reduce((s, c) => s + c, 0);
  return probabilities.reduce((sum, p, i) => {
    const expected = total * p;
    return expected > 0 ? sum + ((counts[i] as number) - expected) ** 2 / expected : sum;
  }, 0);
}

function histogram(tokens: readonly number[], size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (const token of tokens) counts[token] = (counts[token] as number) + 1;
  return counts;
}

/** softmax(logits / temperature) over `keep` (every id by default), from float32 logits. */
function softmax(logits: readonly number[], temperature = 1, keep?: readonly number[]): number[] {
  const ids = keep ?? logits.map((_, i) => i);
  const weights = logits.map((x, i) =>
    ids.includes(i) ? Math.exp(Math.fround(x) / temperature) : 0,
  );
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => w / total);
}

async function sample(next: NextLogits, size: number, sampling: SamplingOptions) {
  const stepper = new TableStepper(size, next);
  const result = await decode(stepper, Int32Array.of(0), {
    strategy: 'sample',
    maxNewTokens: draws,
    sampling,
  });
  expect(stepper.live).toBe(0);
  return result.hypotheses[0]?.tokens as number[];
}

/** Draws from a (possibly wrong) distribution function with the same generator. */
function drawWith(distribution: () => Float64Array, seed: number): number[] {
  const random = new Random(seed);
  return Array.from({ length: draws }, () => drawToken(distribution(), random.next()));
}

describe('sampling matches the model distribution (chi-square)', () => {
  const model = [0.45, 0.25, 0.15, 0.1, 0.05];
  const logits = model.map(Math.log);

  it('top-p 1 at temperature 1 draws from softmax(logits)', async () => {
    for (const seed of [1, 2, 3]) {
      const tokens = await sample(fixedLogits(logits), 5, { seed, topP: 1, temperature: 1 });
      expect(chiSquare(histogram(tokens, 5), softmax(logits))).toBeLessThan(critical[4] as number);
    }
  });

  it('temperature 2 draws from softmax(logits / 2), and the check catches a doubled temperature', async () => {
    const expected = softmax(logits, 2);
    const tokens = await sample(fixedLogits(logits), 5, { seed: 4, temperature: 2 });
    expect(chiSquare(histogram(tokens, 5), expected)).toBeLessThan(critical[4] as number);

    const settings = { temperature: 2, topK: undefined, topP: 1 };
    const doubled = drawWith(
      () =>
        samplingDistribution(
          Float64Array.from(logits, (x) => Math.fround(x) / 2),
          settings,
        ),
      4,
    );
    expect(chiSquare(histogram(doubled, 5), expected)).toBeGreaterThan(critical[4] as number);
    const ignored = drawWith(
      () =>
        samplingDistribution(Float64Array.from(logits, Math.fround), {
          ...settings,
          temperature: 1,
        }),
      4,
    );
    expect(chiSquare(histogram(ignored, 5), expected)).toBeGreaterThan(critical[4] as number);
  });

  it('top-k 3 and top-p 0.8 draw from the renormalized three most probable', async () => {
    const expected = softmax(logits, 1, [0, 1, 2]);
    for (const sampling of [
      { seed: 5, topK: 3 },
      { seed: 6, topP: 0.8 },
    ]) {
      const counts = histogram(await sample(fixedLogits(logits), 5, sampling), 5);
      expect(counts[3]).toBe(0);
      expect(counts[4]).toBe(0);
      expect(chiSquare(counts, expected)).toBeLessThan(critical[2] as number);
    }
    // Drawing from the unfiltered distribution instead would be caught by the empty cells.
    const unfiltered = histogram(
      drawWith(() => Float64Array.from(softmax(logits)), 5),
      5,
    );
    expect((unfiltered[3] as number) + (unfiltered[4] as number)).toBeGreaterThan(0);
  });

  it('follows a model whose distribution depends on the state (bigram transitions)', async () => {
    // Each row: the next-token distribution after that token.
    const table = [
      [0.7, 0.1, 0.1, 0.1],
      [0.2, 0.2, 0.5, 0.1],
      [0.05, 0.15, 0.3, 0.5],
      [0.4, 0.3, 0.2, 0.1],
    ];
    const logLogits = table.map((row) => row.map(Math.log));
    const bigram: NextLogits = (prefix) => logLogits[prefix.last] as number[];
    // Pearson's statistic for a Markov chain: per previous token (the prompt is token 0), the
    // observed next tokens against that row's distribution; 4 x 3 degrees of freedom.
    const statistic = (tokens: readonly number[]) => {
      const counts = table.map(() => new Array<number>(4).fill(0));
      let last = 0;
      for (const token of tokens) {
        const row = counts[last] as number[];
        row[token] = (row[token] as number) + 1;
        last = token;
      }
      return counts.reduce(
        (sum, row, i) => sum + chiSquare(row, softmax(logLogits[i] as number[])),
        0,
      );
    };
    expect(statistic(await sample(bigram, 4, { seed: 7 }))).toBeLessThan(critical[12] as number);
    // Draws that ignore the state (from the average row) would be caught.
    const average = [0, 1, 2, 3].map(
      (j) => table.reduce((s, row) => s + (row[j] as number), 0) / 4,
    );
    const memoryless = drawWith(() => Float64Array.from(average), 7);
    expect(statistic(memoryless)).toBeGreaterThan(critical[12] as number);
  });
});
