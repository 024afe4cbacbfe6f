// Pair encoding: vocabularies from the pairs training keeps, the skip rules (maxLength with the end
// token counted, empty sides), and sources as the encoder reads them, checked by hand.
import { describe, expect, it } from 'vitest';
import { tatoeba, tutorialTokenizer } from '../test/tatoeba.js';
import { PairEncoding, trainable } from './pair-encoding.js';

const side = (maxLength?: number, vocabulary = {}) => ({
  tokenizer: tutorialTokenizer,
  vocabulary,
  maxLength,
});

describe('trainable', () => {
  it('keeps a side of n tokens when n + 1 (its end token) fits maxLength; skips empty sides', () => {
    const lengths: [number, number][] = [
      [3, 3], // fits 4 / 4 exactly
      [4, 1], // source 4 + eos = 5 > 4
      [1, 4], // target too long
      [0, 2], // empty source
      [2, 0], // empty target
      [0, 9], // empty and too long: counted once, as empty
    ];
    expect(trainable(lengths, { maxLength: 4 }, { maxLength: 4 })).toEqual({
      kept: [0],
      skipped: { tooLong: 2, empty: 3 },
    });
    expect(trainable(lengths, { maxLength: undefined }, { maxLength: undefined })).toEqual({
      kept: [0, 1, 2],
      skipped: { tooLong: 0, empty: 3 },
    });
  });
});

describe('PairEncoding', () => {
  const pairs = [
    { source: 'Go.', target: 'Va !' },
    { source: 'Go now.', target: 'Va maintenant.' },
    { source: 'Go go go go.', target: 'Va !' }, // 5 source tokens: skipped with maxLength 5
    { source: '42', target: 'Quarante-deux.' }, // no source token after normalisation: skipped
  ];

  it('builds each vocabulary from the kept pairs, by frequency then code point, after the specials', () => {
    const { encoding, kept, skipped } = PairEncoding.build(pairs, side(5), side(5));
    expect(kept).toEqual([0, 1]);
    expect(skipped).toEqual({ tooLong: 1, empty: 1 });
    // go ×2, . ×2, now ×1 (ties in code-point order: "." < "go").
    expect(encoding.sourceVocabulary.tokens).toEqual([
      '<pad>',
      '<unk>',
      '<bos>',
      '<eos>',
      '.',
      'go',
      'now',
    ]);
    expect(encoding.targetVocabulary.tokens).toEqual([
      '<pad>',
      '<unk>',
      '<bos>',
      '<eos>',
      'va',
      '!',
      '.',
      'maintenant',
    ]);
    const training = encoding.encodeTraining(pairs, side(5), side(5));
    expect(training.skipped).toEqual({ tooLong: 1, empty: 1 });
    expect(training.pairs.map((p) => p.index)).toEqual([0, 1]);
    expect(Array.from(training.pairs[1]?.source.ids ?? [])).toEqual([5, 6, 4, 3]);
    expect(Array.from(training.pairs[1]?.target ?? [])).toEqual([4, 7, 6]);
  });

  it('honours the vocabulary limits of each side', () => {
    const { encoding } = PairEncoding.build(
      tatoeba,
      side(undefined, { minFrequency: 3 }),
      side(undefined, { maxSize: 10 }),
    );
    expect(encoding.targetVocabulary.size).toBe(10);
    // Every non-special source token is seen at least 3 times in the pairs.
    const counts = new Map<string, number>();
    for (const p of tatoeba) {
      for (const t of encoding.sourceTokenizer.tokenize(p.source)) {
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
    const kept = encoding.sourceVocabulary.tokens.slice(4);
    expect(kept.length).toBe([...counts.values()].filter((c) => c >= 3).length);
    for (const t of kept) expect(counts.get(t)).toBeGreaterThanOrEqual(3);
  });

  it('reads a source as its ids then <eos>, unknown words as <unk>, an empty one as <eos> alone', () => {
    const { encoding } = PairEncoding.build(pairs, side(5), side(5));
    expect(encoding.encodeSource('Go, now!')).toEqual({
      ids: Int32Array.of(5, 6, 1, 3),
      tokens: ['go', 'now', '<unk>', '<eos>'],
      length: 3,
      unknown: 1,
    });
    expect(encoding.encodeSource('')).toEqual({
      ids: Int32Array.of(3),
      tokens: ['<eos>'],
      length: 0,
      unknown: 0,
    });
    expect(encoding.encodeSource('Zut alors')).toEqual({
      ids: Int32Array.of(1, 1, 3),
      tokens: ['<unk>', '<unk>', '<eos>'],
      length: 2,
      unknown: 2,
    });
    // The reference as BLEU reads it: normalised tokens joined by spaces.
    expect(encoding.reference('Ça va ? Très bien, merci.')).toBe('ca va ? tres bien merci .');
  });
});
