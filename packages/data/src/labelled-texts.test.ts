// Header and column detection on labelled files: known names (SST-2), no header (UCI), and headers
// whose names are not in the lists (found because the label column's first value is no label).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLabelledFile } from './labelled-file.js';

const dir = mkdtempSync(join(tmpdir(), 'labelled-'));
const uci = join(
  import.meta.dirname,
  '../../../../../shared/datasets/sentiment-labelled-sentences',
);
const lines = readFileSync(join(uci, 'yelp_labelled.txt'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, 20);

describe('readLabelledFile', () => {
  it('reads a headerless TSV (UCI): text first, label last', async () => {
    const file = await readLabelledFile(join(uci, 'yelp_labelled.txt'));
    expect(file.texts).toHaveLength(1000);
    expect(new Set(file.labels)).toEqual(new Set(['0', '1']));
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
});
