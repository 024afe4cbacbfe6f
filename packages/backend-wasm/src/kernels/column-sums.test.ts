// Sum over leading axes on wasm (our gates module's column sums) against tfjs-backend-cpu, with the
// forms that stay with tfjs's own kernel, and a hand-computed case.
import '@recurrent/backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, onBackend, random, tensor } from '../../test/helpers.js';
import '../index.js';

async function same(compute: () => tf.Tensor) {
  const expected = await onBackend('cpu', compute);
  const actual = await onBackend('wasm', compute);
  expect(actual.shape).toEqual(expected.shape);
  expectClose(actual.values, expected.values, 5);
}

/**
 * Sums over the leading axes against sums in double, within the bound of float32 summation in
 * order, (rows - 1) · 2^-24 · Σ|x| per column (tfjs-backend-cpu accumulates in double instead).
 */
function expectColumnSums(actual: Float32Array, x: Float32Array, rows: number) {
  const cols = x.length / rows;
  expect(actual.length).toBe(cols);
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    let magnitude = 0;
    for (let r = 0; r < rows; r++) {
      sum += x[r * cols + c] as number;
      magnitude += Math.abs(x[r * cols + c] as number);
    }
    const bound = (rows - 1) * 2 ** -24 * magnitude;
    expect(Math.abs((actual[c] as number) - sum), `column ${c}`).toBeLessThanOrEqual(bound);
  }
}

describe('Sum on wasm', () => {
  it('sums the rows of a matrix (hand-computed)', async () => {
    const out = await onBackend('wasm', () => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), 0));
    expect(out.shape).toEqual([2]);
    expect(Array.from(out.values)).toEqual([9, 12]);
  });

  it.each([
    { shape: [37, 13], axis: 0, keepDims: false, rows: 37, out: [13] },
    { shape: [2048, 65], axis: 0, keepDims: true, rows: 2048, out: [1, 65] },
    { shape: [5, 6, 7], axis: [1, 0], keepDims: false, rows: 30, out: [7] },
    { shape: [5, 6, 7], axis: [0, 1], keepDims: true, rows: 30, out: [1, 1, 7] },
    { shape: [4, 3, 9], axis: -3, keepDims: false, rows: 4, out: [3, 9] },
  ])('sums $shape over axis $axis (keepDims $keepDims)', async (c) => {
    const x = random(c.shape, 3);
    const actual = await onBackend('wasm', () => tf.sum(tensor(x), c.axis, c.keepDims));
    expect(actual.shape).toEqual(c.out);
    expectColumnSums(actual.values, x.values, c.rows);
  });

  it.each([
    // tfjs's own kernel: inner axes, every axis
    { name: 'axis 1 of [6, 5]', shape: [6, 5], axis: 1, keepDims: false },
    { name: 'axes [0, 2] of [3, 4, 5]', shape: [3, 4, 5], axis: [0, 2], keepDims: false },
    { name: 'every axis of [4, 5]', shape: [4, 5], axis: [0, 1], keepDims: false },
  ])('$name as tfjs-backend-cpu', async ({ shape, axis, keepDims }) => {
    const x = random(shape, 3);
    await same(() => tf.sum(tensor(x), axis, keepDims));
  });

  it('keeps int32 sums exact and leaves no tensor behind', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const ids = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    const out = tf.sum(ids, 0);
    expect(out.dtype).toBe('int32');
    expect(Array.from(await out.data())).toEqual([4, 6]);
    tf.dispose([ids, out]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
