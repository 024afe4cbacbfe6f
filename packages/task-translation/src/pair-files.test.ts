// Pair readers: the Tatoeba fixture read whole, and a bad-input table (each input, the error it
// must raise with file and line).
import { readFileSync } from 'node:fs';
import { DataError } from '@recurrent/data';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test/tatoeba.js';
import { parseParallelPairs, parseTsvPairs } from './pair-files.js';

describe('parseTsvPairs', () => {
  it('reads the Tatoeba slice: 400 pairs, the attribution column left out', () => {
    const text = readFileSync(fixturePath, 'utf8');
    const pairs = parseTsvPairs(text, 'eng-fra-head.txt');
    expect(pairs).toHaveLength(400);
    expect(pairs[0]).toEqual({ source: 'Go.', target: 'Va !' });
    expect(pairs[4]).toEqual({ source: 'Run!', target: 'Cours\u202f!' });
    expect(pairs[399]).toEqual({ source: 'Find Tom.', target: 'Trouve Tom.' });
    // Every pair is its line's first two columns.
    const lines = text.split('\n').filter(Boolean);
    pairs.forEach((pair, i) => {
      expect(`${pair.source}\t${pair.target}\t`).toBe(
        `${(lines[i] as string).split('\t').slice(0, 2).join('\t')}\t`,
      );
    });
  });

  it('takes two columns, CRLF line ends, and no final line break', () => {
    expect(parseTsvPairs('a b\tc d\r\ne\tf', 'x.tsv')).toEqual([
      { source: 'a b', target: 'c d' },
      { source: 'e', target: 'f' },
    ]);
  });

  const bad: [string, string][] = [
    ['', 'x.tsv: no pairs (the file is empty)'],
    ['Go.\tVa !\nHi. Salut !\n', 'x.tsv:2: no tab: each line is source<TAB>target'],
    ['Go.\tVa !\n\nHi.\tSalut !\n', 'x.tsv:2: an empty line; each line is source<TAB>target'],
    ['Go.\tVa !\n\tSalut !\n', 'x.tsv:2: the source (column 1) is empty'],
    ['Go.\tVa !\nHi.\t \tCC-BY\n', 'x.tsv:2: the target (column 2) is empty'],
  ];
  it.each(bad)('refuses %j', (text, message) => {
    expect(() => parseTsvPairs(text, 'x.tsv')).toThrow(DataError);
    expect(() => parseTsvPairs(text, 'x.tsv')).toThrow(message);
  });
});

describe('parseParallelPairs', () => {
  const names = { source: 'train.en', target: 'train.fr' };

  it('pairs the files line by line', () => {
    expect(parseParallelPairs('Go.\nHi.\n', 'Va !\nSalut !\n', names)).toEqual([
      { source: 'Go.', target: 'Va !' },
      { source: 'Hi.', target: 'Salut !' },
    ]);
  });

  const bad: [string, string, string][] = [
    [
      'Go.\nHi.\n',
      'Va !\n',
      'train.en: 2 lines, but train.fr has 1: parallel files pair their sentences line by line',
    ],
    ['', '', 'train.en: no sentences (the file is empty)'],
    ['Go.\n\n', 'Va !\nSalut\n', 'train.en:2: an empty line (its pair in train.fr is line 2)'],
    ['Go.\nHi.\n', 'Va !\n  \n', 'train.fr:2: an empty line (its pair in train.en is line 2)'],
  ];
  it.each(bad)('refuses %j / %j', (source, target, message) => {
    expect(() => parseParallelPairs(source, target, names)).toThrow(message);
  });
});
