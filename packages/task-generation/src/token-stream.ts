// A text as one stream of tokens, and of ids, the way a generation spec's tokenizer reads it.
// Characters keep the text's newlines as tokens. Words lose whitespace, so each line ends with the
// <eos> token instead (Porting note: as PyTorch's word_language_model example, which appends
// <eos> to every line, empty lines included), and a generated stream can say where lines end.
import {
  createTokenizer,
  eosId,
  specialTokens,
  type Tokenizer,
  type TokenizerOptions,
  unkId,
  Vocabulary,
  type VocabularyOptions,
} from '@recurrent/data';

const eos = specialTokens[eosId];

/** The tokens of `text` in order, as one stream (see the module comment for line ends). */
export function streamTokens(tokenizer: Tokenizer, text: string): string[] {
  if (tokenizer.options.type === 'char') return tokenizer.tokenize(text);
  const lines = text.split(/\r\n|\n|\r/);
  // A final line break ends the last line; it does not start an empty one.
  if (lines.at(-1) === '') lines.pop();
  return lines.flatMap((line) => [...tokenizer.tokenize(line), eos]);
}

export interface EncodedStream {
  ids: Int32Array;
  /** Tokens the vocabulary does not know (encoded as unk). */
  unknown: number;
}

/** A tokenizer with its vocabulary: text to one stream of ids. */
export class TokenStream {
  readonly tokenizer: Tokenizer;

  constructor(
    tokenizerOptions: TokenizerOptions,
    readonly vocabulary: Vocabulary,
  ) {
    this.tokenizer = createTokenizer(tokenizerOptions);
  }

  /** The vocabulary of `tokens` (the training part of a text) within the spec's limits. */
  static build(
    tokenizerOptions: TokenizerOptions,
    tokens: readonly string[],
    limits: VocabularyOptions,
  ): TokenStream {
    return new TokenStream(tokenizerOptions, Vocabulary.build([tokens], limits));
  }

  tokens(text: string): string[] {
    return streamTokens(this.tokenizer, text);
  }

  encodeTokens(tokens: readonly string[]): EncodedStream {
    const ids = this.vocabulary.encode(tokens);
    let unknown = 0;
    for (const id of ids) if (id === unkId) unknown++;
    return { ids, unknown };
  }

  encode(text: string): EncodedStream {
    return this.encodeTokens(this.tokens(text));
  }
}
