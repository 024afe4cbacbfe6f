// threads(n): data-parallel training for any task through core's generic worker, which imports the
// task plug-in's module (test/fixtures/toy-task.mjs, on built core) and a backend module. Two runs
// on 2 threads give the same weights; without dropout they match a 1-thread run up to rounding; a
// worker that cannot find the backend says so; nothing leaks.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxWeightDifference, toyData, toyPlugin, trainedWeights } from '../../test/toy-task.js';
import { registerTask } from '../tasks/registry.js';
import {
  autoThreads,
  defaultThreadCount,
  minSplitChunkWork,
  minSplitWork,
  runnableModule,
  threads,
} from './threads.js';

const cpuModule = new URL('../../test/fixtures/cpu-backend.mjs', import.meta.url);
const data = toyData(64);

beforeAll(() => registerTask(toyPlugin));

const trained = (parallel?: ReturnType<typeof threads>) => trainedWeights(data, parallel);

describe('threads', () => {
  it('trains on 2 threads reproducibly, to the 1-thread weights up to rounding', async () => {
    const before = tf.memory().numTensors;
    const one = await trained();
    const a = await trained(threads(2, { modules: [cpuModule] }));
    const b = await trained(threads(2, { modules: [cpuModule] }));
    expect(b).toEqual(a);
    expect(maxWeightDifference(a, one)).toBeLessThan(1e-5);
    expect(maxWeightDifference(a, one)).toBeGreaterThan(0); // the sums really were split
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('runs one thread without workers', async () => {
    expect(await trained(threads(1))).toEqual(await trained());
  });

  it('says when a worker cannot find the backend, and how to fix it', async () => {
    await expect(trained(threads(2))).rejects.toThrow(
      'backend "cpu" is not registered in the worker thread: pass the module that registers it to threads(n, { modules })',
    );
  }, 60_000);

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => threads(0)).toThrow('threads: expected a positive integer, got 0');
  });

  it('runs built files in place of TypeScript sources', () => {
    expect(runnableModule('file:///repo/packages/x/src/a/b.ts')).toBe(
      'file:///repo/packages/x/dist/a/b.js',
    );
    expect(runnableModule('file:///repo/x/fixtures/t.mjs')).toBe('file:///repo/x/fixtures/t.mjs');
  });
});

describe('defaultThreadCount ("--threads auto")', () => {
  it('is one thread per core (at most 4) on cpu and wasm, one on a GPU backend', () => {
    const cores = Math.min(4, availableParallelism());
    expect(defaultThreadCount('wasm')).toBe(cores);
    expect(defaultThreadCount('cpu', { training: {} })).toBe(cores);
    expect(defaultThreadCount('webgpu')).toBe(1);
    // Never more threads than a batch has rows.
    expect(defaultThreadCount('wasm', { training: { batchSize: 1 } })).toBe(1);
  });

  it('is one thread for a spec trained in truncated-BPTT chunks, which cannot be split by rows', () => {
    expect(defaultThreadCount('wasm', { training: { truncatedBptt: 32 } })).toBe(1);
  });

  const example = (name: string) =>
    JSON.parse(
      readFileSync(new URL(`../../../../specs/examples/${name}.json`, import.meta.url), 'utf8'),
    );

  it('is one thread for the examples whose batches are too small to split, and says why', () => {
    for (const name of [
      'forecasting-airline-lstm',
      'sentiment-small',
      'classification-sentiment-gru',
    ]) {
      const choice = autoThreads('wasm', example(name));
      expect(choice.threads, name).toBe(1);
      expect(choice.reason).toMatch(
        /recurrent products over a batch are [\d.]+ MFLOP, under the 10 MFLOP/,
      );
    }
  });

  it('splits the examples with enough work per step over every core', () => {
    const cores = Math.min(4, availableParallelism());
    for (const name of ['sentiment-bilstm', 'pos-bilstm', 'shakespeare-char-lstm']) {
      expect(defaultThreadCount('cpu', example(name)), name).toBe(cores);
    }
    // At the threshold itself: LSTM 125 after an embedding of 125, 2·500·250 FLOPs a row.
    const lstm = (batchSize: number) => ({
      layers: [
        { type: 'embedding', embeddingDim: 125 },
        { type: 'lstm', hiddenSize: 125 },
      ],
      training: { batchSize },
    });
    expect(250_000 * 40).toBe(minSplitWork);
    expect(defaultThreadCount('wasm', lstm(40))).toBe(cores);
    expect(defaultThreadCount('wasm', lstm(39))).toBe(1);
  });

  it("judges a generation spec by a whole batch's work: every row is a full chunk of maxLength tokens", () => {
    const cores = Math.min(4, availableParallelism());
    // The same LSTM 125 (250,000 FLOPs a row and step) in chunks of 32: 8e6 a row per batch.
    const generation = (batchSize: number, maxLength?: number) => ({
      task: 'generation',
      ...(maxLength ? { input: { maxLength } } : {}),
      layers: [
        { type: 'embedding', embeddingDim: 125 },
        { type: 'lstm', hiddenSize: 125 },
      ],
      training: { batchSize },
    });
    expect(250_000 * 32 * 6).toBe(minSplitChunkWork);
    const split = autoThreads('wasm', generation(6, 32));
    expect(split.threads).toBe(Math.min(cores, 6));
    expect(split.reason).toMatch(/^one thread per (core|row)/);
    const small = autoThreads('wasm', generation(5, 32));
    expect(small.threads).toBe(1);
    expect(small.reason).toBe(
      "a batch's recurrent products (chunks of 32 tokens) are 40 MFLOP, under the 48 MFLOP that splitting batches needs to gain",
    );
    // Without maxLength, chunks of 64: three rows are enough (as many threads as rows at most),
    // two are not.
    expect(autoThreads('wasm', generation(3)).reason).toMatch(/^one thread per (core|row)/);
    expect(defaultThreadCount('wasm', generation(3))).toBe(Math.min(cores, 3));
    expect(autoThreads('wasm', generation(2)).reason).toMatch(/chunks of 64 tokens\) are 32 MFLOP/);
    // A char model as the playground's (GRU 128 after an embedding of 32, batch 32: 3.9 MFLOP a
    // step, under the padded-batch threshold) splits as generation, and would not as a classifier.
    const gru = {
      task: 'generation',
      layers: [
        { type: 'embedding', embeddingDim: 32 },
        { type: 'gru', hiddenSize: 128 },
      ],
      training: { batchSize: 32 },
    };
    expect(autoThreads('wasm', gru)).toEqual({
      threads: cores,
      reason: `one thread per core${cores === 4 ? ', at most 4' : ''}`,
    });
    expect(autoThreads('wasm', { ...gru, task: 'classification' }).reason).toMatch(
      /a time step's recurrent products over a batch are 3.9 MFLOP, under the 10 MFLOP/,
    );
  });
});
