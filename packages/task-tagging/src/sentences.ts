// Checks on the sentences a caller passes (one tag per token, strings only), where to name them in
// errors (file and line when the readers gave them), and the pieces long training sentences are
// cut into.
import { TaskError } from '@recurrent/core';
import type { TaggedSentences } from './contract.js';

/** Sentences or tags that do not fit the task: counts that differ, an empty token, a tag unknown. */
export class TaggingDataError extends TaskError {
  override name = 'TaggingDataError';
}

/** "sentence 3 (train.conllu:17)" or "sentence 3". */
export function sentenceName(data: Pick<TaggedSentences, 'source' | 'lines'>, i: number): string {
  const line = data.lines?.[i];
  if (data.source === undefined)
    return `sentence ${i + 1}${line !== undefined ? ` (line ${line})` : ''}`;
  return `sentence ${i + 1} (${data.source}${line !== undefined ? `:${line}` : ''})`;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** Checks the shape of `data`, naming the first thing wrong; returns it typed. */
export function checkTagged(data: unknown, what: string): TaggedSentences {
  const d = data as Partial<TaggedSentences> | null;
  if (typeof d !== 'object' || d === null || !Array.isArray(d.tokens) || !Array.isArray(d.tags)) {
    throw new TypeError(
      `${what} must be { tokens: string[][], tags: string[][] }, got ${describe(data)}`,
    );
  }
  const sentences = d as TaggedSentences;
  if (sentences.tokens.length !== sentences.tags.length) {
    throw new TaggingDataError(
      `${what}: ${sentences.tokens.length} token sentences but ${sentences.tags.length} tag sentences`,
    );
  }
  const { tokenColumn } = sentences;
  if (tokenColumn !== undefined && !(Number.isInteger(tokenColumn) && tokenColumn >= 1)) {
    throw new TypeError(
      `${what}: tokenColumn must be a 1-based column number, got ${JSON.stringify(tokenColumn)}`,
    );
  }
  checkTokens(sentences.tokens, what, sentences);
  sentences.tags.forEach((tags, i) => {
    const tokens = sentences.tokens[i] as readonly string[];
    if (!Array.isArray(tags)) {
      throw new TypeError(
        `${what}: the tags of ${sentenceName(sentences, i)} are ${describe(tags)}, not an array`,
      );
    }
    if (tags.length !== tokens.length) {
      throw new TaggingDataError(
        `${what}: ${sentenceName(sentences, i)} has ${tokens.length} tokens but ${tags.length} tags`,
      );
    }
    tags.forEach((tag, k) => {
      if (typeof tag !== 'string' || tag === '') {
        throw new TaggingDataError(
          `${what}: ${sentenceName(sentences, i)}, token ${k + 1}: the tag is ${tag === '' ? 'empty' : describe(tag)}`,
        );
      }
    });
  });
  return sentences;
}

/** Every sentence an array of non-empty strings (tokens), naming the first that is not. */
export function checkTokens(
  tokens: unknown,
  what: string,
  names: Pick<TaggedSentences, 'source' | 'lines'> = {},
): ReadonlyArray<readonly string[]> {
  if (!Array.isArray(tokens)) {
    throw new TypeError(
      `${what} must be an array of sentences (string arrays), got ${describe(tokens)}`,
    );
  }
  tokens.forEach((sentence, i) => {
    if (!Array.isArray(sentence)) {
      throw new TypeError(
        `${what}: ${sentenceName(names, i)} is ${describe(sentence)}, not an array of tokens`,
      );
    }
    sentence.forEach((token, k) => {
      if (typeof token !== 'string' || token === '') {
        throw new TaggingDataError(
          `${what}: ${sentenceName(names, i)}, token ${k + 1} is ${token === '' ? 'empty' : describe(token)}: tokens are non-empty strings`,
        );
      }
    });
  });
  return tokens as ReadonlyArray<readonly string[]>;
}

/**
 * [start, end) ranges cutting `length` tokens into pieces of at most `maxLength` (all of it when
 * maxLength is undefined): no token, and so no tag, is dropped.
 */
export function pieces(length: number, maxLength: number | undefined): Array<[number, number]> {
  if (maxLength === undefined || length <= maxLength) return [[0, length]];
  const out: Array<[number, number]> = [];
  for (let start = 0; start < length; start += maxLength) {
    out.push([start, Math.min(length, start + maxLength)]);
  }
  return out;
}
