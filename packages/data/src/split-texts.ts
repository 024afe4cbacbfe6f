// Validation splits of labelled texts that do not leak. Some corpora list whole texts together with
// their own fragments: SST-2's train.tsv holds every sentence of the treebank and the phrases of its
// parse tree, so a random tenth of its rows mostly shares words and phrases with the rest, reads
// ~88% while full unseen sentences score ~79%. Such data is split by whole texts: a seeded share of
// the texts no other row contains is held out, and every row contained in one of them (its phrases,
// and copies of it) leaves the training side.
import { splitIndices } from './batching.js';

export type SplitMode = 'auto' | 'random' | 'whole-texts';

export interface TextSplit {
  /** How the rows were split: "auto" resolves to one of these two. */
  mode: 'random' | 'whole-texts';
  train: number[];
  validation: number[];
  /** Rows on neither side: fragments (or copies) of a held-out text. */
  dropped: number;
  /** Share of the rows that are fragments of a longer row (what "auto" decides on). */
  fragmentShare: number;
}

export interface TextSplitOptions {
  /** Share of the rows (random) or of the whole texts (whole-texts) to validate on. */
  share: number;
  seed: number;
  /** "auto" (default): whole texts when at least `autoFragmentShare` of the rows are fragments. */
  mode?: SplitMode;
  /** Default 0.2: SST-2 has 0.90; ordinary labelled sentences have next to none. */
  autoFragmentShare?: number;
}

const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);

/**
 * Finds, for many texts, which other texts contain them as a run of whole words. Rows are indexed by
 * word; a query checks only the rows holding its rarest word, so SST-2's 67k rows take under a second.
 */
class ContainmentIndex {
  readonly #padded: string[];
  readonly #rows = new Map<string, number[]>();

  constructor(texts: readonly string[], members: readonly number[]) {
    this.#padded = texts.map((t) => ` ${words(t).join(' ')} `);
    for (const i of members) {
      for (const word of new Set(words(texts[i] as string))) {
        const list = this.#rows.get(word);
        if (list) list.push(i);
        else this.#rows.set(word, [i]);
      }
    }
  }

  /** An indexed row other than `row` that contains it (longer, or equal when `equal`), or -1. */
  container(row: number, text: string, equal: boolean): number {
    const own = this.#padded[row] as string;
    if (own.trim() === '') return -1;
    let candidates: number[] | undefined;
    for (const word of new Set(words(text))) {
      const list = this.#rows.get(word);
      if (!list) return -1;
      if (!candidates || list.length < candidates.length) candidates = list;
    }
    for (const j of candidates ?? []) {
      if (j === row) continue;
      const other = this.#padded[j] as string;
      if (other.length < own.length || (!equal && other.length === own.length)) continue;
      if (other.includes(own)) return j;
    }
    return -1;
  }
}

/** Whether each row is a fragment (a whole-word run) of a longer row. */
export function fragmentRows(texts: readonly string[]): boolean[] {
  const index = new ContainmentIndex(
    texts,
    texts.map((_, i) => i),
  );
  return texts.map((text, i) => index.container(i, text, false) >= 0);
}

/**
 * Splits labelled texts for validation without leaking (see the module header). "random" is a seeded
 * random share of the rows; "whole-texts" holds out a seeded share of the texts that are no other
 * row's fragment and drops from training every row they contain.
 */
export function splitTexts(texts: readonly string[], options: TextSplitOptions): TextSplit {
  const { share, seed } = options;
  const mode = options.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'random' && mode !== 'whole-texts') {
    throw new Error(`split: mode must be auto, random or whole-texts, got "${String(mode)}"`);
  }
  const fragment = fragmentRows(texts);
  const fragmentShare = texts.length ? fragment.filter(Boolean).length / texts.length : 0;
  const resolved =
    mode === 'auto'
      ? fragmentShare >= (options.autoFragmentShare ?? 0.2)
        ? 'whole-texts'
        : 'random'
      : mode;
  if (resolved === 'random') {
    return {
      mode: 'random',
      ...splitIndices(texts.length, share, seed),
      dropped: 0,
      fragmentShare,
    };
  }
  const whole = texts.flatMap((_, i) => (fragment[i] ? [] : [i]));
  const picked = splitIndices(whole.length, share, seed).validation;
  const validation = picked.map((k) => whole[k] as number);
  const heldOut = new Set(validation);
  const index = new ContainmentIndex(texts, validation);
  const train: number[] = [];
  let dropped = 0;
  for (const [i, text] of texts.entries()) {
    if (heldOut.has(i)) continue;
    if (index.container(i, text, true) >= 0) dropped++;
    else train.push(i);
  }
  return { mode: 'whole-texts', train, validation, dropped, fragmentShare };
}
