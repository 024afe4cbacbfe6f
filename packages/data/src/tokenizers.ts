// Tokenizers as the model spec describes them (input.tokenizer): char (one token per Unicode code
// point) and word (whitespace, with punctuation marks as their own tokens unless asked otherwise,
// or Penn Treebank rules), after Unicode normalization and optional lowercasing.
import { treebankTokens } from './treebank.js';

export interface TokenizerOptions {
  type: 'char' | 'word';
  lowercase?: boolean;
  /** Unicode normalization before tokenizing (default NFC). */
  normalize?: 'none' | 'NFC' | 'NFKC';
  /** Word tokenizer: punctuation marks (Unicode category P) become separate tokens (default true). */
  splitPunctuation?: boolean;
  /**
   * Word tokenizer rules: 'basic' (whitespace, then splitPunctuation) or 'treebank' (Penn Treebank
   * conventions: "don't" → do n't, hyphenated words whole, quotes as `` ''), default 'basic'.
   */
  rules?: 'basic' | 'treebank';
}

export interface Tokenizer {
  readonly options: Required<TokenizerOptions>;
  /** The text as the tokenizer sees it: normalized and, if asked, lowercased. */
  prepare(text: string): string;
  tokenize(text: string): string[];
  /** Text from tokens: concatenated (char) or joined with single spaces (word). */
  detokenize(tokens: readonly string[]): string;
}

const punctuation = /(\p{P})/u;

export function createTokenizer(options: TokenizerOptions): Tokenizer {
  const resolved: Required<TokenizerOptions> = {
    type: options.type,
    lowercase: options.lowercase ?? false,
    normalize: options.normalize ?? 'NFC',
    splitPunctuation: options.splitPunctuation ?? true,
    rules: options.rules ?? 'basic',
  };
  if (resolved.rules === 'treebank' && !resolved.splitPunctuation) {
    throw new Error(
      'tokenizer: rules "treebank" always splits punctuation; splitPunctuation: false contradicts it',
    );
  }
  const prepare = (text: string) => {
    const normalized = resolved.normalize === 'none' ? text : text.normalize(resolved.normalize);
    return resolved.lowercase ? normalized.toLowerCase() : normalized;
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
