// The validation data of a run that names none: a seeded tenth of the training data, split with
// @recurrent/data's splitTexts ("auto": by whole texts when the data lists phrases of its own
// sentences, as SST-2 does, else at random), and a sentence saying which split was made.
import { splitTexts, type TextSplitOptions } from '@recurrent/data';
import type { LabelledTexts } from './classification-task.js';

export interface ValidationSplit {
  train: LabelledTexts;
  validation: LabelledTexts;
  /** Which split was made, for the user: mode, sizes, and rows left out. */
  description: string;
}

export function validationSplit(
  data: LabelledTexts,
  options: Pick<TextSplitOptions, 'seed'> & Partial<TextSplitOptions>,
): ValidationSplit {
  const share = options.share ?? 0.1;
  const split = splitTexts(data.texts, { mode: 'auto', ...options, share });
  const pick = (rows: readonly number[]): LabelledTexts => ({
    texts: rows.map((i) => data.texts[i] as string),
    labels: rows.map((i) => data.labels[i] as string),
  });
  const percent = (x: number) => `${Math.round(100 * x)}%`;
  const description =
    split.mode === 'random'
      ? `a seeded random ${percent(share)} of the rows (seed ${options.seed}; ${percent(split.fragmentShare)} of the rows are phrases of others, so rows are split at random)`
      : `a seeded ${percent(share)} of the whole sentences (seed ${options.seed}): ${percent(split.fragmentShare)} of the rows are phrases of other rows, so ${split.dropped} rows inside held-out sentences are left out of training`;
  return { train: pick(split.train), validation: pick(split.validation), description };
}
