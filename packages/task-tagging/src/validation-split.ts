// The validation data of a run that names none: a seeded tenth of the training sentences (whole
// sentences), with a sentence saying which split was made.
import { splitIndices } from '@recurrent/data';
import type { TaggedSentences } from './contract.js';

export interface SentenceSplit {
  train: TaggedSentences;
  validation: TaggedSentences;
  description: string;
}

/** A seeded `share` (default 10%) of the sentences for validation, the rest for training. */
export function splitSentences(
  data: TaggedSentences,
  options: { seed: number; share?: number },
): SentenceSplit {
  const share = options.share ?? 0.1;
  const { train, validation } = splitIndices(data.tokens.length, share, options.seed);
  const pick = (rows: readonly number[]): TaggedSentences => ({
    tokens: rows.map((i) => data.tokens[i] as readonly string[]),
    tags: rows.map((i) => data.tags[i] as readonly string[]),
    ...(data.column !== undefined ? { column: data.column } : {}),
    ...(data.tokenColumn !== undefined ? { tokenColumn: data.tokenColumn } : {}),
    ...(data.source !== undefined ? { source: data.source } : {}),
    ...(data.lines ? { lines: rows.map((i) => data.lines?.[i] as number) } : {}),
  });
  return {
    train: pick(train),
    validation: pick(validation),
    description: `a seeded ${Math.round(100 * share)}% of the ${data.tokens.length} sentences (seed ${options.seed})`,
  };
}
