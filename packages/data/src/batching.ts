// Batches of token ids: right-padded with pad (0) to the longest row (or maxLength, which also
// truncates), with each row's real length; and bucketing by length so that little of a batch is
// padding.
import { padId } from './vocabulary.js';

export interface PaddedBatch {
  /** [rows × steps], row-major. */
  ids: Int32Array;
  rows: number;
  steps: number;
  /** Real length of each row (at least 1: an empty row is one pad step, as models need a step). */
  lengths: number[];
}

export function padBatch(sequences: readonly ArrayLike<number>[], maxLength?: number): PaddedBatch {
  const lengths = sequences.map((s) => Math.max(1, Math.min(s.length, maxLength ?? s.length)));
  const steps = Math.max(1, ...lengths);
  const ids = new Int32Array(sequences.length * steps).fill(padId);
  for (const [r, sequence] of sequences.entries()) {
    const n = Math.min(sequence.length, steps);
    for (let t = 0; t < n; t++) ids[r * steps + t] = sequence[t] as number;
  }
  return { ids, rows: sequences.length, steps, lengths };
}

/** A small seeded generator (mulberry32) for shuffles and splits that repeat for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Indices of the rows in each batch, rows sorted by length (ties in their original order) and cut
 * into batches; with a seed the batches (not their contents) are shuffled.
 */
export function bucketByLength(
  lengths: readonly number[],
  batchSize: number,
  seed?: number,
): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`bucketByLength: batchSize must be a positive integer, got ${batchSize}`);
  }
  const order = lengths.map((length, index) => ({ length, index }));
  order.sort((a, b) => a.length - b.length || a.index - b.index);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) {
    batches.push(order.slice(i, i + batchSize).map((entry) => entry.index));
  }
  if (seed !== undefined) {
    const random = seededRandom(seed);
    for (let i = batches.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [batches[i], batches[j]] = [batches[j] as number[], batches[i] as number[]];
    }
  }
  return batches;
}

/** The share of a set of batches that is padding, each batch padded to its longest row. */
export function paddingShare(lengths: readonly number[], batches: readonly number[][]): number {
  let padded = 0;
  let real = 0;
  for (const batch of batches) {
    const longest = Math.max(...batch.map((i) => lengths[i] as number));
    for (const i of batch) {
      padded += longest;
      real += lengths[i] as number;
    }
  }
  return padded === 0 ? 0 : 1 - real / padded;
}

/** A seeded split of `count` rows: validation gets `share` of them (at least one when share > 0). */
export function splitIndices(
  count: number,
  share: number,
  seed: number,
): { train: number[]; validation: number[] } {
  if (!(share >= 0 && share < 1))
    throw new Error(`split: the validation share must be in [0, 1), got ${share}`);
  const order = Array.from({ length: count }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const size = share === 0 ? 0 : Math.max(1, Math.round(count * share));
  const validation = order.slice(0, size).sort((a, b) => a - b);
  const train = order.slice(size).sort((a, b) => a - b);
  return { train, validation };
}
