// Given tokens to word ids: each token is looked up as the spec's tokenizer would write it
// (normalized, lowercased if asked; never split, see tagging-settings.ts) in a vocabulary built
// from the training tokens, unknown ones as unk and counted.
import {
  createTokenizer,
  type Tokenizer,
  type TokenizerOptions,
  unkId,
  Vocabulary,
} from '@recurrent/data';

export class WordEncoding {
  readonly #tokenizer: Tokenizer | undefined;

  constructor(
    readonly tokenizer: TokenizerOptions | undefined,
    readonly vocabulary: Vocabulary,
  ) {
    this.#tokenizer = tokenizer ? createTokenizer(tokenizer) : undefined;
  }

  static build(
    sentences: Iterable<readonly string[]>,
    tokenizer: TokenizerOptions | undefined,
    limits: { minFrequency?: number; maxSize?: number },
  ): WordEncoding {
    const keyed = new WordEncoding(tokenizer, Vocabulary.build([]));
    const keys = function* () {
      for (const tokens of sentences) yield tokens.map((t) => keyed.key(t));
    };
    return new WordEncoding(tokenizer, Vocabulary.build(keys(), limits));
  }

  /** The vocabulary entry of a token: the token as the tokenizer prepares text (one token). */
  key(token: string): string {
    return this.#tokenizer ? this.#tokenizer.prepare(token) : token;
  }

  /** Word ids of a sentence's tokens, and how many are unknown. */
  encode(tokens: readonly string[]): { ids: Int32Array; unknown: number } {
    const ids = Int32Array.from(tokens, (t) => this.vocabulary.id(this.key(t)));
    let unknown = 0;
    for (const id of ids) if (id === unkId) unknown++;
    return { ids, unknown };
  }
}
