// A labelled file (TSV, CSV or JSONL) from disk: bytes checked as UTF-8, then parseLabelledTexts.
import {
  type LabelledTextOptions,
  type LabelledTextsRead,
  parseLabelledTexts,
} from './labelled-texts.js';
import { readTextFile } from './read-text-file.js';

export async function readLabelledFile(
  path: string,
  options: LabelledTextOptions = {},
): Promise<LabelledTextsRead> {
  return parseLabelledTexts(await readTextFile(path), path, options);
}
