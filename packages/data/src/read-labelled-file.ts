// A labelled file (TSV, CSV or JSONL) from disk: bytes checked as UTF-8, then parseLabelledTexts.
import { readFile } from 'node:fs/promises';
import { DataError } from './errors.js';
import {
  type LabelledTextOptions,
  type LabelledTextsRead,
  parseLabelledTexts,
} from './labelled-texts.js';
import { decodeUtf8 } from './readers/utf8.js';

export async function readLabelledFile(
  path: string,
  options: LabelledTextOptions = {},
): Promise<LabelledTextsRead> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DataError(path, undefined, `cannot read the file (${(error as Error).message})`);
  }
  return parseLabelledTexts(decodeUtf8(bytes, path), path, options);
}
