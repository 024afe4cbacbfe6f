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

describe('word tokenizer with treebank rules', () => {
  const treebank = createTokenizer({ type: 'word', lowercase: true, rules: 'treebank' });

  // Expected tokens written by hand after the Penn Treebank conventions, checked against how
  // SST-2's train.tsv writes the same constructions ("do n't", "it 's", "old-fashioned", "...").
  const cases: [string, string[]][] = [
    ["Don't buy it!", ['do', "n't", 'buy', 'it', '!']],
    [
      "It's not bad, I can't complain.",
      ['it', "'s", 'not', 'bad', ',', 'i', 'ca', "n't", 'complain', '.'],
    ],
    [
      "We'll see; you've been warned, they'd say, we're done, I'm out",
      [
        'we',
        "'ll",
        'see',
        ';',
        'you',
        "'ve",
        'been',
        'warned',
        ',',
        'they',
        "'d",
        'say',
        ',',
        'we',
        "'re",
        'done',
        ',',
        'i',
        "'m",
        'out',
      ],
    ],
    [
      'A slow-moving, old-fashioned coming-of-age movie...',
      ['a', 'slow-moving', ',', 'old-fashioned', 'coming-of-age', 'movie', '...'],
    ],
    [
      'Wow.... Loved this place -- 3.5 stars, $3,000 well spent',
      [
        'wow',
        '...',
        'loved',
        'this',
        'place',
        '--',
        '3.5',
        'stars',
        ',',
        '$',
        '3,000',
        'well',
        'spent',
      ],
    ],
    ['He said "great" (really)', ['he', 'said', '``', 'great', "''", '(', 'really', ')']],
    [
      'Mr. Smith moved to the U.S. yesterday.',
      ['mr.', 'smith', 'moved', 'to', 'the', 'u.s.', 'yesterday', '.'],
    ],
    [
      'It wasn’t “fine”, it cannot be',
      ['it', 'was', "n't", '``', 'fine', "''", ',', 'it', 'can', 'not', 'be'],
    ],
    ["the dogs' bowls, rock'n'roll", ['the', 'dogs', "'", 'bowls', ',', "rock'n'roll"]],
    ['good.the food', ['good', '.', 'the', 'food']],
    // Already treebank-tokenized text (SST-2 itself) comes back unchanged.
    [
      "it 's a charming and often affecting journey . `` do n't '' -- ca n't",
      [
        'it',
        "'s",
        'a',
        'charming',
        'and',
        'often',
        'affecting',
        'journey',
        '.',
        '``',
        'do',
        "n't",
        "''",
        '--',
        'ca',
        "n't",
      ],
    ],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(treebank.tokenize(text)).toEqual(expected);
  });

  it("keeps case when not lowercasing (DON'T → DO N'T)", () => {
    expect(createTokenizer({ type: 'word', rules: 'treebank' }).tokenize("DON'T")).toEqual([
      'DO',
      "N'T",
    ]);
  });

  it('is stable: tokenizing its own output gives the same tokens, none with whitespace', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme' }),
          // Text made of the pieces the rules care about, so contractions and quotes meet often.
          fc
            .array(
              fc.constantFrom(
                'do',
                "n't",
                "'s",
                "'",
                '"',
                '``',
                "''",
                '.',
                '..',
                '-',
                'a',
                'mr',
                ' ',
                '3',
                ',',
                '’',
                'cannot',
              ),
              { maxLength: 30 },
            )
            .map((parts) => parts.join('')),
        ),
        (text) => {
          const tokens = treebank.tokenize(text);
          expect(treebank.tokenize(treebank.detokenize(tokens))).toEqual(tokens);
          for (const token of tokens) expect(token).not.toMatch(/\s/u);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses splitPunctuation: false with treebank rules', () => {
    expect(() =>
      createTokenizer({ type: 'word', rules: 'treebank', splitPunctuation: false }),
    ).toThrow(/treebank.*splitPunctuation: false/);
  });
});
