// Token ids -> vectors, as torch.nn.Embedding (padding_idx row stays zero and gets no gradient).
// The gradient is a scatter-add written here: tfjs-backend-wasm has no gather gradient, and the
// generic one (UnsortedSegmentSum) is O(vocabulary x tokens x dim) on the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';
import { normalValues } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import type { EmbeddingLayerSpec } from '../spec/types.generated.js';
import type { ForwardContext, Layer, Parameter } from './layer.js';
import { createParameter } from './params.js';

export class EmbeddingLayer implements Layer {
  readonly type = 'embedding';
  readonly inputKind = 'tokens' as const;
  readonly outputKind = 'sequence' as const;
  readonly outputSize: number;
  readonly parameters: Parameter[];
  readonly weight: Parameter;

  constructor(
    readonly name: string,
    readonly spec: EmbeddingLayerSpec,
    readonly numEmbeddings: number,
    random: Random,
  ) {
    this.outputSize = spec.embeddingDim;
    const shape = [numEmbeddings, spec.embeddingDim];
    if (spec.paddingIdx !== null && spec.paddingIdx >= numEmbeddings) {
      throw new Error(
        `layer "${name}" (embedding): paddingIdx ${spec.paddingIdx} is outside the table of ${numEmbeddings} rows`,
      );
    }
    this.weight = createParameter(
      name,
      'weight',
      shape,
      spec.init,
      random,
      () => normalValues(shape, 1, random),
      spec.trainable,
      // PyTorch zeroes the padding row at init (and it gets no gradient).
      (values) => {
        if (spec.paddingIdx === null) return;
        values.fill(
          0,
          spec.paddingIdx * spec.embeddingDim,
          (spec.paddingIdx + 1) * spec.embeddingDim,
        );
      },
    );
    this.parameters = [this.weight];
  }

  forward(input: tf.Tensor, _context: ForwardContext): tf.Tensor {
    if (input.rank !== 2 || input.dtype !== 'int32') {
      throw new Error(
        `layer "${this.name}" (embedding) expects int32 token ids [batch, time], got ${input.dtype} [${input.shape.join(', ')}]`,
      );
    }
    return embeddingLookup(input as tf.Tensor2D, this.weight.variable, this.spec.paddingIdx);
  }
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
