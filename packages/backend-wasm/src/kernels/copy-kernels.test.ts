// Slice, GatherV2, Identity and Transpose on wasm against tfjs-backend-cpu, for the fast paths and
// the forms that fall back to tfjs's own kernels.
import '@recurrent/backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, onBackend, random, tensor } from '../../test/helpers.js';
import '../index.js';
import { contiguousRange, sliceRuns } from './copy-kernels.js';

const x = random([4, 5, 6], 1);
const ids = (values: number[]) => () => tf.tensor1d(values, 'int32');

async function same(compute: () => tf.Tensor) {
  const expected = await onBackend('cpu', compute);
  const actual = await onBackend('wasm', compute);
  expect(actual.shape).toEqual(expected.shape);
  expectClose(actual.values, expected.values, 6);
}

describe('contiguousRange', () => {
  it('finds the one block a slice covers, or none', () => {
    expect(contiguousRange([4, 5, 6], [2, 0, 0], [2, 5, 6])).toEqual({ start: 60, length: 60 });
    expect(contiguousRange([4, 5, 6], [1, 2, 0], [1, 3, 6])).toEqual({ start: 42, length: 18 });
    expect(contiguousRange([4, 5, 6], [1, 2, 3], [1, 1, 2])).toEqual({ start: 45, length: 2 });
    expect(contiguousRange([4, 5, 6], [0, 1, 0], [2, 3, 6])).toBeUndefined();
    expect(contiguousRange([4, 5, 6], [0, 0, 1], [4, 5, 2])).toBeUndefined();
  });
});

describe('sliceRuns', () => {
  it('lists the runs of a strided slice in output order (hand-computed)', () => {
    // One direction's half of a bidirectional [T=2, B=3, 2H=4] output: 6 runs of H=2.
    const half = sliceRuns([2, 3, 4], [0, 0, 2], [2, 3, 2]);
    expect(half.length).toBe(2);
    expect(Array.from(half.runs)).toEqual([2, 6, 10, 14, 18, 22]);
    // Rows 1..2 of the middle axis, whole last axis: one run of 2 rows per leading index.
    const rows = sliceRuns([4, 5, 6], [0, 1, 0], [2, 2, 6]);
    expect(rows.length).toBe(12);
    expect(Array.from(rows.runs)).toEqual([6, 36]);
  });
});

describe('copy kernels on wasm', () => {
  const slices: Array<[number[], number[]]> = [
    [
      [2, 0, 0],
      [2, 5, 6],
    ],
    [
      [1, 2, 0],
      [1, 3, 6],
    ],
    [
      [1, 2, 3],
      [1, 1, -1],
    ],
    [
      [0, 1, 0],
      [2, 3, 6],
    ], // strided: runs of rows
    [
      [0, 0, 1],
      [-1, -1, 2],
    ], // strided: runs of 2
    [
      [1, 2, 1],
      [2, 3, 4],
    ], // partial on every axis
  ];
  for (const [begin, size] of slices) {
    it(`slice begin [${begin}] size [${size}]`, () => same(() => tf.slice(tensor(x), begin, size)));
  }

  it('slices int32 tensors', () =>
    same(() => tf.cast(tf.slice(tf.tensor1d([1, 2, 3, 4, 5], 'int32'), [1], [3]), 'float32')));

  it('gathers rows, int32 rows and other axes', async () => {
    await same(() => tf.gather(tensor(x), ids([3, 0, 3, 1])()));
    await same(() => tf.gather(tensor(x), tf.tensor2d([2, 1, 0, 2], [2, 2], 'int32')));
    await same(() => tf.gather(tensor(x), ids([4, 0])(), 1));
    await same(() =>
      tf.cast(tf.gather(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), ids([1, 1, 0])()), 'float32'),
    );
  });

  it('transposes matrices and the two leading axes of [P, Q, W], and leaves other forms to tfjs', async () => {
    await same(() => tf.transpose(tensor(random([37, 13], 2)))); // 4x4 blocks and both tails
    await same(() => tf.transpose(tensor(random([8, 64], 3))));
    await same(() => tf.transpose(tensor(x), [1, 0, 2]));
    await same(() => tf.transpose(tensor(random([5, 3, 1], 4)), [1, 0, 2]));
    await same(() => tf.transpose(tensor(x), [2, 0, 1])); // tfjs's kernel
    const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const swapped = await onBackend('wasm', () => tf.cast(tf.transpose(ints), 'float32'));
    expect(Array.from(swapped.values)).toEqual([1, 4, 2, 5, 3, 6]);
    ints.dispose();
  });

  it('rejects an index outside the table, naming it, and leaks nothing', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    expect(() => tf.tidy(() => tf.gather(tensor(x), ids([1, 7])()))).toThrow(
      'GatherV2: index 7 (position 1) is not in [0, 3]',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('clones without copying, and each copy lives on after the other is disposed', async () => {
    await tf.setBackend('wasm');
    const a = tensor(x);
    const b = tf.clone(a);
    a.dispose();
    expectClose(await b.data(), x.values, 7);
    const c = tf.clone(b);
    b.dispose();
    expectClose(await c.data(), x.values, 7);
    c.dispose();
  });
});
