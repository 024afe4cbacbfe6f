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
import { GradientWorkers, splitBatch, splitRows, splitStates } from './data-parallel.js';
import { crossEntropy } from './losses.js';
import { parameterGradients } from './optimizer.js';
import { keepStates, stateTensors } from './states.js';
import type { Batch, States } from './types.js';

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

describe('splitStates', () => {
  it('splits each [layers, B, H] state along its rows (axis 1), h and c alike', () => {
    // Values 100·layer + 10·row + unit: each says where it came from.
    const value = (l: number, r: number, u: number) => 100 * l + 10 * r + u;
    const make = (sign: number) =>
      tf.tensor3d(
        Array.from({ length: 2 * 5 * 3 }, (_, i) => {
          const [l, r, u] = [Math.floor(i / 15), Math.floor(i / 3) % 5, i % 3];
          return sign * value(l, r, u);
        }),
        [2, 5, 3],
      );
    const states: States = { lstm: { h: make(1), c: make(-1) }, gru: { h: make(2) } };
    const parts = splitStates(states, 5, [
      [0, 2],
      [2, 5],
    ]);
    const rows = (data: { data: Float32Array | Int32Array; shape: number[] }) => ({
      shape: data.shape,
      values: Array.from(data.data),
    });
    const expected = (sign: number, start: number, end: number) => ({
      shape: [2, end - start, 3],
      values: [0, 1].flatMap((l) =>
        Array.from({ length: end - start }, (_, r) =>
          [0, 1, 2].map((u) => sign * value(l, start + r, u)),
        ).flat(),
      ),
    });
    expect(rows(parts[0]?.lstm?.h as never)).toEqual(expected(1, 0, 2));
    expect(rows(parts[1]?.lstm?.c as never)).toEqual(expected(-1, 2, 5));
    expect(rows(parts[1]?.gru?.h as never)).toEqual(expected(2, 2, 5));
    expect(parts[0]?.gru?.c).toBeUndefined();
    expect(() => splitStates(states, 4, [[0, 4]])).toThrow(
      'data-parallel training: state "lstm".h of shape [2,5,3] is not [layers, 4, hidden] for a batch of 4 rows',
    );
    tf.dispose(stateTensors(states));
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

  it('carries each part’s rows of the states: the whole batch’s gradients, loss and final states', async () => {
    // A 2-layer LSTM language model on 7 streams of 10 characters over 3 threads (rows 3, 2, 2),
    // from zeros and from the states a previous chunk ended with.
    const before = tf.memory().numTensors;
    const streamSpec = {
      version: 1,
      name: 'carry-parallel-check',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim: 6 },
        { type: 'lstm', hiddenSize: 8, numLayers: 2 },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' }, seed: 3 },
    };
    const V = alphabet.length;
    const lmSizes = { vocabularySize: V, outputSize: V };
    const model = await compile(streamSpec, lmSizes);
    const parameters = model.parameters();
    const workers = await GradientWorkers.start(model, {
      workers: 2,
      script,
      config: { spec: streamSpec, ...lmSizes },
    });
    const rows = 7;
    const steps = 10;
    const chunk = (index: number): Batch => {
      const x = new Int32Array(rows * steps);
      const y = new Int32Array(rows * steps);
      for (let r = 0; r < rows; r++) {
        const start = r * 200 + index * steps;
        for (let t = 0; t < steps; t++) {
          x[r * steps + t] = alphabet.indexOf(text[start + t] as string);
          y[r * steps + t] = alphabet.indexOf(text[start + t + 1] as string);
        }
      }
      return {
        inputs: { tokens: tf.tensor2d(x, [rows, steps], 'int32') },
        targets: tf.tensor1d(y, 'int32'),
      };
    };
    const chunkLoss = (batch: Batch, _random: Random, initialState: States | undefined) => {
      const out = model.forward(batch.inputs, { ...(initialState ? { initialState } : {}) });
      return {
        loss: crossEntropy(tf.reshape(out.output, [-1, V]), batch.targets) as tf.Scalar,
        states: out.states,
      };
    };
    const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
    let carried: States | undefined;
    try {
      for (const index of [0, 1]) {
        const batch = chunk(index);
        const parallel = await workers.carriedGradients(batch, 11, index, carried, chunkLoss);
        let wholeStates: States = {};
        const whole = parameterGradients(parameters, () =>
          tf.tidy(() => {
            const result = chunkLoss(batch, undefined as unknown as Random, carried);
            wholeStates = keepStates(result.states);
            return result.loss;
          }),
        );
        expect(parallel.loss).toBeCloseTo(whole.value.dataSync()[0] as number, 5);
        for (const [p, g] of whole.grads) {
          expect(maxDiff(parallel.grads.get(p) as tf.Tensor, g), p.name).toBeLessThan(1e-5);
        }
        expect(Object.keys(parallel.states)).toEqual(['lstm']);
        const [ph, pc] = stateTensors(parallel.states);
        const [wh, wc] = stateTensors(wholeStates);
        expect(ph?.shape).toEqual([2, rows, 8]);
        expect(maxDiff(ph as tf.Tensor, wh as tf.Tensor)).toBeLessThan(1e-6);
        expect(maxDiff(pc as tf.Tensor, wc as tf.Tensor)).toBeLessThan(1e-6);
        tf.dispose([
          whole.value,
          ...whole.grads.values(),
          ...parallel.grads.values(),
          ...stateTensors(carried),
          ...stateTensors(wholeStates),
          ...batchTensors(batch),
        ]);
        carried = parallel.states;
      }
    } finally {
      tf.dispose(stateTensors(carried));
      await workers.dispose();
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

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
