// Streaming lines: an SST-2 slice (5,001 lines, 282 KB, 38 lines with non-ASCII characters) read
// in small chunks gives exactly the lines of reading it at once, whatever the chunk size;
// chunk boundaries inside multi-byte characters and CRLF are handled; invalid UTF-8 names its line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { streamLines } from './stream.js';

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + size));
      offset += size;
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>, source = 's') {
  const lines: Array<{ line: number; text: string }> = [];
  for await (const l of streamLines(stream, source)) lines.push(l);
  return lines;
}

describe('streamLines', () => {
  it('reads an SST-2 slice in small chunks exactly as a whole-file read', async () => {
    const path = join(
      import.meta.dirname,
      '../../../../fixtures/datasets/sst2/train-head-5000.tsv',
    );
    const bytes = readFileSync(path);
    const expected = bytes.toString('utf8').split('\n');
    if (expected.at(-1) === '') expected.pop();
    expect(expected).toHaveLength(5_001);
    // Chunk sizes of which at least one ends chunks inside a multi-byte character of the file,
    // so the real data (not only the hand-made case below) crosses that path.
    const sizes = [4096, 997, 61];
    const splitsACharacter = sizes.some((size) =>
      Array.from({ length: Math.floor((bytes.length - 1) / size) }, (_, i) => (i + 1) * size).some(
        (at) => ((bytes[at] as number) & 0xc0) === 0x80,
      ),
    );
    expect(splitsACharacter).toBe(true);
    for (const size of sizes) {
      const lines = await collect(chunked(bytes, size), path);
      expect(lines.map((l) => l.text)).toEqual(expected);
      expect(lines.map((l) => l.line)).toEqual(expected.map((_, i) => i + 1));
    }
  });

  it('joins characters split across chunks, strips CR and a byte-order mark', async () => {
    const bytes = new TextEncoder().encode('\ufeffcafé 😀\r\nnaïve\nlast');
    for (const size of [1, 2, 3, 5]) {
      expect((await collect(chunked(bytes, size))).map((l) => l.text)).toEqual([
        'café 😀',
        'naïve',
        'last',
      ]);
    }
  });

  it('names the line of invalid UTF-8', async () => {
    const bytes = new Uint8Array([0x61, 0x0a, 0x62, 0x0a, 0xff, 0x0a]);
    await expect(collect(chunked(bytes, 2), 'bad.txt')).rejects.toThrow('bad.txt:3: invalid UTF-8');
    // Several lines in the failing chunk: still the line of the bad byte.
    await expect(collect(chunked(bytes, 64), 'bad.txt')).rejects.toThrow(
      'bad.txt:3: invalid UTF-8',
    );
  });
});
