// The validation pairs of a run that names none: a seeded share of the source sentences, each
// with all its pairs. Tatoeba lists one English sentence with several French translations; split
// by pair, most held-out sources would also be training sources, and validation would read the
// model's memory rather than its translation (the dataset's README asks for this grouping).
import { splitIndices } from '@recurrent/data';
import type { TranslationPair, TranslationPairs } from './contract.js';

export interface PairSplit {
  train: TranslationPair[];
  validation: TranslationPair[];
  /** Distinct sources (by `key`) on each side. */
  sources: { train: number; validation: number };
}

/**
 * A seeded `share` of the distinct sources (by `key`, e.g. the source's tokens) and all their
 * pairs validate; the rest train. Pairs keep their order on each side.
 */
export function splitPairs(
  pairs: TranslationPairs,
  options: { share?: number; seed: number; key?: (pair: TranslationPair) => string },
): PairSplit {
  const key = options.key ?? ((pair: TranslationPair) => pair.source);
  const groups = new Map<string, number>();
  const groupOf = pairs.map((pair) => {
    const k = key(pair);
    let g = groups.get(k);
    if (g === undefined) {
      g = groups.size;
      groups.set(k, g);
    }
    return g;
  });
  const { validation } = splitIndices(groups.size, options.share ?? 0.1, options.seed);
  const held = new Set(validation);
  const split: PairSplit = {
    train: [],
    validation: [],
    sources: { train: groups.size - held.size, validation: held.size },
  };
  pairs.forEach((pair, i) => {
    (held.has(groupOf[i] as number) ? split.validation : split.train).push(pair);
  });
  return split;
}
