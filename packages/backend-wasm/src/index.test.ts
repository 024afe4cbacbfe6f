// The wasm plug-in: registration, availability, describe(), "auto" preferring it to cpu, and the
// UnsortedSegmentSum kernel that gives tf.gather a gradient on wasm.
import '@recurrent/backend-cpu';
// tfjs's own gradients (its Node bundle registers none), for plain tfjs code under test.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { listBackends, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './index.js';

describe('@recurrent/backend-wasm', () => {
  it('registers the wasm plug-in, available, ranked above cpu', async () => {
    expect(listBackends().map((b) => b.name)).toEqual(['wasm', 'cpu']);
    expect(await wasmBackend.isAvailable()).toEqual({ available: true });
  });

  it('is what "auto" picks over cpu, and describes itself', async () => {
    expect(await useBackend('auto')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(await wasmBackend.describe()).toMatchObject({
      implementation: '@tensorflow/tfjs-backend-wasm',
      simd: true, // Node 20 has WebAssembly SIMD
      threads: 1, // tfjs-backend-wasm runs one thread in Node
      fusedRecurrentKernels: ['RecurrentForward', 'RecurrentBackward', 'DecodeStep'],
      cellArithmetic: 'WebAssembly SIMD', // our gates module, over tfjs-backend-wasm's memory
    });
  });

  it('sums segments as tfjs-backend-cpu does, dropping ids out of range', async () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const ids = [2, 0, 2, -1];
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const out = tf.tidy(() =>
        tf.unsortedSegmentSum(tf.tensor2d(x, [4, 2]), tf.tensor1d(ids, 'int32'), 3),
      );
      const values = Array.from(await out.data());
      out.dispose();
      return values;
    };
    expect(await run('wasm')).toEqual([3, 4, 0, 0, 6, 8]);
    expect(await run('cpu')).toEqual(await run('wasm'));
  });

  it('gives tf.gather (an embedding lookup) a gradient, with no tensor left behind', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([2, 0, 2], 'int32'))));
    const g = grad(table);
    expect(Array.from(await g.data())).toEqual([1, 1, 0, 0, 2, 2]);
    tf.dispose([table, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
