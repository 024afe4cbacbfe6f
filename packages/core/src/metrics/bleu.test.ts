// BLEU against sacrebleu's own test suite (test/test_bleu.py: expected scores, statistics and
// degenerate cases) and hand-computed n-gram counts.
import { describe, expect, it } from 'vitest';
import { bleuFromStatistics, corpusBleu, tokenize13a } from './bleu.js';

const refs = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

/** sacrebleu's raw_corpus_bleu: floor smoothing, no tokenization, effective order. */
const raw = (h: string[], r: string[][], smoothValue = 0.1) =>
  corpusBleu(h, r, { tokenize: 'none', smoothMethod: 'floor', smoothValue, effectiveOrder: true })
    .score / 100;

describe('corpusBleu (sacrebleu test_bleu.py values)', () => {
  it.each([
    ['default settings (13a, exp smoothing)', {}, 48.530827],
    ['tokenize none', { tokenize: 'none' as const }, 49.1919566],
    ['tokenize 13a', { tokenize: '13a' as const }, 48.530827],
    ['smooth none', { smoothMethod: 'none' as const }, 48.530827],
  ])('%s', (_name, options, expected) => {
    expect(Math.abs(corpusBleu(hyps, refs, options).score - expected)).toBeLessThan(1e-6);
  });

  it('scores empty hypotheses 0 without dropping them', () => {
    expect(corpusBleu(['', '', ''], refs).score).toBe(0);
  });

  it.each([
    [['this is a test', 'another test'], ['ref1', 'ref2'], 0.003799178428257963],
    [['this is a test'], ['this is a test'], 1.0],
    [['this is a fest'], ['this is a test'], 0.223606797749979],
    [['test'], ['a test'], 0.3678794411714425],
    [['a test'], ['a test'], 1.0],
    [['a little test'], ['a test'], 0.03218297948685433],
  ])('raw BLEU of %j against %j', (h, r, expected) => {
    expect(Math.abs(raw(h, [r], 0.01) - expected)).toBeLessThan(1e-8);
  });

  it('counts clipped n-grams as sacrebleu does', () => {
    const result = corpusBleu(
      ['am I am a character sequence'],
      [['I am a symbol string sequence a a']],
      {
        tokenize: 'none',
      },
    );
    expect(result.counts).toEqual([4, 2, 1, 0]);
    expect(result.totals).toEqual([6, 5, 4, 3]);
  });

  it('applies the floor offset only when asked', () => {
    const h = ['am I am a character sequence'];
    const r = [['I am a symbol string sequence a a']];
    expect(raw(h, r, 0)).toBe(0);
    expect(Math.abs(raw(h, r) - 0.1555722182)).toBeLessThan(1e-8);
  });

  it('scores statistics as compute_bleu does', () => {
    const score = bleuFromStatistics([9, 7, 5, 3], [10, 8, 6, 4], 11, 11, { smoothMethod: 'none' });
    expect(Math.abs(score.score / 100 - 0.8375922397)).toBeLessThan(1e-8);
  });

  it.each([
    [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0.0],
    [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0.0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.0],
    [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0.0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1],
    [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
  ])('degenerate statistics %j / %j give 0', (counts, totals, sys, ref, offset) => {
    const score = bleuFromStatistics(counts, totals, sys, ref, {
      smoothMethod: 'floor',
      smoothValue: offset,
    });
    expect(score.score).toBe(0);
  });

  it('tokenizes as mteval-v13a: punctuation split, decimals and entities kept', () => {
    expect(tokenize13a("It wasn't surprising.")).toBe("It wasn't surprising ."); // 13a keeps apostrophes
    expect(tokenize13a('Pi is 3.14, not 3,15-ish; a &amp; b.')).toBe(
      'Pi is 3.14 , not 3,15 - ish ; a & b .',
    );
  });

  it('names the reference stream whose length is wrong', () => {
    expect(() => corpusBleu(['a', 'b'], [['a']])).toThrow(
      'reference stream 0 has 1 sentences for 2 hypotheses',
    );
  });
});
