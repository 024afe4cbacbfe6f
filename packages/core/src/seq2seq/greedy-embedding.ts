// The embedding of each row's greedy prediction, for a decoder that reads its own output
// (teacher forcing off for that row and step). Computed on the device from the logits: the one-hot
// of the first maximum (as torch.argmax) times the embedding table, so no backend has to read the
// logits back (webgpu in Node cannot read synchronously) and no int32 argMax is needed (which
// tfjs-backend-webgpu miscompiles). As in PyTorch (`topi.detach()`), the choice itself has no
// gradient; the chosen rows of the table get the gradient of their use, except the padding row.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';

/** One-hot [B, V] of the first maximum of each row of `logits` [B, V], in float arithmetic. */
export function greedyOneHot(logits: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const isMax = tf.cast(tf.equal(logits, tf.max(logits, 1, true)), 'float32');
    // The running count of maxima is 1 at the first one: keep that one only.
    return tf.mul(isMax, tf.relu(tf.sub(2, tf.cumsum(isMax, 1)))) as tf.Tensor2D;
  });
}

/** table[argmax(logits)] per row: [B, V] logits, [V, E] table -> [B, E]. */
export function greedyEmbedding(
  logits: tf.Tensor2D,
  table: tf.Tensor2D,
  paddingIdx: number | null,
): tf.Tensor2D {
  const V = table.shape[0];
  return customOp(([z, w], save) => {
    const onehot = greedyOneHot(z as tf.Tensor2D);
    save([onehot]);
    const gradFunc = (dy: tf.Tensor, [chosen]: tf.Tensor[]) => {
      let rows = chosen as tf.Tensor2D;
      if (paddingIdx !== null) {
        const keep = new Float32Array(V).fill(1);
        keep[paddingIdx] = 0;
        rows = tf.mul(rows, tf.tensor2d(keep, [1, V]));
      }
      return [tf.zerosLike(z as tf.Tensor), tf.matMul(rows, dy as tf.Tensor2D, true, false)];
    };
    return { value: tf.matMul(onehot, w as tf.Tensor2D), gradFunc };
  })(logits, table) as tf.Tensor2D;
}
