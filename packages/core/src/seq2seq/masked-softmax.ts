// Softmax over the source positions that exist: padded positions get exactly 0 weight (a large
// negative is added to their scores before the softmax, and the result is multiplied by the mask,
// so no rounding leaves a trace of them), and the rows of real positions sum to 1.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';

/** Low enough that exp(score - max) is 0 in float32 for every real score. */
const MASKED = -1e30;

/**
 * softmax(scores) over the last axis where `mask` is 1. `scores` [B, Q, S] (Q queries per row),
 * `mask` [B, S] of 1 and 0. The gradient is the softmax's, a · (dA − Σ a · dA), which is 0 at
 * padded positions (a = 0 there).
 */
export function maskedSoftmax(scores: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor3D {
  const [B, , S] = scores.shape;
  return customOp(([x, m], save) => {
    const m3 = tf.reshape(m as tf.Tensor, [B, 1, S]);
    const shifted = tf.add(x as tf.Tensor, tf.mul(tf.sub(1, m3), MASKED));
    const weights = tf.mul(tf.softmax(shifted), m3);
    save([weights]);
    const gradFunc = (dy: tf.Tensor, [a]: tf.Tensor[]) => {
      const w = a as tf.Tensor;
      const dx = tf.mul(w, tf.sub(dy, tf.sum(tf.mul(w, dy), -1, true)));
      return [dx, tf.zerosLike(m as tf.Tensor)];
    };
    return { value: weights, gradFunc };
  })(scores, mask) as tf.Tensor3D;
}

/** [B, S] of 1 up to each row's length and 0 after it (all 1 without lengths). */
export function sourceMask(rows: number, S: number, lengths: Int32Array | undefined): tf.Tensor2D {
  const data = new Float32Array(rows * S);
  if (!lengths) data.fill(1);
  else for (let b = 0; b < rows; b++) data.fill(1, b * S, b * S + (lengths[b] as number));
  return tf.tensor2d(data, [rows, S]);
}
