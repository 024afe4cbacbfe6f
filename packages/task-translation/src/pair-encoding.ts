// Sentence pairs to token ids the way a translation spec says: each side's tokenizer and
// vocabulary (special ids pad 0, unk 1, bos 2, eos 3). A source is its ids then <eos>; a target is
// its ids alone (the batches frame them: decoder input bos y…, labels y… eos). Training skips
// (and counts) pairs with a side longer than its maxLength or with no tokens at all.
import {
  createTokenizer,
  eosId,
  specialTokens,
  type Tokenizer,
  type TokenizerOptions,
  unkId,
  Vocabulary,
} from '@recurrent/data';
import type { TranslationPairs } from './contract.js';
import type { SideSettings } from './translation-spec.js';

/** A source sentence as the encoder reads it. */
export interface EncodedSource {
  /** Token ids then <eos> (an empty source is <eos> alone). */
  ids: Int32Array;
  /** The tokens as read: unknown ones as "<unk>", then "<eos>". */
  tokens: string[];
  /** Tokens of the text (the <eos> not counted) and how many the vocabulary does not know. */
  length: number;
  unknown: number;
}

export interface EncodedPair {
  /** Position of the pair in the data given. */
  index: number;
  source: EncodedSource;
  /** Target token ids without bos or eos. */
  target: Int32Array;
}

/** Training pairs left out, by reason. */
export interface SkippedPairs {
  /** A side longer than its maxLength (its end token counted). */
  tooLong: number;
  /** A side with no tokens (an empty text, or one the tokenizer leaves nothing of). */
  empty: number;
}

const eosToken = specialTokens[eosId];

export class PairEncoding {
  readonly sourceTokenizer: Tokenizer;
  readonly targetTokenizer: Tokenizer;

  constructor(
    sourceTokenizer: TokenizerOptions,
    readonly sourceVocabulary: Vocabulary,
    targetTokenizer: TokenizerOptions,
    readonly targetVocabulary: Vocabulary,
  ) {
    this.sourceTokenizer = createTokenizer(sourceTokenizer);
    this.targetTokenizer = createTokenizer(targetTokenizer);
  }

  /**
   * Both vocabularies from the pairs training keeps (see `trainable`), each limited as its side's
   * settings say.
   */
  static build(
    pairs: TranslationPairs,
    source: SideSettings,
    target: SideSettings,
  ): { encoding: PairEncoding; kept: number[]; skipped: SkippedPairs } {
    const sourceTokenizer = createTokenizer(source.tokenizer);
    const targetTokenizer = createTokenizer(target.tokenizer);
    const tokens = pairs.map((p) => ({
      source: sourceTokenizer.tokenize(p.source),
      target: targetTokenizer.tokenize(p.target),
    }));
    const { kept, skipped } = trainable(
      tokens.map((t) => [t.source.length, t.target.length]),
      source,
      target,
    );
    const encoding = new PairEncoding(
      source.tokenizer,
      Vocabulary.build(
        kept.map((i) => tokens[i]?.source as string[]),
        source.vocabulary,
      ),
      target.tokenizer,
      Vocabulary.build(
        kept.map((i) => tokens[i]?.target as string[]),
        target.vocabulary,
      ),
    );
    return { encoding, kept, skipped };
  }

  encodeSource(text: string): EncodedSource {
    const words = this.sourceTokenizer.tokenize(text);
    const ids = this.sourceVocabulary.encode(words, { eos: true });
    let unknown = 0;
    const tokens = Array.from(ids, (id, i) => {
      if (id === unkId) unknown++;
      return i === words.length ? eosToken : id === unkId ? specialTokens[unkId] : words[i];
    }) as string[];
    return { ids, tokens, length: words.length, unknown };
  }

  /** Target token ids, no bos or eos. */
  encodeTarget(text: string): Int32Array {
    return this.targetVocabulary.encode(this.targetTokenizer.tokenize(text));
  }

  /** The reference as BLEU reads it: the target tokenizer's tokens joined by spaces. */
  reference(text: string): string {
    return this.targetTokenizer.tokenize(text).join(' ');
  }

  /** Every pair encoded (evaluation and validation keep all pairs). */
  encodeAll(pairs: TranslationPairs): EncodedPair[] {
    return pairs.map((p, index) => ({
      index,
      source: this.encodeSource(p.source),
      target: this.encodeTarget(p.target),
    }));
  }

  /** The pairs training keeps, encoded, and how many it skips. */
  encodeTraining(
    pairs: TranslationPairs,
    source: SideSettings,
    target: SideSettings,
  ): { pairs: EncodedPair[]; skipped: SkippedPairs } {
    const encoded = this.encodeAll(pairs);
    const { kept, skipped } = trainable(
      encoded.map((e) => [e.source.length, e.target.length]),
      source,
      target,
    );
    return { pairs: kept.map((i) => encoded[i] as EncodedPair), skipped };
  }
}

/**
 * Which pairs (given each side's token count, end token not counted) training keeps: both sides
 * have a token, and each side with its end token fits its maxLength.
 */
export function trainable(
  lengths: readonly (readonly [number, number])[],
  source: Pick<SideSettings, 'maxLength'>,
  target: Pick<SideSettings, 'maxLength'>,
): { kept: number[]; skipped: SkippedPairs } {
  const skipped: SkippedPairs = { tooLong: 0, empty: 0 };
  const fits = (length: number, maxLength: number | undefined) =>
    maxLength === undefined || length + 1 <= maxLength;
  const kept: number[] = [];
  lengths.forEach(([s, t], i) => {
    if (s === 0 || t === 0) skipped.empty++;
    else if (!fits(s, source.maxLength) || !fits(t, target.maxLength)) skipped.tooLong++;
    else kept.push(i);
  });
  return { kept, skipped };
}
