// Texts to token ids the way a classification spec says (tokenizer, vocabulary limits, maxLength),
// with what the model will not see reported per text: unknown tokens, and tokens cut by maxLength.
import {
  createTokenizer,
  type Tokenizer,
  type TokenizerOptions,
  unkId,
  Vocabulary,
} from '@recurrent/data';

export interface EncodedText {
  ids: Int32Array;
  /** Tokens in the text before truncation. */
  tokens: number;
  /** Of the kept tokens, how many the vocabulary does not know (encoded as unk). */
  unknown: number;
  truncated: boolean;
}

/** A spec's input.tokenizer: the data package's tokenizer options. */
export type TokenizerSpec = TokenizerOptions;

export class TextEncoding {
  readonly tokenizer: Tokenizer;

  constructor(
    tokenizerSpec: TokenizerSpec,
    readonly vocabulary: Vocabulary,
    readonly maxLength: number,
  ) {
    this.tokenizer = createTokenizer(tokenizerSpec);
  }

  static build(
    texts: readonly string[],
    tokenizerSpec: TokenizerSpec,
    limits: { minFrequency?: number; maxSize?: number },
    maxLength: number,
  ): TextEncoding {
    const tokenizer = createTokenizer(tokenizerSpec);
    const vocabulary = Vocabulary.build(
      texts.map((t) => tokenizer.tokenize(t)),
      limits,
    );
    return new TextEncoding(tokenizerSpec, vocabulary, maxLength);
  }

  /**
   * Token ids of `text`, cut to maxLength. An empty text becomes a single unk: the model needs a
   * step, and unk says "nothing known" (reported as 0 tokens).
   */
  encode(text: string): EncodedText {
    const tokens = this.tokenizer.tokenize(text);
    if (tokens.length === 0)
      return { ids: Int32Array.of(unkId), tokens: 0, unknown: 0, truncated: false };
    const ids = this.vocabulary.encode(tokens, { maxLength: this.maxLength });
    let unknown = 0;
    for (const id of ids) if (id === unkId) unknown++;
    return { ids, tokens: tokens.length, unknown, truncated: tokens.length > this.maxLength };
  }
}
