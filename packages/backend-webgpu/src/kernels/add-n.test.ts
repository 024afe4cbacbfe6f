// AddN and Concat with more inputs than one shader may bind, on the GPU path (tfjs's CPU
// forwarding of small tensors off): sums and concatenations must be exact.
import '@recurrent/backend-cpu';
import { useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '../index.js';

beforeAll(async () => {
  await useBackend('webgpu');
  tf.env().set('WEBGPU_CPU_FORWARD', false);
});

describe('many-input kernels on webgpu', () => {
  for (const n of [2, 7, 8, 9, 16, 40]) {
    it(`addN of ${n} tensors`, async () => {
      const before = tf.memory().numTensors;
      const terms = Array.from({ length: n }, (_, i) => tf.fill([5], i + 1));
      const sum = tf.addN(terms);
      expect(Array.from(await sum.data())).toEqual(Array(5).fill((n * (n + 1)) / 2));
      tf.dispose([sum, ...terms]);
      expect(tf.memory().numTensors).toBe(before);
    });
    it(`concat of ${n} tensors`, async () => {
      const parts = Array.from({ length: n }, (_, i) => tf.fill([3], i + 1));
      const joined = tf.concat(parts);
      expect(Array.from(await joined.data())).toEqual(
        Array.from({ length: 3 * n }, (_, k) => Math.floor(k / 3) + 1),
      );
      tf.dispose([joined, ...parts]);
    });
  }
});
