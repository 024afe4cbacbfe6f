// Vocabularies built from a corpus, with the special tokens at fixed ids (pad 0, unk 1, bos 2,
// eos 3), ordered by frequency (ties by code-point order, so the same corpus always gives the same
// ids), limited by minFrequency and maxSize (special tokens included), saved with the model.

export const specialTokens = ['<pad>', '<unk>', '<bos>', '<eos>'] as const;
export const padId = 0;
export const unkId = 1;
export const bosId = 2;
export const eosId = 3;

export interface VocabularyOptions {
  minFrequency?: number;
  maxSize?: number;
}

export interface VocabularyJson {
  tokens: string[];
}

export class Vocabulary {
  readonly tokens: readonly string[];
  readonly #ids: Map<string, number>;

  private constructor(tokens: readonly string[]) {
    this.tokens = tokens;
    this.#ids = new Map(tokens.map((token, id) => [token, id]));
  }

  static build(
    sequences: Iterable<readonly string[]>,
    options: VocabularyOptions = {},
  ): Vocabulary {
    const minFrequency = options.minFrequency ?? 1;
    const maxSize = options.maxSize ?? Number.POSITIVE_INFINITY;
    if (maxSize < specialTokens.length + 1) {
      throw new Error(
        `vocabulary: maxSize ${maxSize} leaves no room beside the ${specialTokens.length} special tokens`,
      );
    }
    const counts = new Map<string, number>();
    for (const sequence of sequences) {
      for (const token of sequence) counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    const special = new Set<string>(specialTokens);
    const ranked = [...counts]
      .filter(([token, count]) => count >= minFrequency && !special.has(token))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, maxSize - specialTokens.length)
      .map(([token]) => token);
    return new Vocabulary([...specialTokens, ...ranked]);
  }

  static fromJson(json: unknown, source = 'vocabulary'): Vocabulary {
    const tokens = (json as VocabularyJson | null)?.tokens;
    if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string')) {
      throw new Error(`${source}: expected { "tokens": [strings] }`);
    }
    for (const [id, token] of specialTokens.entries()) {
      if (tokens[id] !== token) {
        throw new Error(
          `${source}: id ${id} must be the special token "${token}", found ${JSON.stringify(tokens[id])}`,
        );
      }
    }
    if (new Set(tokens).size !== tokens.length) throw new Error(`${source}: a token appears twice`);
    return new Vocabulary(tokens);
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number {
    return this.#ids.get(token) ?? unkId;
  }

  /** Token ids, unknown tokens as unk; optionally framed by bos/eos and cut to maxLength. */
  encode(
    tokens: readonly string[],
    options: { bos?: boolean; eos?: boolean; maxLength?: number } = {},
  ): Int32Array {
    const ids = tokens.map((t) => this.id(t));
    if (options.bos) ids.unshift(bosId);
    if (options.eos) ids.push(eosId);
    return Int32Array.from(options.maxLength === undefined ? ids : ids.slice(0, options.maxLength));
  }

  /** Tokens of ids (special tokens left out unless asked for). */
  decode(ids: ArrayLike<number>, options: { keepSpecial?: boolean } = {}): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!options.keepSpecial && id < specialTokens.length) continue;
      const token = this.tokens[id];
      if (token === undefined)
        throw new Error(`vocabulary: id ${id} is outside the ${this.size} tokens`);
      out.push(token);
    }
    return out;
  }

  toJson(): VocabularyJson {
    return { tokens: [...this.tokens] };
  }
}
