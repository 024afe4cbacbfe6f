import { describe, expect, it } from 'vitest';
import { padBatch } from './batching.js';
import {
  CharacterVocabulary,
  characterIds,
  characterPadId,
  characterUnkId,
  padCharacters,
} from './characters.js';

describe('CharacterVocabulary', () => {
  it('ranks characters by frequency, ties by code point, after <pad> and <unk>', () => {
    // counts: a 4, b 2, c 2, d 1
    const v = CharacterVocabulary.build(['abc', 'ab', 'ca', 'ad']);
    expect(v.characters).toEqual(['<pad>', '<unk>', 'a', 'b', 'c', 'd']);
    expect(v.size).toBe(6);
    expect([v.id('a'), v.id('d'), v.id('z')]).toEqual([2, 5, characterUnkId]);
  });

  it('drops characters seen fewer than minFrequency times (they read as unknown)', () => {
    const v = CharacterVocabulary.build(['abc', 'ab', 'ca', 'ad'], { minFrequency: 2 });
    expect(v.characters).toEqual(['<pad>', '<unk>', 'a', 'b', 'c']);
    expect(v.id('d')).toBe(characterUnkId);
    expect(() => CharacterVocabulary.build(['a'], { minFrequency: 0 })).toThrow(/minFrequency/);
  });

  it('works on code points: an emoji or a letter outside the BMP is one character', () => {
    const v = CharacterVocabulary.build(['😀a', '😀', '𝒳']);
    expect(v.characters).toEqual(['<pad>', '<unk>', '😀', 'a', '𝒳']);
    expect(Array.from(characterIds('a😀𝒳', v, 20))).toEqual([3, 2, 4]);
  });

  it('is case-sensitive: the characters are the word as written', () => {
    const v = CharacterVocabulary.build(['Aa']);
    expect(v.id('A')).not.toBe(v.id('a'));
  });

  it('round-trips through JSON and refuses damaged tables', () => {
    const v = CharacterVocabulary.build(['hello', 'world']);
    const again = CharacterVocabulary.fromJson(JSON.parse(JSON.stringify(v.toJson())));
    expect(again.characters).toEqual(v.characters);
    const bad: Array<[unknown, RegExp]> = [
      [{}, /expected \{ "characters"/],
      [{ characters: ['<unk>', '<pad>', 'a'] }, /ids 0 and 1 must be/],
      [{ characters: ['<pad>', '<unk>', 'ab'] }, /id 2 must be one character/],
      [{ characters: ['<pad>', '<unk>', 'a', 'a'] }, /appears twice/],
      [{ characters: ['<pad>', '<unk>', 3] }, /expected/],
    ];
    for (const [json, error] of bad)
      expect(() => CharacterVocabulary.fromJson(json)).toThrow(error);
  });
});

describe('characterIds', () => {
  const v = CharacterVocabulary.build(['abcdefghijklmnopqrstuvwxyz']);
  const ids = (word: string, max: number) => Array.from(characterIds(word, v, max));
  const of = (word: string) => [...word].map((c) => v.id(c));

  it('keeps a word of up to maxLength characters whole', () => {
    expect(ids('abc', 3)).toEqual(of('abc'));
    expect(ids('', 3)).toEqual([]);
  });

  it('reads a longer word as its first ceil(m/2) and last floor(m/2) characters', () => {
    expect(ids('abcdefghij', 4)).toEqual(of('abij'));
    expect(ids('abcdefghij', 5)).toEqual(of('abcij'));
    expect(ids('abcdefghij', 1)).toEqual(of('a'));
    // A 1,000-character token costs maxLength ids.
    expect(ids('a'.repeat(500) + 'z'.repeat(500), 20)).toEqual([
      ...of('a'.repeat(10)),
      ...of('z'.repeat(10)),
    ]);
  });

  it('counts code points, not UTF-16 units, when cutting', () => {
    const u = CharacterVocabulary.build(['😀x']);
    expect(Array.from(characterIds('😀😀x😀', u, 2))).toEqual([u.id('😀'), u.id('😀')]);
    expect(Array.from(characterIds('😀x😀', u, 3))).toEqual([u.id('😀'), u.id('x'), u.id('😀')]);
  });

  it('refuses a maxLength that is not a positive integer', () => {
    expect(() => characterIds('a', v, 0)).toThrow(/maxLength/);
  });
});

describe('padCharacters', () => {
  const v = CharacterVocabulary.build(['abcdef']);

  it('pads to [B, longest sentence, longest word] with 0, padded words all 0', () => {
    const { ids, shape } = padCharacters([['ab', 'c'], ['def']], v, 20);
    expect(shape).toEqual([2, 2, 3]);
    const [a, b, c, d, e, f] = [...'abcdef'].map((x) => v.id(x));
    // biome-ignore format: the [B, T, C] layout
    expect(Array.from(ids)).toEqual([
      a, b, 0,   c, 0, 0,
      d, e, f,   0, 0, 0,
    ]);
    expect(characterPadId).toBe(0);
  });

  it('cuts words to maxLength (C never exceeds it) and sentences as padBatch does', () => {
    const sentences = [['abcdef', 'a', 'b'], ['c']];
    const { shape } = padCharacters(sentences, v, 4, 2);
    const tokens = padBatch(
      sentences.map((s) => s.map(() => 5)),
      2,
    );
    expect(shape).toEqual([2, tokens.steps, 4]);
  });

  it('gives at least one step and one character', () => {
    expect(padCharacters([[]], v, 5).shape).toEqual([1, 1, 1]);
    expect(padCharacters([[''], []], v, 5)).toEqual({ ids: new Int32Array(2), shape: [2, 1, 1] });
  });
});
