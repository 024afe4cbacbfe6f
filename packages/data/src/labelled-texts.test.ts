// Labelled files: header and column detection on known names (SST-2), no header (UCI), and headers
// whose names are not in the lists (found because the label column's first value is no label);
// parsing from text (any runtime) and reading from disk (`/node`) agree; bad input names the file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { labelledFormat, parseLabelledTexts } from './labelled-texts.js';
import { readLabelledFile } from './read-labelled-file.js';

const dir = mkdtempSync(join(tmpdir(), 'labelled-'));
const fixtures = join(import.meta.dirname, '../../../fixtures/datasets');
const yelp = join(fixtures, 'sentiment-labelled-sentences/yelp_labelled.txt');
const sst2 = join(fixtures, 'sst2/train-head-5000.tsv');
const lines = readFileSync(yelp, 'utf8').split('\n').filter(Boolean).slice(0, 20);

describe('readLabelledFile', () => {
  it('reads a headerless TSV (UCI): text first, label last', async () => {
    const file = await readLabelledFile(yelp);
    expect(file.texts).toHaveLength(1000);
    expect(new Set(file.labels)).toEqual(new Set(['0', '1']));
    expect(file.texts[0]).toBe(lines[0]?.split('\t')[0]);
  });

  it('reads SST-2 by its header (sentence, label) and gives what parsing its text gives', async () => {
    const file = await readLabelledFile(sst2);
    expect(file.texts).toHaveLength(5000);
    expect(file.texts[0]).toBe('hide new secretions from the parental units ');
    expect(file.labels.slice(0, 2)).toEqual(['0', '0']);
    expect(parseLabelledTexts(readFileSync(sst2, 'utf8'), sst2)).toEqual(file);
  });

  it('recognizes a header with unfamiliar names by its label column (CSV, quoted)', async () => {
    const path = join(dir, 'reviews.csv');
    const rows = lines.map((l) => {
      const [text, label] = l.split('\t') as [string, string];
      return `"${text.replaceAll('"', '""')}",${label}`;
    });
    writeFileSync(path, `review,polarity\n${rows.join('\n')}\n`);
    const file = await readLabelledFile(path);
    expect(file.texts).toHaveLength(20);
    expect(file.labels).not.toContain('polarity');
    expect(file.texts[0]).toBe(lines[0]?.split('\t')[0]);
  });

  it('takes named columns when given, in any order', async () => {
    const path = join(dir, 'swapped.tsv');
    writeFileSync(
      path,
      `score\tcomment\n${lines.map((l) => l.split('\t').reverse().join('\t')).join('\n')}\n`,
    );
    const file = await readLabelledFile(path, { textColumn: 'comment', labelColumn: 'score' });
    expect(file.texts[1]).toBe(lines[1]?.split('\t')[0]);
    expect(new Set(file.labels)).toEqual(new Set(['0', '1']));
  });

  it('reads JSONL by its field names (blank lines are no rows)', () => {
    const text = '{"text":"good","label":1}\n\n{"text":"bad","label":0}\n';
    expect(parseLabelledTexts(text, 'x.jsonl')).toEqual({
      texts: ['good', 'bad'],
      labels: ['1', '0'],
      skipped: 0,
    });
  });

  it.each([
    [() => readLabelledFile(join(dir, 'none.tsv')), /none\.tsv: cannot read the file/],
    [
      async () => parseLabelledTexts('a\t1\n', 'x.tsv', { format: 'xml' as 'tsv' }),
      'x.tsv: format "xml": expected tsv, csv or jsonl',
    ],
    [
      async () => parseLabelledTexts('{"text": 3, "label": 1}\n', 'x.jsonl'),
      'x.jsonl:1: no string "text" field',
    ],
    [
      async () => parseLabelledTexts('text\tlabel\nfine\t1\n', 'x.tsv', { labelColumn: 'stars' }),
      'x.tsv',
    ],
  ])('refuses bad input %#, naming the file', async (read, message) => {
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(String((error as Error).message)).toMatch(message);
  });

  it('takes the format from the extension unless given', () => {
    expect(labelledFormat('a.CSV')).toBe('csv');
    expect(labelledFormat('a.ndjson')).toBe('jsonl');
    expect(labelledFormat('a.txt')).toBe('tsv');
    expect(labelledFormat('a.txt', 'csv')).toBe('csv');
  });
});
