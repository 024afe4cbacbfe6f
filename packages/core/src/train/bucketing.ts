// Bucketing by length: batches of sequences of similar length, so that little of each batch is
// padding (and the recurrent layers run fewer padded steps). Sequences are sorted by length (ties
// in their original order), cut into batches, and the batches are shuffled with the seed, so every
// epoch sees every batch once and the same seed gives the same batches.
import { Random } from '../init/random.js';

/** Indices of the sequences in each batch; the last batch may be smaller. */
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
    const random = new Random(seed);
    for (let i = batches.length - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      [batches[i], batches[j]] = [batches[j] as number[], batches[i] as number[]];
    }
  }
  return batches;
}

/** The share of a set of batches that is padding, when each batch is padded to its longest row. */
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
