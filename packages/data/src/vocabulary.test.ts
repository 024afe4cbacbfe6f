// Vocabularies on real sentences: fixed special ids, frequency order, limits, encode/decode and
// JSON round trips, and refusal of malformed saved vocabularies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenizer } from './tokenizers.js';
import { bosId, eosId, unkId, Vocabulary } from './vocabulary.js';

const sentences = readFileSync(
  join(import.meta.dirname, '../test/fixtures/amazon-head.txt'),
  'utf8',
)
  .split('\n')
  .filter(Boolean)
  .map((line) => line.split('\t')[0] as string);
const tokenizer = createTokenizer({ type: 'word', lowercase: true });
const corpus = sentences.map((s) => tokenizer.tokenize(s));

describe('Vocabulary', () => {
  it('puts the special tokens first, then tokens by frequency', () => {
    const vocabulary = Vocabulary.build(corpus);
    expect(vocabulary.tokens.slice(0, 4)).toEqual(['<pad>', '<unk>', '<bos>', '<eos>']);
    const count = (t: string) => corpus.flat().filter((x) => x === t).length;
    const ranked = vocabulary.tokens.slice(4);
    for (let i = 1; i < ranked.length; i++) {
      expect(count(ranked[i - 1] as string)).toBeGreaterThanOrEqual(count(ranked[i] as string));
    }
    expect(ranked[0]).toBe('.'); // the most frequent token of these reviews
  });

  it('honours minFrequency and maxSize (special tokens included in the size)', () => {
    const limited = Vocabulary.build(corpus, { minFrequency: 3, maxSize: 20 });
    expect(limited.size).toBe(20);
    const frequent = Vocabulary.build(corpus, { minFrequency: 3 });
    const count = (t: string) => corpus.flat().filter((x) => x === t).length;
    expect(frequent.tokens.slice(4).every((t) => count(t) >= 3)).toBe(true);
    expect(() => Vocabulary.build(corpus, { maxSize: 4 })).toThrow('leaves no room');
  });

  it('encodes unknown tokens as unk, frames with bos/eos, truncates, and decodes back', () => {
    const vocabulary = Vocabulary.build(corpus);
    const ids = vocabulary.encode(['great', 'zyzzyva'], { bos: true, eos: true });
    expect(Array.from(ids)).toEqual([bosId, vocabulary.id('great'), unkId, eosId]);
    expect(vocabulary.decode(ids)).toEqual(['great']);
    expect(vocabulary.decode(ids, { keepSpecial: true })).toEqual([
      '<bos>',
      'great',
      '<unk>',
      '<eos>',
    ]);
    expect(vocabulary.encode(['great', 'phone', 'works'], { maxLength: 2 }).length).toBe(2);
    expect(() => vocabulary.decode([vocabulary.size])).toThrow(`id ${vocabulary.size} is outside`);
  });

  it('round-trips every known sentence and its JSON form', () => {
    const vocabulary = Vocabulary.build(corpus);
    const restored = Vocabulary.fromJson(JSON.parse(JSON.stringify(vocabulary.toJson())));
    fc.assert(
      fc.property(fc.constantFrom(...corpus), (tokens) => {
        expect(restored.decode(restored.encode(tokens))).toEqual(tokens);
      }),
    );
  });

  it.each([
    [null, 'expected { "tokens": [strings] }'],
    [{ tokens: ['a', 'b'] }, 'id 0 must be the special token "<pad>", found "a"'],
    [{ tokens: ['<pad>', '<unk>', '<bos>', '<eos>', 'x', 'x'] }, 'a token appears twice'],
  ])('refuses a malformed saved vocabulary: %j', (json, message) => {
    expect(() => Vocabulary.fromJson(json, 'model.json vocabulary')).toThrow(
      `model.json vocabulary: ${message}`,
    );
  });
});
