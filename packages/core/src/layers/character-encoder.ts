// The character-level word encoder of an embedding layer (Lample et al. 2016): each token's
// characters are embedded and read by one recurrent layer (rnn, lstm or gru, one or both ways),
// and its final states, both directions concatenated, are the token's character vector. It is the
// existing RecurrentLayer over [words, characters, embeddingDim] with packed-sequence lengths (the
// count of non-zero ids), as PyTorch's pack_padded_sequence would run it, so the forward state is
// taken at the word's last character and the reverse pass starts there.
//
// Speed: this runs on every training step of a tagger. The ids are read on the CPU (they arrive
// as a freshly made tensor, readable on every backend); only the distinct real words are gathered
// into the recurrent run (a batch repeats "the", "to", "flights": each runs once, and the gather
// back sums their gradients), grouped by length into a few runs so that short words do not wait
// through the steps of the longest one (lengthBuckets); their vectors are gathered back to
// [B, T, D * H] with zeros for padding, which costs nothing else.
import * as tf from '@tensorflow/tfjs-core';
import { normalValues } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import type { CharacterEncoderSpec } from '../spec/types.generated.js';
import { embeddingLookup } from './embedding.js';
import type { ForwardContext, Parameter } from './layer.js';
import { createParameter } from './params.js';
import { RecurrentLayer } from './recurrent/recurrent-layer.js';

/** The character table's fixed rows, as @recurrent/data's CharacterVocabulary numbers them. */
const padCharacter = 0;
const unknownCharacter = 1;

/**
 * The distinct real words of a [B, T, C] block of character ids, in order of first appearance: a
 * word that occurs again (the same ids) is run once, and its vector goes to every slot it fills.
 */
export interface CharacterWords {
  count: number;
  /** Characters of each word (its packed length). */
  lengths: Int32Array;
  /** Where each word's ids start in the block (its first occurrence). */
  starts: Int32Array;
  /** [B * T]: -1 for a slot without a word, else the word's index among the `count`. */
  slots: Int32Array;
}

/**
 * Per-step cost of a recurrent run that does not depend on its rows, in rows (measured on wasm
 * for hiddenSize 25: a step of a run costs about as much as 64 more words in it).
 */
const stepCostInRows = 64;
const maxBuckets = 4;

export class CharacterEncoder {
  /** Features added to each token: directions x hiddenSize. */
  readonly outputSize: number;
  readonly table: Parameter;
  readonly recurrent: RecurrentLayer;
  readonly parameters: Parameter[];

  constructor(
    /** The embedding layer's name; parameters are "<name>.characters.weight" and "<name>.characters.<cell>.*". */
    readonly layerName: string,
    readonly spec: CharacterEncoderSpec,
    /** Rows of the character table (the character vocabulary, padding and unknown included). */
    readonly vocabularySize: number,
    random: Random,
    fusedKernels: 'auto' | 'on' | 'off' = 'auto',
  ) {
    const prefix = `${layerName}.characters`;
    const shape = [vocabularySize, spec.embeddingDim];
    // As nn.Embedding(padding_idx=0): N(0, 1), the padding row zero (and it gets no gradient).
    // Porting note: the unknown character's row starts at zero too, as the word table's unknown
    // row does (see README): a character never seen in training adds nothing rather than noise.
    this.table = createParameter(
      prefix,
      'weight',
      shape,
      'pytorch-default',
      random,
      () => normalValues(shape, 1, random),
      true,
      (values) => {
        const E = spec.embeddingDim;
        for (const row of [padCharacter, unknownCharacter]) values.fill(0, row * E, (row + 1) * E);
      },
    );
    const common = {
      hiddenSize: spec.hiddenSize,
      numLayers: 1,
      bidirectional: spec.bidirectional,
      dropout: 0,
      bias: true,
      returnSequences: false,
    };
    this.recurrent = new RecurrentLayer(
      `${prefix}.${spec.cell}`,
      spec.cell === 'rnn'
        ? { type: 'rnn', nonlinearity: 'tanh', ...common }
        : { type: spec.cell, ...common },
      spec.embeddingDim,
      random,
      fusedKernels,
    );
    this.outputSize = this.recurrent.outputSize;
    this.parameters = [this.table, ...this.recurrent.parameters];
  }

  /**
   * Each token's character vector, [B, T, D * H], from `characters` int32 [B, T, C] (checked by
   * the model: rank, dtype, rows and time steps). Tokens past a row's length (`context.lengths`)
   * and tokens without characters get zeros.
   */
  encode(characters: tf.Tensor, context: ForwardContext, where: string): tf.Tensor3D {
    const [B, T] = characters.shape as [number, number, number];
    const values = characters.dataSync() as Int32Array;
    const words = realWords(
      values,
      characters.shape as [number, number, number],
      context.lengths,
      this.vocabularySize,
      this.spec.maxLength,
      where,
    );
    const H = this.outputSize;
    if (words.count === 0) return tf.zeros([B, T, H]);
    const buckets = lengthBuckets(words.lengths, maxBuckets, stepCostInRows);
    return tf.tidy(() => {
      const vectors = buckets.map((bucket) => this.#run(values, words, bucket, context));
      const all = vectors.length === 1 ? (vectors[0] as tf.Tensor2D) : tf.concat(vectors);
      // Every slot holds its own word, in reading order: nothing to gather.
      if (buckets.length === 1 && words.count === B * T) return tf.reshape(all, [B, T, H]);
      // Row 0 of the table is zeros for the slots without a word; word w is row 1 + its place.
      const place = new Int32Array(words.count);
      let k = 0;
      for (const bucket of buckets) for (const w of bucket) place[w] = k++;
      const slots = words.slots.map((w) => (w < 0 ? 0 : (place[w] as number) + 1));
      const withZeroRow = tf.concat([tf.zeros([1, H]), all]);
      return embeddingLookup(tf.tensor2d(slots, [B, T], 'int32'), withZeroRow, 0);
    });
  }

  /** The vectors [n, D * H] of the words of one bucket, as long as its longest word. */
  #run(
    values: Int32Array,
    words: CharacterWords,
    bucket: readonly number[],
    context: ForwardContext,
  ): tf.Tensor2D {
    let width = 0;
    for (const w of bucket) width = Math.max(width, words.lengths[w] as number);
    const ids = new Int32Array(bucket.length * width);
    const lengths = new Int32Array(bucket.length);
    bucket.forEach((w, n) => {
      const start = words.starts[w] as number;
      lengths[n] = words.lengths[w] as number;
      ids.set(values.subarray(start, start + (lengths[n] as number)), n * width);
    });
    const embedded = embeddingLookup(
      tf.tensor2d(ids, [bucket.length, width], 'int32'),
      this.table.variable,
      padCharacter,
    );
    const inner: ForwardContext = {
      training: context.training,
      lengths,
      random: context.random,
      initialStates: new Map(),
      finalStates: new Map(),
    };
    return this.recurrent.forward(embedded, inner) as tf.Tensor2D;
  }
}

/**
 * Words grouped by length into at most `max` runs, as cheaply as possible: a run costs its
 * longest word's length in steps, each step (rows + `stepCost`). Every word is read alone (packed
 * lengths), so the grouping changes the cost, never a result. Each group lists word indices in
 * reading order.
 */
export function lengthBuckets(lengths: Int32Array, max: number, stepCost: number): number[][] {
  let longest = 0;
  for (const n of lengths) longest = Math.max(longest, n);
  const counts = new Array<number>(longest + 1).fill(0);
  for (const n of lengths) counts[n] = (counts[n] as number) + 1;
  // best[k][m]: cheapest cost of the words of length <= m in k runs, the last one ending at m.
  const present = counts.flatMap((c, n) => (c > 0 ? [n] : []));
  const before = (m: number) => counts.slice(0, m + 1).reduce((a, b) => a + b, 0);
  const cost = new Map<string, { total: number; from: number }>();
  const best = (runs: number, end: number): { total: number; from: number } => {
    const key = `${runs},${end}`;
    const known = cost.get(key);
    if (known) return known;
    const rows = before(end);
    let answer = { total: end * (rows + stepCost), from: -1 };
    if (runs > 1) {
      for (const cut of present) {
        if (cut >= end) break;
        const total = best(runs - 1, cut).total + end * (rows - before(cut) + stepCost);
        if (total < answer.total) answer = { total, from: cut };
      }
    }
    cost.set(key, answer);
    return answer;
  };
  const ends: number[] = [];
  let end = longest;
  for (let runs = max; end > 0; runs--) {
    ends.unshift(end);
    end = best(runs, end).from;
  }
  const groupOf = new Array<number>(longest + 1).fill(0);
  let group = 0;
  for (let n = 0; n <= longest; n++) {
    if (n > (ends[group] as number)) group++;
    groupOf[n] = group;
  }
  const groups: number[][] = ends.map(() => []);
  lengths.forEach((n, w) => {
    (groups[groupOf[n] as number] as number[]).push(w);
  });
  return groups.filter((g) => g.length > 0);
}

/**
 * The distinct words of `values` ([B, T, C] character ids) that have characters, within each row's
 * length: their lengths, where their ids start, and which slots each fills. Checks what
 * the tensor's shape cannot: ids inside the table, characters left-aligned (no padding before a
 * character), at most `maxLength` of them.
 */
export function realWords(
  values: Int32Array,
  [B, T, C]: [number, number, number],
  rowLengths: Int32Array | undefined,
  vocabularySize: number,
  maxLength: number,
  where: string,
): CharacterWords {
  if (C > maxLength) {
    throw new Error(
      `${where}: input "characters" [${B}, ${T}, ${C}] has ${C} characters per token but characters.maxLength is ${maxLength} (cut words with @recurrent/data's padCharacters)`,
    );
  }
  const lengths: number[] = [];
  const starts: number[] = [];
  const slots = new Int32Array(B * T).fill(-1);
  const seen = new Map<string, number>();
  for (let b = 0; b < B; b++) {
    const realSteps = Math.min(T, rowLengths?.[b] ?? T);
    for (let t = 0; t < realSteps; t++) {
      const start = (b * T + t) * C;
      let length = 0;
      for (let k = 0; k < C; k++) {
        const id = values[start + k] as number;
        if (id < 0 || id >= vocabularySize) {
          throw new Error(
            `${where}: input "characters" holds id ${id} at [${b}, ${t}, ${k}], outside the character table of ${vocabularySize} rows`,
          );
        }
        if (id === padCharacter) continue;
        if (length !== k) {
          throw new Error(
            `${where}: input "characters" at [${b}, ${t}] has padding (0) before the character at position ${k}: each token's ids must be left-aligned, right-padded with 0`,
          );
        }
        length++;
      }
      if (length === 0) continue;
      const key = values.subarray(start, start + length).join(',');
      let word = seen.get(key);
      if (word === undefined) {
        word = lengths.length;
        seen.set(key, word);
        lengths.push(length);
        starts.push(start);
      }
      slots[b * T + t] = word;
    }
  }
  return {
    count: lengths.length,
    lengths: Int32Array.from(lengths),
    starts: Int32Array.from(starts),
    slots,
  };
}
