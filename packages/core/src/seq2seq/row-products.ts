// Per-row products of attention (each batch row against its own source): scores q · k and
// weighted sums Σ_s α_s v_s. For many queries per row (every step of a teacher-forced batch) they
// are batched matrix products; for one query per row (a decoder step) they are element-wise
// products and sums, with their gradients written out: a batch of tiny products is a poor fit for
// a backend's matrix kernel (tfjs-backend-wasm runs one XNNPACK product, operand packing
// included, per row: two to three times the cost of the element-wise form at decoder sizes).
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';

/** Scores [B, Q, S] of queries [B, Q, H] against keys [B, S, H]: q · k. */
export function dotScores(query: tf.Tensor3D, keys: tf.Tensor3D): tf.Tensor3D {
  const [B, Q, H] = query.shape;
  const S = keys.shape[1];
  if (Q > 1) return tf.matMul(query, keys, false, true);
  return customOp(([q, k], save) => {
    save([q as tf.Tensor, k as tf.Tensor]);
    const value = tf.reshape(tf.sum(tf.mul(q as tf.Tensor, k as tf.Tensor), 2), [B, 1, S]);
    const gradFunc = (dy: tf.Tensor, [sq, sk]: tf.Tensor[]) => {
      const d = tf.reshape(dy, [B, S, 1]);
      return [
        tf.reshape(tf.sum(tf.mul(d, sk as tf.Tensor), 1), [B, 1, H]),
        tf.mul(d, sq as tf.Tensor),
      ];
    };
    return { value, gradFunc };
  })(query, keys) as tf.Tensor3D;
}

/** Σ_s weights[b, q, s] · values[b, s, :] for weights [B, Q, S] and values [B, S, F]: [B, Q, F]. */
export function weightedSum(weights: tf.Tensor3D, values: tf.Tensor3D): tf.Tensor3D {
  const [B, Q, S] = weights.shape;
  const F = values.shape[2];
  if (Q > 1) return tf.matMul(weights, values);
  return customOp(([w, v], save) => {
    save([w as tf.Tensor, v as tf.Tensor]);
    const w3 = tf.reshape(w as tf.Tensor, [B, S, 1]);
    const value = tf.reshape(tf.sum(tf.mul(w3, v as tf.Tensor), 1), [B, 1, F]);
    const gradFunc = (dy: tf.Tensor, [sw, sv]: tf.Tensor[]) => {
      const d = tf.reshape(dy, [B, 1, F]);
      return [
        tf.reshape(tf.sum(tf.mul(sv as tf.Tensor, d), 2), [B, 1, S]),
        tf.mul(tf.reshape(sw as tf.Tensor, [B, S, 1]), d),
      ];
    };
    return { value, gradFunc };
  })(weights, values) as tf.Tensor3D;
}

/**
 * tanh(x) as 2·sigmoid(2x) − 1, with the gradient 1 − tanh². Porting note: the same function to
 * float32 rounding (absolute), but tfjs-backend-wasm's Tanh is a scalar loop about four times
 * slower than its vectorized (XNNPACK) Sigmoid, and additive attention takes a tanh over
 * [B, S, attention size] at every decoder step.
 */
export function tanh(x: tf.Tensor): tf.Tensor {
  return customOp(([input], save) => {
    const y = tf.sub(tf.mul(tf.sigmoid(tf.mul(input as tf.Tensor, 2)), 2), 1);
    save([y]);
    return {
      value: y,
      gradFunc: (dy, [sy]) => [tf.mul(dy, tf.sub(1, tf.square(sy as tf.Tensor)))],
    };
  })(x);
}
