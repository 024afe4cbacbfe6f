// The replacement BatchMatMul against tfjs-backend-cpu's, for every transpose flag and batch
// layout (broadcast either way, rank 2 to 4), and its gradient through tfjs's own matMul grad.
import '@recurrent/backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '../index.js';
import { expectClose, onBackend, random, tensor } from '../../test/helpers.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const layouts: Array<[number[], number[]]> = [
  [[], []],
  [[3], [3]],
  [[3], []],
  [[], [3]],
  [
    [2, 3],
    [2, 3],
  ],
];

describe('BatchMatMul on wasm', () => {
  for (const [batchA, batchB] of layouts) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`a [${batchA}] b [${batchB}] transposeA=${transposeA} transposeB=${transposeB}`, async () => {
          const [M, K, N] = [7, 5, 6];
          const a = random([...batchA, ...(transposeA ? [K, M] : [M, K])], 1);
          const b = random([...batchB, ...(transposeB ? [N, K] : [K, N])], 2);
          const expected = await onBackend('cpu', () =>
            tf.matMul(tensor(a), tensor(b), transposeA, transposeB),
          );
          const actual = await onBackend('wasm', () =>
            tf.matMul(tensor(a), tensor(b), transposeA, transposeB),
          );
          expect(actual.shape).toEqual(expected.shape);
          expectClose(actual.values, expected.values, 4);
        });
      }
    }
  }

  it('picks the cheaper form of aᵀ·b for tall weight gradients and still agrees with cpu', async () => {
    const a = random([300, 40], 3); // dY [rows, out]
    const b = random([300, 8], 4); // X [rows, in]
    const expected = await onBackend('cpu', () => tf.matMul(tensor(a), tensor(b), true, false));
    const actual = await onBackend('wasm', () => tf.matMul(tensor(a), tensor(b), true, false));
    expectClose(actual.values, expected.values, 3);
  });

  it('keeps int32 products on tfjs’s own kernel (which rejects them) and leaks nothing', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    expect(() => tf.matMul(x, x)).toThrow(/float32/);
    x.dispose();
    tf.tidy(() => {
      tf.matMul(tf.ones([4, 3]), tf.ones([5, 3]), false, true);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
