// Tokenizers as the model spec describes them (input.tokenizer): char (one token per Unicode code
// point) and word (whitespace, with punctuation marks as their own tokens unless asked otherwise,
// or Penn Treebank rules), after Unicode normalization (or folding to ASCII), optional lowercasing
// and, with `lettersOnly`, the PyTorch translation tutorial's letters-and-.!?-only filter.
import { treebankTokens } from './treebank.js';

export interface TokenizerOptions {
  type: 'char' | 'word';
  lowercase?: boolean;
  /**
   * Unicode normalization before tokenizing (default NFC). "ascii": NFD, combining marks
   * (category Mn) removed, every other non-ASCII character replaced by a space (é → e, œ → space),
   * as the PyTorch translation tutorial's unicodeToAscii and the regex after it leave text.
   */
  normalize?: 'none' | 'NFC' | 'NFKC' | 'ascii';
  /** Word tokenizer: punctuation marks (Unicode category P) become separate tokens (default true). */
  splitPunctuation?: boolean;
  /**
   * Word tokenizer rules: 'basic' (whitespace, then splitPunctuation) or 'treebank' (Penn Treebank
   * conventions: "don't" → do n't, hyphenated words whole, quotes as `` ''), default 'basic'.
   */
  rules?: 'basic' | 'treebank';
  /**
   * Every character that is not a letter (or a combining mark on one) or one of . ! ? becomes a
   * space, after normalization and lowercasing; the word tokenizer makes each . ! ? a token. With
   * normalize "ascii" and lowercase this is the tutorial's normalizeString (default false).
   */
  lettersOnly?: boolean;
}

export interface Tokenizer {
  readonly options: Required<TokenizerOptions>;
  /**
   * The text as the tokenizer sees it: normalized, lowercased if asked and, with lettersOnly,
   * filtered (runs of spaces made one, the ends trimmed; word tokenizer: . ! ? set apart).
   */
  prepare(text: string): string;
  tokenize(text: string): string[];
  /** Text from tokens: concatenated (char) or joined with single spaces (word). */
  detokenize(tokens: readonly string[]): string;
}

const punctuation = /(\p{P})/u;
const combiningMarks = /\p{Mn}/gu;
const nonAscii = /[\u{80}-\u{10ffff}]/gu;
const notLetters = /[^\p{L}\p{M}.!?]+/gu;
const sentenceMarks = /([.!?])/gu;

/** The tutorial's unicodeToAscii, with what its regex does to the non-ASCII rest: a space. */
function foldToAscii(text: string): string {
  return text.normalize('NFD').replace(combiningMarks, '').replace(nonAscii, ' ');
}

function resolve(options: TokenizerOptions): Required<TokenizerOptions> {
  const resolved: Required<TokenizerOptions> = {
    type: options.type,
    lowercase: options.lowercase ?? false,
    normalize: options.normalize ?? 'NFC',
    splitPunctuation: options.splitPunctuation ?? true,
    rules: options.rules ?? 'basic',
    lettersOnly: options.lettersOnly ?? false,
  };
  if (resolved.rules === 'treebank' && !resolved.splitPunctuation) {
    throw new Error(
      'tokenizer: rules "treebank" always splits punctuation; splitPunctuation: false contradicts it',
    );
  }
  if (resolved.lettersOnly && resolved.rules === 'treebank') {
    throw new Error(
      'tokenizer: lettersOnly leaves only letters and . ! ?, which rules "treebank" would keep together in initials (u.s.); use rules "basic"',
    );
  }
  if (resolved.lettersOnly && resolved.type === 'word' && !resolved.splitPunctuation) {
    throw new Error(
      'tokenizer: lettersOnly makes each . ! ? a token; splitPunctuation: false contradicts it',
    );
  }
  return resolved;
}

export function createTokenizer(options: TokenizerOptions): Tokenizer {
  const resolved = resolve(options);
  const normalize = (text: string): string => {
    switch (resolved.normalize) {
      case 'none':
        return text;
      case 'ascii':
        return foldToAscii(text);
      default:
        return text.normalize(resolved.normalize);
    }
  };
  const prepare = (text: string) => {
    const normalized = normalize(text);
    const cased = resolved.lowercase ? normalized.toLowerCase() : normalized;
    if (!resolved.lettersOnly) return cased;
    const letters = cased.replace(notLetters, ' ');
    // Porting note: the tutorial puts a space before each mark only ("a.b" → "a .b"); here the
    // mark stands alone on both sides ("a . b"), so no token starts with one.
    const spaced = resolved.type === 'word' ? letters.replace(sentenceMarks, ' $1 ') : letters;
    return spaced.replace(/ +/g, ' ').trim();
  };
  if (resolved.type === 'char') {
    return {
      options: resolved,
      prepare,
      tokenize: (text) => Array.from(prepare(text)),
      detokenize: (tokens) => tokens.join(''),
    };
  }
  return {
    options: resolved,
    prepare,
    tokenize: (text) => {
      if (resolved.rules === 'treebank') return treebankTokens(prepare(text));
      const words = prepare(text).split(/\s+/u).filter(Boolean);
      if (!resolved.splitPunctuation) return words;
      return words.flatMap((word) => word.split(punctuation).filter(Boolean));
    },
    detokenize: (tokens) => tokens.join(' '),
  };
}
