// Data-parallel gradients: the row-weighted average of the parts computed on this thread and on
// worker threads equals the whole batch's gradient, before and after the weights change; worker
// failures are errors that say so; nothing leaks. The worker (test/fixtures/gradient-worker.mjs)
// runs core's built dist.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Random } from '../init/random.js';
import { compile } from '../model/compile.js';
import { batchTensors } from './batch.js';
import { GradientWorkers, splitBatch, splitRows } from './data-parallel.js';
import { crossEntropy } from './losses.js';
import { parameterGradients } from './optimizer.js';
import type { Batch } from './types.js';

const script = new URL('../../test/fixtures/gradient-worker.mjs', import.meta.url);
const text = readFileSync(
  join(import.meta.dirname, '../../test/fixtures/tinyshakespeare/slice.txt'),
  'utf8',
);
const alphabet = [...new Set(text)].sort();
const spec = {
  version: 1,
  name: 'parallel-check',
  task: 'classification',
  input: { tokenizer: { type: 'char' } },
  layers: [
    { type: 'embedding', embeddingDim: 6 },
    { type: 'lstm', hiddenSize: 8, numLayers: 2, bidirectional: true, returnSequences: false },
    { type: 'dense', units: 'auto' },
  ],
  training: { optimizer: { type: 'adam' }, seed: 3 },
};
const sizes = { vocabularySize: alphabet.length, outputSize: 3 };

/** 7 rows of Shakespeare of lengths 3..12, right-padded; the class is the first char's id mod 3. */
function shakespeareBatch(): Batch {
  const rows = 7;
  const steps = 12;
  const ids = new Int32Array(rows * steps);
  const lengths: number[] = [];
  const targets: number[] = [];
  for (let r = 0; r < rows; r++) {
    const length = 3 + ((r * 5) % 10);
    lengths.push(length);
    for (let t = 0; t < length; t++)
      ids[r * steps + t] = alphabet.indexOf(text[r * 40 + t] as string);
    targets.push((ids[r * steps] as number) % 3);
  }
  return {
    inputs: { tokens: tf.tensor2d(ids, [rows, steps], 'int32'), lengths },
    targets: tf.tensor1d(targets, 'int32'),
  };
}

const loss = (model: Awaited<ReturnType<typeof compile>>) => (batch: Batch, random: Random) =>
  crossEntropy(
    model.forward(batch.inputs, { training: true, random }).output,
    batch.targets,
  ) as tf.Scalar;

describe('splitRows', () => {
  it.each([
    [7, 3],
    [64, 2],
    [2, 4],
    [1, 2],
  ])(
    'splits %i rows into at most %i contiguous parts differing by at most one row',
    (rows, parts) => {
      const ranges = splitRows(rows, parts);
      expect(ranges.length).toBe(Math.min(rows, parts));
      expect(ranges[0]?.[0]).toBe(0);
      expect(ranges.at(-1)?.[1]).toBe(rows);
      for (let k = 1; k < ranges.length; k++) expect(ranges[k]?.[0]).toBe(ranges[k - 1]?.[1]);
      const lengths = ranges.map(([a, b]) => b - a);
      expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
    },
  );
});

describe('splitBatch', () => {
  it('splits every per-row input along axis 0, whatever its name, rank or form', () => {
    const features = tf.tensor3d(
      Array.from({ length: 5 * 2 * 3 }, (_, i) => i),
      [5, 2, 3],
    );
    const mask = tf.tensor1d([1, 0, 1, 1, 0], 'int32');
    const batch: Batch = {
      inputs: {
        features,
        lengths: Int32Array.from([2, 1, 2, 2, 1]),
        mask,
        sourceLengths: [1, 2, 3, 4, 5],
      },
      targets: tf.tensor1d(
        Array.from({ length: 10 }, (_, i) => i),
        'int32',
      ), // flat [B * T]
    };
    const ranges = splitRows(5, 2);
    const parts = splitBatch(batch, ranges);
    expect(parts.map((p) => Object.keys(p.inputs).sort())).toEqual([
      ['features', 'lengths', 'mask', 'sourceLengths'],
      ['features', 'lengths', 'mask', 'sourceLengths'],
    ]);
    // Joined back in order, the parts are the batch.
    const joined = (name: string) =>
      parts.flatMap((p) => {
        const v = p.inputs[name] as { data: ArrayLike<number> } | number[];
        return Array.isArray(v) ? v : Array.from(v.data);
      });
    expect(joined('features')).toEqual(Array.from(features.dataSync()));
    expect(joined('lengths')).toEqual([2, 1, 2, 2, 1]);
    expect(joined('mask')).toEqual([1, 0, 1, 1, 0]);
    expect(joined('sourceLengths')).toEqual([1, 2, 3, 4, 5]);
    expect(parts.map((p) => (p.inputs.features as { shape: number[] }).shape)).toEqual([
      [3, 2, 3],
      [2, 2, 3],
    ]);
    expect(parts.map((p) => p.targets.shape)).toEqual([[6], [4]]);
    expect(parts.flatMap((p) => Array.from(p.targets.data))).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
    tf.dispose(batchTensors(batch));
  });

  it('names an input that does not have one entry per row', () => {
    const batch: Batch = {
      inputs: { tokens: tf.zeros([4, 3], 'int32'), lengths: [3, 3, 3] },
      targets: tf.zeros([4], 'int32'),
    };
    expect(() => splitBatch(batch, splitRows(4, 2))).toThrow(
      'data-parallel training: input "lengths" has 3 entries for 4 rows',
    );
    tf.dispose(batchTensors(batch));
  });
});

describe('GradientWorkers', () => {
  it.each([
    ['a trainable embedding', true],
    ['a frozen embedding set before training', false],
  ])(
    'gives the whole batch gradient and loss, also after the weights change (%s)',
    async (_, trainable) => {
      const before = tf.memory().numTensors;
      const frozenSpec = {
        ...spec,
        layers: [{ type: 'embedding', embeddingDim: 6, trainable }, ...spec.layers.slice(1)],
      };
      const model = await compile(frozenSpec, sizes);
      const parameters = model.parameters();
      // Values the workers' own initialization cannot have (as pretrained vectors loaded in).
      for (const p of parameters) tf.tidy(() => p.variable.assign(tf.mul(p.variable, -2)));
      const workers = await GradientWorkers.start(model, {
        workers: 2,
        script,
        config: { spec: frozenSpec, ...sizes },
      });
      const batch = shakespeareBatch();
      try {
        for (const step of [0, 1]) {
          if (step === 1) {
            // An optimizer step's worth of change: the workers must see the new weights.
            for (const p of parameters.filter((q) => q.trainable))
              tf.tidy(() => p.variable.assign(tf.mul(p.variable, 1.5)));
          }
          const parallel = await workers.gradients(batch, 11, step, loss(model));
          const whole = parameterGradients(parameters, () =>
            tf.tidy(() => loss(model)(batch, undefined as unknown as Random)),
          );
          expect(parallel.loss).toBeCloseTo(whole.value.dataSync()[0] as number, 5);
          expect([...parallel.grads.keys()].map((p) => p.name)).toEqual(
            [...whole.grads.keys()].map((p) => p.name),
          );
          for (const [p, g] of whole.grads) {
            const got = parallel.grads.get(p) as tf.Tensor;
            expect(got.shape).toEqual(g.shape);
            const difference = tf.tidy(
              () => tf.max(tf.abs(tf.sub(got, g))).dataSync()[0] as number,
            );
            expect(difference, p.name).toBeLessThan(1e-5);
          }
          tf.dispose([whole.value, ...whole.grads.values(), ...parallel.grads.values()]);
        }
      } finally {
        await workers.dispose();
        tf.dispose(batchTensors(batch));
        model.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    },
    60_000,
  );

  it('fails to start with the worker’s reason when it cannot build the model', async () => {
    const model = await compile(spec, sizes);
    await expect(
      GradientWorkers.start(model, {
        workers: 1,
        script,
        config: { spec: { ...spec, layers: [{ type: 'lstmm' }] }, ...sizes },
      }),
    ).rejects.toThrow(/gradient worker: SpecValidationError: [\s\S]*"lstmm"/);
    model.dispose();
  }, 60_000);

  it('refuses a worker whose model has other parameters', async () => {
    const model = await compile(spec, sizes);
    await expect(
      GradientWorkers.start(model, {
        workers: 1,
        script,
        config: { spec, ...sizes, vocabularySize: sizes.vocabularySize + 1 },
      }),
    ).rejects.toThrow('gradient worker built other parameters than this model');
    model.dispose();
  }, 60_000);
});
