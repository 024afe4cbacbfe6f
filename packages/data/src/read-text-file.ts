// A text file from disk as strict UTF-8: an unreadable file or a byte that is not UTF-8 is a
// DataError naming the file (and, for bad bytes, the line). The one reader every /node entry uses.
import { readFile } from 'node:fs/promises';
import { DataError } from './errors.js';
import { decodeUtf8 } from './readers/utf8.js';

/** The text of `path`, decoded as strict UTF-8 (a leading byte-order mark is dropped). */
export async function readTextFile(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DataError(path, undefined, `cannot read the file (${(error as Error).message})`);
  }
  return decodeUtf8(bytes, path);
}
