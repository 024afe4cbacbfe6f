// Readers on real files (SST-2's TSV, the UCI sentences) and a bad-input table: each problem gets
// an error naming the file and line, or is skipped and counted when asked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { columnIndex, parseDelimited } from './delimited.js';
import { parseJsonl } from './jsonl.js';
import { decodeUtf8 } from './utf8.js';

const fixture = (name: string) => join(import.meta.dirname, '../../test/fixtures', name);

describe('delimited reader on real data', () => {
  it('reads SST-2 (TSV, header, bare quotes in sentences) with its columns by name', () => {
    const path = fixture('sst2-train-head.tsv');
    const table = parseDelimited(decodeUtf8(readFileSync(path), path), path);
    expect(table.header).toEqual(['sentence', 'label']);
    expect(table.rows).toHaveLength(200);
    expect(table.rows[0]).toEqual({
      line: 2,
      fields: ['hide new secretions from the parental units ', '0'],
    });
    expect(columnIndex(table, 'label', path)).toBe(1);
    expect(table.rows.every((r) => r.fields[1] === '0' || r.fields[1] === '1')).toBe(true);
  });

  it('reads the UCI sentences (TSV without a header), columns by index', () => {
    const path = fixture('amazon-head.txt');
    const table = parseDelimited(decodeUtf8(readFileSync(path), path), path, { header: false });
    expect(table.header).toBeUndefined();
    expect(table.rows).toHaveLength(100);
    expect(table.rows[0]?.fields).toEqual([
      'So there is no way for me to plug it in here in the US unless I go by a converter.',
      '0',
    ]);
    expect(columnIndex(table, 1, path)).toBe(1);
  });

  it('reads quoted CSV fields with delimiters, doubled quotes, newlines and CRLF', () => {
    const text = 'text,label\r\n"a, b",1\r\n"she said ""hi""",0\r\n"two\nlines",1\r\n';
    const table = parseDelimited(text, 'x.csv');
    expect(table.rows.map((r) => r.fields)).toEqual([
      ['a, b', '1'],
      ['she said "hi"', '0'],
      ['two\nlines', '1'],
    ]);
    expect(table.rows.map((r) => r.line)).toEqual([2, 3, 4]);
  });
});

describe('reader bad-input table', () => {
  const cases: Array<[string, () => unknown, string]> = [
    [
      'a row with a wrong field count',
      () => parseDelimited('a\tb\nx\ty\nlonely\n', 'd.tsv'),
      'd.tsv:3: 1 fields where the header has 2 (pass skipBadRows to skip such rows)',
    ],
    ['an empty file', () => parseDelimited('', 'e.tsv'), 'e.tsv: no rows (the file is empty)'],
    [
      'a quoted field never closed',
      () => parseDelimited('t,l\n"open,1\n', 'q.csv'),
      'q.csv:2: a quoted field is never closed',
    ],
    [
      'text after a closing quote',
      () => parseDelimited('t,l\n"a"b,1\n', 'q.csv'),
      'q.csv:2: text after a closing quote: "b,1\\n"',
    ],
    [
      'an unknown column name',
      () => columnIndex(parseDelimited('sentence\tlabel\nx\t1\n', 's.tsv'), 'text', 's.tsv'),
      's.tsv: no column named "text" (columns: sentence, label)',
    ],
    [
      'a column index out of range',
      () => columnIndex(parseDelimited('x\t1\n', 'u.txt', { header: false }), 2, 'u.txt'),
      'u.txt: column 2 does not exist (the rows have 2 columns, 0-1)',
    ],
    [
      'invalid UTF-8 on line 2',
      () => decodeUtf8(new Uint8Array([0x61, 0x0a, 0x62, 0xff, 0x63]), 'bad.txt'),
      'bad.txt:2: invalid UTF-8 (byte 3 of the file); save the file as UTF-8',
    ],
    [
      'invalid JSON in JSONL',
      () => parseJsonl('{"a":1}\n{oops}\n', 'r.jsonl'),
      'r.jsonl:2: not valid JSON',
    ],
    [
      'a JSONL line that is not an object',
      () => parseJsonl('[1,2]\n', 'r.jsonl'),
      'r.jsonl:1: not a JSON object',
    ],
  ];
  it.each(cases)('%s', (_name, read, message) => {
    let error: unknown;
    try {
      read();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain(message);
  });

  it('skips and counts bad rows when asked', () => {
    const table = parseDelimited('a\tb\nx\ty\nlonely\nz\tw\n', 'd.tsv', { skipBadRows: true });
    expect(table.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(table.skipped).toEqual([{ line: 3, problem: '1 fields where the header has 2' }]);
    const jsonl = parseJsonl('{"a":1}\nnope\n{"b":2}\n', 'r.jsonl', { skipBadRows: true });
    expect(jsonl.rows.map((r) => r.line)).toEqual([1, 3]);
    expect(jsonl.skipped).toHaveLength(1);
  });

  it('drops a byte-order mark', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]), 'bom.txt')).toBe('hi');
  });
});
