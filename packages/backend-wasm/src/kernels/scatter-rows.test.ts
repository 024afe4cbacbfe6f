// ScatterNd by rows on wasm (our gates module's row adds) against tfjs-backend-cpu, with repeated
// ids (the sums), rows of any shape, a hand-computed case and a form that stays with tfjs's kernel.
import '@recurrent/backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, onBackend, random, tensor } from '../../test/helpers.js';
import '../index.js';

async function same(compute: () => tf.Tensor) {
  const expected = await onBackend('cpu', compute);
  const actual = await onBackend('wasm', compute);
  expect(actual.shape).toEqual(expected.shape);
  expectClose(actual.values, expected.values, 6);
}

const ids = (values: number[], shape: number[]) => tf.tensor(values, shape, 'int32');

describe('ScatterNd on wasm', () => {
  it('adds rows at their ids, repeated ids summed (hand-computed)', async () => {
    const out = await onBackend('wasm', () =>
      tf.scatterND(ids([2, 0, 2], [3, 1]), tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), [4, 2]),
    );
    expect(out.shape).toEqual([4, 2]);
    expect(Array.from(out.values)).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
  });

  it.each([
    { name: 'rows of 7 floats (four lanes and a tail)', width: 7, rows: 9 },
    { name: 'rows of 192 floats', width: 192, rows: 65 },
  ])('$name as tfjs-backend-cpu', async ({ width, rows }) => {
    const count = 300;
    const at = Array.from({ length: count }, (_, n) => (n * 7) % rows);
    const updates = random([count, width], 5);
    await same(() => tf.scatterND(ids(at, [count, 1]), tensor(updates), [rows, width]));
  });

  it('takes rows of any shape, and leaves the other forms to tfjs', async () => {
    const updates = random([5, 2, 3], 6);
    await same(() => tf.scatterND(ids([1, 0, 3, 1, 3], [5, 1]), tensor(updates), [4, 2, 3]));
    // Two coordinates per update: single elements, tfjs's own kernel.
    const single = random([4], 7);
    const pairs = ids([0, 1, 2, 2, 0, 1, 0, 1], [4, 2]);
    await same(() => tf.scatterND(pairs, tensor(single), [3, 3]));
  });

  it('leaves no tensor behind', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    tf.tidy(() => tf.scatterND(ids([0, 0], [2, 1]), tf.ones([2, 4]), [3, 4]).dataSync());
    expect(tf.memory().numTensors).toBe(before);
  });
});
