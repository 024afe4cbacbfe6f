// Word tokens after Penn Treebank conventions, the way SST, the PTB and most English NLP corpora
// are tokenized: contractions split off ("don't" → do n't, "it's" → it 's), hyphenated words,
// numbers, initials and common abbreviations kept whole, double quotes as `` and '', other
// punctuation marks as their own tokens. A model trained on such a corpus then sees raw text
// (reviews, chat) in the same tokens: "didn't" must meet the "n't" it learned, not "didn ' t".

const letterOrDigit = '[\\p{L}\\p{M}\\p{N}]';
const abbreviations = 'mr|mrs|ms|dr|prof|st|jr|sr|vs|etc|inc|ltd|approx|dept';

const tokenPattern = new RegExp(
  [
    '\\.{2,}', // an ellipsis, however many dots
    '-{2,}', // a dash written as hyphens
    '``',
    "''",
    "n't(?!\\p{L})", // a contraction written apart, as the treebank itself writes it
    "'(?:s|m|d|ll|re|ve)(?!\\p{L})",
    `(?:\\p{L}\\.){2,}`, // initials: u.s., e.g.
    `(?:${abbreviations})\\.(?!\\p{L})`,
    // A word: letters and digits, joined inside by apostrophes, hyphens, slashes, ampersands (r&b)
    // and, between digits, periods and commas (3.5, 3,000); never ending with a joiner.
    `${letterOrDigit}+(?:(?:[-'/&]|(?<=\\p{N})[.,](?=\\p{N}))${letterOrDigit}+)*`,
    '\\S', // any other mark on its own
  ].join('|'),
  'giu',
);

/** A word ending in a contraction; the stem must end in a letter or digit to stand as a word. */
const contractionSuffix = /^(.*[\p{L}\p{M}\p{N}])(n't|'s|'m|'d|'ll|'re|'ve)$/iu;
const openingContext = /[\s([{<]/u;

/** Treebank tokens of a text that is already normalized (and lowercased if asked). */
export function treebankTokens(text: string): string[] {
  // Typographic apostrophes and quotes become the ASCII ones the conventions are written in.
  const plain = text.replace(/``|[’‘`´]/gu, (mark) => (mark === '``' ? mark : "'"));
  const tokens: string[] = [];
  for (const match of plain.matchAll(tokenPattern)) {
    const token = match[0];
    const index = match.index;
    if (/^\.{2,}$/u.test(token)) tokens.push('...');
    else if (/^-{2,}$/u.test(token)) tokens.push('--');
    else if (token === '"' || token === '“' || token === '”') {
      const opens =
        token === '“' ||
        (token === '"' && (index === 0 || openingContext.test(plain[index - 1] ?? ' ')));
      tokens.push(opens ? '``' : "''");
    } else tokens.push(...splitContraction(token));
  }
  return tokens;
}

function splitContraction(word: string): string[] {
  if (/^cannot$/iu.test(word)) return [word.slice(0, 3), word.slice(3)];
  const match = contractionSuffix.exec(word);
  // Stems can hold another contraction ("it's's"): split until none is left.
  return match ? [...splitContraction(match[1] as string), match[2] as string] : [word];
}
