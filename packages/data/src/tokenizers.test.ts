// Tokenizers: round-trip properties on arbitrary Unicode and hand-checked cases on real sentences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenizer } from './tokenizers.js';

describe('char tokenizer', () => {
  it('round-trips any text (after normalization): detokenize(tokenize(x)) = prepare(x)', () => {
    for (const normalize of ['none', 'NFC', 'NFKC'] as const) {
      const tokenizer = createTokenizer({
        type: 'char',
        normalize,
        lowercase: normalize === 'NFKC',
      });
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }), (text) => {
          expect(tokenizer.detokenize(tokenizer.tokenize(text))).toBe(tokenizer.prepare(text));
        }),
      );
    }
  });

  it('makes one token per code point (an emoji outside the BMP is one token)', () => {
    expect(createTokenizer({ type: 'char' }).tokenize('a😀é')).toEqual(['a', '😀', 'é']);
  });
});

describe('word tokenizer', () => {
  it('is stable: tokenizing its own output gives the same tokens', () => {
    const tokenizer = createTokenizer({ type: 'word', lowercase: true });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const tokens = tokenizer.tokenize(text);
        expect(tokenizer.tokenize(tokenizer.detokenize(tokens))).toEqual(tokens);
        for (const token of tokens) expect(token).not.toMatch(/\s/u);
      }),
    );
  });

  it('splits punctuation, lowercases and normalizes real review sentences', () => {
    const tokenizer = createTokenizer({ type: 'word', lowercase: true, normalize: 'NFKC' });
    expect(tokenizer.tokenize('Great for the jawbone.')).toEqual([
      'great',
      'for',
      'the',
      'jawbone',
      '.',
    ]);
    expect(tokenizer.tokenize("It wasn't surprising!!")).toEqual([
      'it',
      'wasn',
      "'",
      't',
      'surprising',
      '!',
      '!',
    ]);
    expect(tokenizer.tokenize('Ｆｕｌｌ－width and “quotes”')).toEqual([
      'full',
      '-',
      'width',
      'and',
      '“',
      'quotes',
      '”',
    ]);
    expect(createTokenizer({ type: 'word', splitPunctuation: false }).tokenize('a, b.')).toEqual([
      'a,',
      'b.',
    ]);
  });
});
