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

describe('the PyTorch translation tutorial normalisation (normalize "ascii", lettersOnly)', () => {
  const tutorial = createTokenizer({
    type: 'word',
    lowercase: true,
    normalize: 'ascii',
    lettersOnly: true,
  });

  // Expected tokens: the tutorial's normalizeString (unicodeToAscii(s.lower().strip()), a space
  // before each of .!?, every run of other characters than a-zA-Z.!? made one space) split on
  // spaces, worked out by hand and checked by running it; the lines are Tatoeba eng-fra pairs.
  const cases: [string, string[]][] = [
    ['Ça va ? Très bien, merci.', ['ca', 'va', '?', 'tres', 'bien', 'merci', '.']],
    ['Va\u202f!', ['va', '!']], // Tatoeba's French has a narrow no-break space before ! and ?
    ['J’ai gagné.', ['j', 'ai', 'gagne', '.']],
    ["I'm 19.", ['i', 'm', '.']],
    ["J'ai 19 ans.", ['j', 'ai', 'ans', '.']],
    ["I'm 99% sure.", ['i', 'm', 'sure', '.']],
    ["J'en suis sûr à 99%.", ['j', 'en', 'suis', 'sur', 'a', '.']],
    ["It's 8:30.", ['it', 's', '.']],
    ['Il est 8 h 30.', ['il', 'est', 'h', '.']],
    ['Va-t’en !', ['va', 't', 'en', '!']],
    ["À l'aide !", ['a', 'l', 'aide', '!']],
    ["Here's $5.", ['here', 's', '.']],
    ["Où est l'hôpital ?", ['ou', 'est', 'l', 'hopital', '?']],
    // œ and ß do not decompose: they are non-ASCII letters, so they become spaces.
    ['Cœur brisé...', ['c', 'ur', 'brise', '.', '.', '.']],
    ['Straße', ['stra', 'e']],
    ['Naïve Noël, déjà-vu!?', ['naive', 'noel', 'deja', 'vu', '!', '?']],
    // İ decomposes to I + a combining dot above, which goes.
    ['İstanbul', ['istanbul']],
    ['  42 ...  ', ['.', '.', '.']],
    ['', []],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(tutorial.tokenize(text)).toEqual(expected);
    // prepare() is the normalised text: the tokens joined by single spaces.
    expect(tutorial.prepare(text)).toBe(expected.join(' '));
  });

  it('normalize "ascii" alone keeps case, digits and punctuation and folds accents', () => {
    const ascii = createTokenizer({ type: 'word', normalize: 'ascii' });
    expect(ascii.prepare('Élan 19 œuvres, « déjà »')).toBe('Elan 19  uvres,   deja  ');
    expect(ascii.tokenize('Élan 19 œuvres, « déjà »')).toEqual([
      'Elan',
      '19',
      'uvres',
      ',',
      'deja',
    ]);
  });

  it("lettersOnly alone keeps every script's letters with their marks", () => {
    const letters = createTokenizer({ type: 'word', lettersOnly: true });
    expect(letters.tokenize('Ça va ? 東京、नमस्ते! L’été')).toEqual([
      'Ça',
      'va',
      '?',
      '東京',
      'नमस्ते',
      '!',
      'L',
      'été',
    ]);
  });

  it('lettersOnly with the char tokenizer: letters, single spaces and . ! ?', () => {
    const chars = createTokenizer({
      type: 'char',
      lowercase: true,
      normalize: 'ascii',
      lettersOnly: true,
    });
    expect(chars.tokenize("À l'aide, 3 fois !")).toEqual(Array.from('a l aide fois !'));
  });

  it('output is ASCII letters and . ! ? only, and tokenizing it again changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const tokens = tutorial.tokenize(text);
        for (const token of tokens) expect(token).toMatch(/^(?:[a-z]+|[.!?])$/);
        expect(tutorial.tokenize(tutorial.detokenize(tokens))).toEqual(tokens);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses settings lettersOnly contradicts', () => {
    expect(() =>
      createTokenizer({ type: 'word', lettersOnly: true, splitPunctuation: false }),
    ).toThrow(
      'tokenizer: lettersOnly makes each . ! ? a token; splitPunctuation: false contradicts it',
    );
    expect(() => createTokenizer({ type: 'word', lettersOnly: true, rules: 'treebank' })).toThrow(
      /lettersOnly leaves only letters and \. ! \?.*use rules "basic"/,
    );
  });

  it('reports lettersOnly among its options (false by default)', () => {
    expect(createTokenizer({ type: 'word' }).options.lettersOnly).toBe(false);
    expect(tutorial.options).toEqual({
      type: 'word',
      lowercase: true,
      normalize: 'ascii',
      splitPunctuation: true,
      rules: 'basic',
      lettersOnly: true,
    });
  });
});
