// The character-level word encoder of an embedding layer (Lample et al. 2016): each token's
// characters are embedded and read by one recurrent layer (rnn, lstm or gru, one or both ways),
// and its final states, both directions concatenated, are the token's character vector. It is the
// existing RecurrentLayer over [words, characters, embeddingDim] with packed-sequence lengths (the
// count of non-zero ids), as PyTorch's pack_padded_sequence would run it, so the forward state is
// taken at the word's last character and the reverse pass starts there.
//
// Speed: a batch has many padded token slots (short sentences in a batch of long ones). The ids are
// read on the CPU (they arrive as a freshly made tensor, readable on every backend), only the real
// words are gathered into the recurrent run, as many steps as the longest of them, and their
// vectors are scattered back to [B, T, D * H] with zeros elsewhere: padding costs nothing but
// those zeros.
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

/** The real words of a [B, T, C] block of character ids, laid out for the recurrent run. */
export interface CharacterWords {
  /** [N, C'] ids of the N words with at least one character; C' the longest of them. */
  ids: Int32Array;
  count: number;
  width: number;
  /** Characters of each word (its packed length). */
  lengths: Int32Array;
  /** [B * T]: 0 for a slot without a word, else 1 + the word's index among the N. */
  slots: Int32Array;
}

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
    const words = realWords(
      characters.dataSync() as Int32Array,
      characters.shape as [number, number, number],
      context.lengths,
      this.vocabularySize,
      this.spec.maxLength,
      where,
    );
    const H = this.outputSize;
    if (words.count === 0) return tf.zeros([B, T, H]);
    return tf.tidy(() => {
      const ids = tf.tensor2d(words.ids, [words.count, words.width], 'int32');
      const embedded = embeddingLookup(ids, this.table.variable, padCharacter);
      const inner: ForwardContext = {
        training: context.training,
        lengths: words.lengths,
        random: context.random,
        initialStates: new Map(),
        finalStates: new Map(),
      };
      const vectors = this.recurrent.forward(embedded, inner) as tf.Tensor2D;
      // Every slot holds a word, in order: no scatter needed.
      if (words.count === B * T) return tf.reshape(vectors, [B, T, H]);
      const withZeroRow = tf.concat([tf.zeros([1, H]), vectors]);
      const slots = tf.tensor2d(words.slots, [B, T], 'int32');
      return embeddingLookup(slots, withZeroRow, 0);
    });
  }
}

/**
 * The words of `values` ([B, T, C] character ids) that have characters, within each row's length:
 * their ids packed to the longest of them, their lengths, and where each goes back. Checks what
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
  const slots = new Int32Array(B * T);
  let width = 0;
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
      lengths.push(length);
      starts.push(start);
      slots[b * T + t] = lengths.length;
      width = Math.max(width, length);
    }
  }
  const count = lengths.length;
  const ids = new Int32Array(count * width);
  for (let n = 0; n < count; n++) {
    const start = starts[n] as number;
    ids.set(values.subarray(start, start + (lengths[n] as number)), n * width);
  }
  return { ids, count, width, lengths: Int32Array.from(lengths), slots };
}
