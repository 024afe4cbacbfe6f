// The unusual inputs through every reader, with the exact behaviour each gets (the table
// in the package README): an empty text is kept as an empty string, a 1 MB line comes back whole,
// and bytes that are not UTF-8 are refused with the file and line before any reader sees them.
import { describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { parseConllu } from './conllu.js';
import { parseDelimited } from './delimited.js';
import { parseJsonl } from './jsonl.js';
import { streamLines } from './stream.js';
import { decodeUtf8 } from './utf8.js';

const megabyteLine = 'good '.repeat(210_000).trim(); // 1,049,999 characters, one line
const readers: Array<[string, (text: string) => string]> = [
  [
    'TSV',
    (text) => parseDelimited(`sentence\tlabel\n${text}\t1\n`, 'f.tsv').rows[0]?.fields[0] as string,
  ],
  [
    'CSV',
    (text) =>
      parseDelimited(`text,label\n"${text}",1\n`, 'f.csv', { delimiter: ',' }).rows[0]
        ?.fields[0] as string,
  ],
  [
    'JSONL',
    (text) =>
      parseJsonl(`${JSON.stringify({ text, label: 1 })}\n`, 'f.jsonl').rows[0]?.value
        .text as string,
  ],
  [
    'plain text',
    (text) =>
      decodeUtf8(new TextEncoder().encode(`${text}\nnext\n`), 'f.txt').split('\n')[0] as string,
  ],
];

describe('unusual inputs through every reader', () => {
  it.each(readers)('%s keeps an empty text as ""', (_name, read) => {
    expect(read('')).toBe('');
  });

  it.each(readers)('%s returns a 1 MB line whole', (_name, read) => {
    expect(read(megabyteLine)).toBe(megabyteLine);
  });

  it('CoNLL-U reads a 1 MB token; an empty FORM is a bad row with its line', () => {
    const row = (id: number, form: string) => `${id}\t${form}\t_\tNOUN\t_\t_\t0\troot\t_\t_`;
    const big = parseConllu(`${row(1, 'x'.repeat(1_048_576))}\n`, 'f.conllu');
    expect(big.sentences[0]?.forms[0]).toHaveLength(1_048_576);
    const empty = `${row(1, 'a')}\n${row(2, '')}\n`;
    expect(() => parseConllu(empty, 'f.conllu')).toThrow(DataError);
    expect(() => parseConllu(empty, 'f.conllu')).toThrow(
      'f.conllu:2: field 2 is empty (CoNLL-U writes "_" for no value)',
    );
  });

  it('an empty file: an error for TSV/CSV; JSONL, CoNLL-U and plain text give nothing', async () => {
    expect(() => parseDelimited('', 'e.tsv')).toThrow('e.tsv: no rows (the file is empty)');
    expect(parseJsonl('', 'e.jsonl').rows).toEqual([]);
    expect(parseConllu('', 'e.conllu').sentences).toEqual([]);
    expect(decodeUtf8(new Uint8Array(0), 'e.txt')).toBe('');
    const lines: string[] = [];
    for await (const l of streamLines(new Blob([]).stream(), 'e.txt')) lines.push(l.text);
    expect(lines).toEqual([]);
  });

  it.each(['TSV', 'CSV', 'JSONL', 'CoNLL-U', 'plain text'])(
    '%s: bytes that are not UTF-8 are refused with the file and line (decodeUtf8, streamLines)',
    async (format) => {
      const latin1 = new Uint8Array([0x6f, 0x6b, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café" in Latin-1
      expect(() => decodeUtf8(latin1, `f.${format}`)).toThrow(`f.${format}:2: invalid UTF-8`);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(latin1);
          controller.close();
        },
      });
      const lines: string[] = [];
      await expect(
        (async () => {
          for await (const l of streamLines(stream, `f.${format}`)) lines.push(l.text);
        })(),
      ).rejects.toThrow(`f.${format}:2: invalid UTF-8`);
    },
  );
});
