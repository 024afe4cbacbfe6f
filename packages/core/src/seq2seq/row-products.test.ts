// The element-wise forms for one query per row against the batched matrix products they replace
// (values and gradients), and tanh through the sigmoid against tf.tanh.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxDifference } from '../../test/seq2seq-specs.js';
import { registerGradients } from '../grad/register-gradients.js';
import { Random } from '../init/random.js';
import { dotScores, tanh, weightedSum } from './row-products.js';

registerGradients();

const seeded = (shape: number[], seed: number) => {
  const random = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => random.uniform(-2, 2)),
    shape,
  );
};

/** Value and gradients of sum(f(a, b) · probe) for both arguments. */
function withGradients(
  f: (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor,
  a: tf.Tensor,
  b: tf.Tensor,
  probe: tf.Tensor,
) {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(f(x as tf.Tensor3D, y as tf.Tensor3D), probe)),
    )([a, b]);
    return [value.dataSync(), ...grads.map((g) => g.dataSync())];
  });
}

describe('row products for one query per row', () => {
  it('dotScores: q · k as the batched product, value and gradients', () => {
    const [q, k, probe] = [seeded([3, 1, 5], 1), seeded([3, 4, 5], 2), seeded([3, 1, 4], 3)];
    const ours = withGradients(dotScores, q, k, probe);
    const reference = withGradients((x, y) => tf.matMul(x, y, false, true), q, k, probe);
    for (const [i, values] of ours.entries()) {
      expect(maxDifference(values, reference[i] as ArrayLike<number>)).toBeLessThan(1e-5);
    }
    tf.dispose([q, k, probe]);
  });

  it('weightedSum: Σ α v as the batched product, value and gradients', () => {
    const [w, v, probe] = [seeded([3, 1, 4], 4), seeded([3, 4, 6], 5), seeded([3, 1, 6], 6)];
    const ours = withGradients(weightedSum, w, v, probe);
    const reference = withGradients((x, y) => tf.matMul(x, y), w, v, probe);
    for (const [i, values] of ours.entries()) {
      expect(maxDifference(values, reference[i] as ArrayLike<number>)).toBeLessThan(1e-5);
    }
    tf.dispose([w, v, probe]);
  });

  it('tanh through the sigmoid is tanh, and so is its gradient', () => {
    const x = tf.mul(seeded([200], 7), 4);
    const [ours, ourGrad] = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((t: tf.Tensor) => tf.sum(tf.square(tanh(t))))([x]);
      return [tanh(x).dataSync(), (grads[0] as tf.Tensor).dataSync(), value];
    });
    const expected = Array.from(x.dataSync(), Math.tanh);
    expect(maxDifference(ours as Float32Array, expected)).toBeLessThan(2e-7);
    const expectedGrad = expected.map((t) => 2 * t * (1 - t * t));
    expect(maxDifference(ourGrad as Float32Array, expectedGrad)).toBeLessThan(1e-6);
    x.dispose();
  });
});
