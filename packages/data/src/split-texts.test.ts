// splitTexts on real data, checked by brute force rather than by the index the code uses: on the
// SST-2 slice (sentences listed with their own phrases) "auto" holds out whole sentences and no
// training row is a held-out sentence or a whole-word run of one; on the UCI sentences (no such
// fragments) "auto" is a plain random tenth. Proportions and determinism are checked on both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLabelledTexts } from './labelled-texts.js';
import { splitTexts } from './split-texts.js';

const fixtures = join(import.meta.dirname, '../../../fixtures/datasets');
const read = (path: string) => parseLabelledTexts(readFileSync(path, 'utf8'), path).texts;
const sst2 = read(join(fixtures, 'sst2/train-head-5000.tsv'));
const uci = ['amazon_cells_labelled.txt', 'imdb_labelled.txt', 'yelp_labelled.txt'].flatMap(
  (file) => read(join(fixtures, 'sentiment-labelled-sentences', file)),
);

const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);

/** Every run of whole words of each text (n-grams of every length), joined by single spaces. */
function runsOf(texts: readonly string[], proper: boolean): Set<string> {
  const runs = new Set<string>();
  for (const text of texts) {
    const w = words(text);
    for (let start = 0; start < w.length; start++) {
      for (let end = start + 1; end <= w.length; end++) {
        if (proper && start === 0 && end === w.length) continue;
        runs.add(w.slice(start, end).join(' '));
      }
    }
  }
  return runs;
}

const key = (text: string) => words(text).join(' ');

function checkPartition(split: ReturnType<typeof splitTexts>, count: number): void {
  const train = new Set(split.train);
  const validation = new Set(split.validation);
  expect(train.size + validation.size + split.dropped).toBe(count);
  for (const i of validation) expect(train.has(i)).toBe(false);
}

describe('splitTexts on the SST-2 slice (sentences with their phrases)', () => {
  const split = splitTexts(sst2, { share: 0.1, seed: 7 });
  // Whole sentences, independently of the code's word index: rows that are no shorter run of
  // words of another row (every proper n-gram of every row, in a set).
  const properRuns = runsOf(sst2, true);
  const whole = sst2.filter((text) => key(text) === '' || !properRuns.has(key(text)));

  it('"auto" sees that most rows are phrases of other rows and holds out whole sentences', () => {
    expect(split.mode).toBe('whole-texts');
    expect(split.fragmentShare).toBeCloseTo(1 - whole.length / sst2.length, 10);
    expect(split.fragmentShare).toBeGreaterThan(0.2); // what "auto" decides on
  });

  it('validates on a tenth of the whole sentences, each of them one', () => {
    expect(split.validation.length).toBe(Math.round(whole.length * 0.1));
    const wholeSet = new Set(whole);
    for (const i of split.validation) expect(wholeSet.has(sst2[i] as string)).toBe(true);
  });

  it('leaves no held-out sentence, copy or phrase of one in training', () => {
    const heldOut = runsOf(
      split.validation.map((i) => sst2[i] as string),
      false,
    );
    const leaks = split.train.filter((i) => heldOut.has(key(sst2[i] as string)));
    expect(leaks).toEqual([]);
    checkPartition(split, sst2.length);
  });

  it('drops exactly the rows that are phrases (or copies) of a held-out sentence', () => {
    const heldOut = runsOf(
      split.validation.map((i) => sst2[i] as string),
      false,
    );
    const validation = new Set(split.validation);
    const expected = sst2.filter((text, i) => !validation.has(i) && heldOut.has(key(text)));
    expect(split.dropped).toBe(expected.length);
    expect(split.dropped).toBeGreaterThan(0);
  });

  it('is the same for the same seed and another for another seed', () => {
    expect(splitTexts(sst2, { share: 0.1, seed: 7 })).toEqual(split);
    const other = splitTexts(sst2, { share: 0.1, seed: 8 });
    expect(other.validation).not.toEqual(split.validation);
    expect(other.validation.length).toBe(split.validation.length);
  });
});

describe('splitTexts on the UCI sentences (no fragments)', () => {
  const split = splitTexts(uci, { share: 0.1, seed: 7 });

  it('"auto" resolves to a random tenth of the rows, nothing dropped', () => {
    expect(split.mode).toBe('random');
    expect(split.fragmentShare).toBeLessThan(0.2);
    expect(split.validation.length).toBe(300);
    expect(split.train.length).toBe(2700);
    expect(split.dropped).toBe(0);
    checkPartition(split, uci.length);
  });

  it('draws the tenth from all three sources, in proportion within a few percent', () => {
    const fromSource = [0, 1, 2].map(
      (s) => split.validation.filter((i) => Math.floor(i / 1000) === s).length,
    );
    for (const n of fromSource) expect(n).toBeGreaterThan(60);
  });

  it('is the same for the same seed and another for another seed', () => {
    expect(splitTexts(uci, { share: 0.1, seed: 7 })).toEqual(split);
    expect(splitTexts(uci, { share: 0.1, seed: 8 }).validation).not.toEqual(split.validation);
  });
});
