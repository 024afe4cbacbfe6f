// Token ids -> vectors, as torch.nn.Embedding (padding_idx row stays zero and gets no gradient),
// optionally followed by each token's character vector (character-encoder.ts) read from the
// model's `characters` input.
// The gradient is a scatter-add written here: tfjs-backend-wasm has no gather gradient, and the
// generic one (UnsortedSegmentSum) is O(vocabulary x tokens x dim) on the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';
import { normalValues } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import { charactersInput, type InputDescription } from '../model/inputs.js';
import type { EmbeddingLayerSpec } from '../spec/types.generated.js';
import { CharacterEncoder } from './character-encoder.js';
import type { ForwardContext, Layer, Parameter } from './layer.js';
import { createParameter } from './params.js';

export class EmbeddingLayer implements Layer {
  readonly type = 'embedding';
  readonly inputKind = 'tokens' as const;
  readonly outputKind = 'sequence' as const;
  readonly outputSize: number;
  readonly parameters: Parameter[];
  readonly weight: Parameter;
  /** The character-level word encoder (spec `characters`), whose vector follows the word's. */
  readonly characters: CharacterEncoder | undefined;
  readonly extraInputs: readonly InputDescription[];

  constructor(
    readonly name: string,
    readonly spec: EmbeddingLayerSpec,
    readonly numEmbeddings: number,
    random: Random,
    /** With spec `characters`: the character table's rows, and the recurrent kernels' choice. */
    characters?: { vocabularySize: number; fusedKernels?: 'auto' | 'on' | 'off' | undefined },
  ) {
    this.outputSize = spec.embeddingDim;
    const shape = [numEmbeddings, spec.embeddingDim];
    for (const key of ['paddingIdx', 'unknownIdx'] as const) {
      const row = spec[key];
      if (row !== null && row !== undefined && row >= numEmbeddings) {
        throw new Error(
          `layer "${name}" (embedding): ${key} ${row} is outside the table of ${numEmbeddings} rows`,
        );
      }
    }
    this.weight = createParameter(
      name,
      'weight',
      shape,
      spec.init,
      random,
      () => normalValues(shape, 1, random),
      spec.trainable,
      // PyTorch zeroes the padding row at init (and it gets no gradient). The unknown row starts
      // at zero too: when unk never occurs in training it never trains, and random values there
      // would be noise on every unseen word at prediction time.
      (values) => {
        for (const row of [spec.paddingIdx, spec.unknownIdx]) {
          if (row === null || row === undefined) continue;
          values.fill(0, row * spec.embeddingDim, (row + 1) * spec.embeddingDim);
        }
      },
    );
    this.parameters = [this.weight];
    this.characters = undefined;
    this.extraInputs = [];
    if (spec.characters) {
      if (!characters) {
        throw new Error(
          `layer "${name}" (embedding): characters needs the character vocabulary's size (characterVocabularySize)`,
        );
      }
      // Drawn after the word table, so adding characters leaves the word table's values as they were.
      this.characters = new CharacterEncoder(
        name,
        spec.characters,
        characters.vocabularySize,
        random,
        characters.fusedKernels ?? 'auto',
      );
      this.parameters.push(...this.characters.parameters);
      this.outputSize += this.characters.outputSize;
      this.extraInputs = [charactersInput('tokens')];
    }
  }

  forward(input: tf.Tensor, context: ForwardContext): tf.Tensor {
    const ids = this.tokenIds(input, context);
    const words = embeddingLookup(ids, this.weight.variable, this.spec.paddingIdx);
    if (!this.characters) return words;
    const characters = this.#characters(input, context);
    const vectors = this.characters.encode(characters, context, `layer "${this.name}" (embedding)`);
    return tf.concat([words, vectors], 2);
  }

  /**
   * The ids whose table rows forward() returns (after word dropout when training): with
   * `rowsOnly`, forward(input) = table[tokenIds(input)], so a layer after it may read the table.
   */
  tokenIds(input: tf.Tensor, context: ForwardContext): tf.Tensor2D {
    if (input.rank !== 2 || input.dtype !== 'int32') {
      throw new Error(
        `layer "${this.name}" (embedding) expects int32 token ids [batch, time], got ${input.dtype} [${input.shape.join(', ')}]`,
      );
    }
    return context.training && this.spec.wordDropout > 0
      ? wordDropout(input as tf.Tensor2D, this.spec, context.random)
      : (input as tf.Tensor2D);
  }

  /** Whether the output is only table rows (no character vectors follow them). */
  get rowsOnly(): boolean {
    return this.characters === undefined;
  }

  /** The `characters` input, checked against the tokens (the model checks it too; layers run alone). */
  #characters(tokens: tf.Tensor, context: ForwardContext): tf.Tensor {
    const where = `layer "${this.name}" (embedding)`;
    const characters = context.inputs?.get('characters');
    if (!characters) {
      throw new Error(
        `${where} has a character encoder: it needs the input "characters" (int32 [batch, time, chars], each token's character ids), which is missing`,
      );
    }
    const [B, T] = tokens.shape;
    if (
      characters.dtype !== 'int32' ||
      characters.rank !== 3 ||
      characters.shape[0] !== B ||
      characters.shape[1] !== T
    ) {
      throw new Error(
        `${where}: input "characters" must be int32 [${B}, ${T}, chars] for tokens [${B}, ${T}], got ${characters.dtype} [${characters.shape.join(', ')}]`,
      );
    }
    return characters;
  }
}

/**
 * Each token but padding replaced by the unknown id with probability `wordDropout`. The draws
 * come from the seeded generator; the ids never leave the device (webgpu cannot read back
 * synchronously in Node), so the replacement is int32 arithmetic: ids + drop * (unk - ids).
 */
export function wordDropout(
  ids: tf.Tensor2D,
  spec: Pick<EmbeddingLayerSpec, 'wordDropout' | 'unknownIdx' | 'paddingIdx'>,
  random: Random,
): tf.Tensor2D {
  if (spec.unknownIdx === null) {
    throw new Error('wordDropout needs unknownIdx: the unknown token replaces dropped words');
  }
  const draws = new Int32Array(ids.size);
  for (let i = 0; i < draws.length; i++) draws[i] = random.next() < spec.wordDropout ? 1 : 0;
  return tf.tidy(() => {
    let drop = tf.tensor2d(draws, ids.shape, 'int32');
    if (spec.paddingIdx !== null)
      drop = tf.mul(drop, tf.cast(tf.notEqual(ids, spec.paddingIdx), 'int32'));
    return tf.add(ids, tf.mul(drop, tf.sub(tf.scalar(spec.unknownIdx as number, 'int32'), ids)));
  });
}

/** table[ids] with a scatter-add gradient that skips `paddingIdx`. */
export function embeddingLookup(
  ids: tf.Tensor2D,
  table: tf.Tensor,
  paddingIdx: number | null,
): tf.Tensor3D {
  const [B, T] = ids.shape;
  const [V, E] = table.shape as [number, number];
  const op = customOp(([idsArg, tableArg], save) => {
    const flat = tf.reshape(idsArg as tf.Tensor, [B * T]);
    save([flat]);
    const value = tf.reshape(tf.gather(tableArg as tf.Tensor, flat), [B, T, E]);
    const gradFunc = (dy: tf.Tensor, [savedIds]: tf.Tensor[]) => {
      const rows = savedIds as tf.Tensor1D;
      let updates = tf.reshape(dy, [B * T, E]);
      if (paddingIdx !== null)
        updates = tf.mul(
          updates,
          tf.expandDims(tf.cast(tf.notEqual(rows, paddingIdx), 'float32'), 1),
        );
      const dTable = tf.scatterND(tf.expandDims(rows, 1), updates, [V, E]);
      return [tf.zerosLike(idsArg as tf.Tensor), dTable];
    };
    return { value, gradFunc };
  });
  return op(ids, table) as tf.Tensor3D;
}
