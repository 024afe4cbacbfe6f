// Character ids of words, for a character-level word encoder (core's embedding `characters`
// option): a vocabulary of single characters (Unicode code points, not UTF-16 units) built from the
// training words, each word's ids cut to maxLength as its head and tail, and batches padded to
// [sentences, words, characters] with 0.

/** Fixed ids: padding (a missing character or word) and the unknown character. */
export const characterPadToken = '<pad>';
export const characterUnkToken = '<unk>';
export const characterPadId = 0;
export const characterUnkId = 1;

export interface CharacterVocabularyJson {
  /** '<pad>', '<unk>', then one code point per entry. */
  characters: string[];
}

export class CharacterVocabulary {
  /** Id → character; ids 0 and 1 are '<pad>' and '<unk>' (never a single character). */
  readonly characters: readonly string[];
  readonly #ids: Map<string, number>;

  private constructor(characters: readonly string[]) {
    this.characters = characters;
    this.#ids = new Map(characters.map((c, id) => [c, id]));
  }

  /**
   * Every character of `words` seen at least `minFrequency` times (counted over the words as
   * given, each occurrence), most frequent first, ties in code-point order: the same words always
   * give the same ids.
   */
  static build(
    words: Iterable<string>,
    options: { minFrequency?: number } = {},
  ): CharacterVocabulary {
    const minFrequency = options.minFrequency ?? 1;
    if (!(Number.isInteger(minFrequency) && minFrequency >= 1)) {
      throw new Error(
        `character vocabulary: minFrequency must be an integer >= 1, got ${minFrequency}`,
      );
    }
    const counts = new Map<string, number>();
    for (const word of words) {
      for (const c of word) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const ranked = [...counts]
      .filter(([, count]) => count >= minFrequency)
      .sort((a, b) => b[1] - a[1] || codePointOf(a[0]) - codePointOf(b[0]))
      .map(([c]) => c);
    return new CharacterVocabulary([characterPadToken, characterUnkToken, ...ranked]);
  }

  static fromJson(json: unknown, source = 'character vocabulary'): CharacterVocabulary {
    const characters = (json as CharacterVocabularyJson | null)?.characters;
    if (!Array.isArray(characters) || !characters.every((c) => typeof c === 'string')) {
      throw new Error(`${source}: expected { "characters": [strings] }`);
    }
    if (characters[0] !== characterPadToken || characters[1] !== characterUnkToken) {
      throw new Error(
        `${source}: ids 0 and 1 must be "${characterPadToken}" and "${characterUnkToken}", found ${JSON.stringify(characters.slice(0, 2))}`,
      );
    }
    characters.slice(2).forEach((c, k) => {
      if ([...c].length !== 1) {
        throw new Error(
          `${source}: id ${k + 2} must be one character (code point), found ${JSON.stringify(c)}`,
        );
      }
    });
    if (new Set(characters).size !== characters.length) {
      throw new Error(`${source}: a character appears twice`);
    }
    return new CharacterVocabulary(characters);
  }

  /** Ids in the table, padding and unknown included: the encoder's characterVocabularySize. */
  get size(): number {
    return this.characters.length;
  }

  /** The id of one character (a code point); unknown characters are characterUnkId. */
  id(character: string): number {
    return this.#ids.get(character) ?? characterUnkId;
  }

  toJson(): CharacterVocabularyJson {
    return { characters: [...this.characters] };
  }
}

function codePointOf(c: string): number {
  return c.codePointAt(0) as number;
}

/**
 * The ids of a word's characters (code points), at most `maxLength`: a longer word is read as
 * its first ceil(maxLength / 2) and last floor(maxLength / 2) characters. An empty word has none.
 */
export function characterIds(
  word: string,
  vocabulary: CharacterVocabulary,
  maxLength: number,
): Int32Array {
  if (!(Number.isInteger(maxLength) && maxLength >= 1)) {
    throw new Error(`characterIds: maxLength must be an integer >= 1, got ${maxLength}`);
  }
  const chars = [...word];
  const kept =
    chars.length <= maxLength
      ? chars
      : [
          ...chars.slice(0, Math.ceil(maxLength / 2)),
          ...chars.slice(chars.length - Math.floor(maxLength / 2)),
        ];
  return Int32Array.from(kept, (c) => vocabulary.id(c));
}

export interface PaddedCharacters {
  /** [sentences × words × characters], row-major; 0 is padding. */
  ids: Int32Array;
  /** [B, T, C]: T the longest sentence (at least 1), C the longest word after cutting (at least 1). */
  shape: [number, number, number];
}

/**
 * Each sentence's words as character ids, right-padded with 0 to [B, T, C]: the characters of a
 * word, the words of a sentence (padded words are all 0). `maxSteps` cuts sentences as
 * `padBatch(ids, maxSteps)` cuts their token ids, so the two stay aligned; both pad to the longest
 * sentence, at least one step.
 */
export function padCharacters(
  sentences: readonly (readonly string[])[],
  vocabulary: CharacterVocabulary,
  maxLength: number,
  maxSteps?: number,
): PaddedCharacters {
  const B = sentences.length;
  let T = 1;
  for (const sentence of sentences)
    T = Math.max(T, Math.min(sentence.length, maxSteps ?? Infinity));
  const words = sentences.map((sentence) =>
    sentence.slice(0, T).map((word) => characterIds(word, vocabulary, maxLength)),
  );
  let C = 1;
  for (const sentence of words) for (const word of sentence) C = Math.max(C, word.length);
  const ids = new Int32Array(B * T * C);
  words.forEach((sentence, b) => {
    sentence.forEach((word, t) => {
      ids.set(word, (b * T + t) * C);
    });
  });
  return { ids, shape: [B, T, C] };
}
