// readTextFile: what is on disk comes back as the text written (UTF-8, BOM dropped), and a file
// that cannot be read or is not UTF-8 is a DataError naming the file and, for bad bytes, the line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { readTextFile } from './read-text-file.js';

const dir = mkdtempSync(join(tmpdir(), 'read-text-'));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('readTextFile', () => {
  it('round-trips UTF-8 text, multi-byte characters included', async () => {
    const text = 'Straße\tcafé\n日本語 🙂\n';
    expect(await readTextFile(file('ok.txt', text))).toBe(text);
  });

  it('drops a leading byte-order mark, as editors may add one', async () => {
    const path = file('bom.txt', new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]));
    expect(await readTextFile(path)).toBe('hi');
  });

  it('reads an empty file as empty text', async () => {
    expect(await readTextFile(file('empty.txt', ''))).toBe('');
  });

  it.each([
    ['a missing file', () => join(dir, 'none.txt'), /none\.txt: cannot read the file \(ENOENT/],
    ['a folder', () => dir, /: cannot read the file \(EISDIR/],
    [
      'a Latin-1 byte on line 2',
      () => file('latin1.txt', new Uint8Array([0x61, 0x0a, 0x62, 0xe9, 0x0a])),
      /latin1\.txt:2: invalid UTF-8 \(byte 3 of the file\)/,
    ],
  ])('refuses %s with a DataError naming the file', async (_, path, message) => {
    const read = readTextFile(path());
    await expect(read).rejects.toBeInstanceOf(DataError);
    await expect(readTextFile(path())).rejects.toThrow(message);
  });
});
