// Data-parallel gradients on real text equal the whole batch's, on 2 and 3 threads: an SST-2
// BiLSTM classifier with a word embedding (its gradient crosses threads as rows) and a Tiny
// Shakespeare character LM carrying its states; two runs give identical gradients; nothing is
// left in either thread; a worker that dies is a clear error that stops the others. The worker
// (test/fixtures/gradient-worker.mjs) runs core's built dist on the cpu backend.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Random } from '../init/random.js';
import { compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import { batchTensors } from './batch.js';
import { GradientWorkers } from './data-parallel.js';
import { crossEntropy } from './losses.js';
import { parameterGradients } from './optimizer.js';
import { keepStates, stateTensors } from './states.js';
import type { Batch, States } from './types.js';

const script = new URL('../../test/fixtures/gradient-worker.mjs', import.meta.url);
const datasets = join(import.meta.dirname, '../../../../fixtures/datasets');

// ---- SST-2: the first 1,000 sentences make the vocabulary (0 padding, 1 unknown).
const sst2 = readFileSync(join(datasets, 'sst2/train-head-5000.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((line) => line.includes('\t'))
  .map((line) => {
    const [sentence, label] = line.split('\t') as [string, string];
    return { words: sentence.split(' ').filter((w) => w !== ''), label: Number(label) };
  });
const vocabulary = new Map<string, number>();
for (const { words } of sst2.slice(0, 1000))
  for (const w of words) if (!vocabulary.has(w)) vocabulary.set(w, vocabulary.size + 2);
const sstSizes = { vocabularySize: vocabulary.size + 2, outputSize: 2 };
const sstSpec = {
  version: 1,
  name: 'sst2-parallel-check',
  task: 'classification',
  input: { tokenizer: { type: 'word' } },
  layers: [
    { type: 'embedding', embeddingDim: 6, paddingIdx: 0 },
    { type: 'lstm', hiddenSize: 8, bidirectional: true, returnSequences: false },
    { type: 'dense', units: 'auto' },
  ],
  training: { optimizer: { type: 'adam' }, seed: 5 },
};

/** `rows` sentences from `first` on, at most 16 words, right-padded; some words unknown. */
function sstBatch(first: number, rows: number): Batch {
  const sentences = sst2.slice(first, first + rows).map((s) => ({
    ids: s.words.slice(0, 16).map((w) => vocabulary.get(w) ?? 1),
    label: s.label,
  }));
  const steps = Math.max(...sentences.map((s) => s.ids.length));
  const tokens = new Int32Array(rows * steps);
  for (const [r, s] of sentences.entries()) tokens.set(s.ids, r * steps);
  return {
    inputs: {
      tokens: tf.tensor2d(tokens, [rows, steps], 'int32'),
      lengths: sentences.map((s) => s.ids.length),
    },
    targets: tf.tensor1d(
      sentences.map((s) => s.label),
      'int32',
    ),
  };
}

const classifierLoss = (model: Model) => (batch: Batch, random: Random) =>
  crossEntropy(
    model.forward(batch.inputs, { training: true, random }).output,
    batch.targets,
  ) as tf.Scalar;

// ---- Tiny Shakespeare: 6 streams of characters, two chunks of 12.
const text = readFileSync(
  join(import.meta.dirname, '../../test/fixtures/tinyshakespeare/slice.txt'),
  'utf8',
);
const alphabet = [...new Set(text)].sort();
const lmSizes = { vocabularySize: alphabet.length, outputSize: alphabet.length };
const lmSpec = {
  version: 1,
  name: 'shakespeare-parallel-check',
  task: 'generation',
  input: { tokenizer: { type: 'char' } },
  layers: [
    { type: 'embedding', embeddingDim: 6 },
    { type: 'gru', hiddenSize: 8, numLayers: 2 },
    { type: 'dense', units: 'auto' },
  ],
  training: { optimizer: { type: 'adam' }, seed: 5 },
};

function lmChunk(index: number, rows = 6, steps = 12): Batch {
  const x = new Int32Array(rows * steps);
  const y = new Int32Array(rows * steps);
  for (let r = 0; r < rows; r++) {
    const start = r * 300 + index * steps;
    for (let t = 0; t < steps; t++) {
      x[r * steps + t] = alphabet.indexOf(text[start + t] as string);
      y[r * steps + t] = alphabet.indexOf(text[start + t + 1] as string);
    }
  }
  return {
    inputs: { tokens: tf.tensor2d(x, [rows, steps], 'int32') },
    targets: tf.tensor1d(y, 'int32'),
  };
}

const lmLoss =
  (model: Model) => (batch: Batch, _random: Random, initialState: States | undefined) => {
    const out = model.forward(batch.inputs, { ...(initialState ? { initialState } : {}) });
    return {
      loss: crossEntropy(tf.reshape(out.output, [-1, alphabet.length]), batch.targets) as tf.Scalar,
      states: out.states,
    };
  };

// ---- helpers

const maxDifference = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);

/** Every gradient's values by parameter name, to compare runs bit for bit. */
const valuesOf = (grads: Map<{ name: string }, tf.Tensor>) =>
  Object.fromEntries([...grads].map(([p, g]) => [p.name, Array.from(g.dataSync())]));

/** Values the workers' own initialization cannot have, as after training or loading. */
function scaleWeights(model: Model, factor: number): void {
  for (const p of model.parameters().filter((q) => q.trainable))
    tf.tidy(() => p.variable.assign(tf.mul(p.variable, factor)));
}

describe('data-parallel gradients on real text', () => {
  it.each([2, 3])(
    'SST-2 BiLSTM with a word embedding, %i threads: the whole batch’s gradients, the same in two runs',
    async (threads) => {
      const before = tf.memory().numTensors;
      const model = await compile(sstSpec, sstSizes);
      const parameters = model.parameters();
      const batch = sstBatch(1000, 11);
      scaleWeights(model, -2);
      const start = parameters.map((p) => tf.clone(p.variable));
      const runs: Array<Array<Record<string, number[]>>> = [];
      try {
        for (const _run of [0, 1]) {
          parameters.forEach((p, i) => {
            p.variable.assign(start[i] as tf.Tensor);
          });
          const workers = await GradientWorkers.start(model, {
            workers: threads - 1,
            script,
            config: { spec: sstSpec, ...sstSizes },
          });
          const steps: Array<Record<string, number[]>> = [];
          try {
            for (const step of [0, 1]) {
              if (step === 1) scaleWeights(model, 1.5); // an optimizer step's worth of change
              const parallel = await workers.gradients(batch, 7, step, classifierLoss(model));
              const whole = parameterGradients(parameters, () =>
                tf.tidy(() => classifierLoss(model)(batch, undefined as unknown as Random)),
              );
              expect(parallel.loss).toBeCloseTo(whole.value.dataSync()[0] as number, 5);
              expect([...parallel.grads.keys()]).toEqual([...whole.grads.keys()]);
              for (const [p, g] of whole.grads) {
                const got = parallel.grads.get(p) as tf.Tensor;
                expect(got.shape).toEqual(g.shape);
                expect(maxDifference(got, g), p.name).toBeLessThan(1e-5);
              }
              // The table's rows of words not in the batch get exactly zero, as one thread's.
              const table = parallel.grads.get(parameters[0] as never) as tf.Tensor;
              const used = new Set((batch.inputs.tokens as tf.Tensor).dataSync() as Int32Array);
              const rows = table.arraySync() as number[][];
              const zeroRows = rows.flatMap((r, i) => (r.every((v) => v === 0) ? [i] : []));
              expect(zeroRows.filter((i) => used.has(i) && i !== 0)).toEqual([]);
              expect(zeroRows.length).toBe(rows.length - (used.size - (used.has(0) ? 1 : 0)));
              // The workers hold their models' variables and nothing else.
              expect(workers.workerTensors).toEqual(Array(threads - 1).fill(parameters.length));
              steps.push(valuesOf(parallel.grads));
              tf.dispose([whole.value, ...whole.grads.values(), ...parallel.grads.values()]);
            }
          } finally {
            await workers.dispose();
          }
          runs.push(steps);
        }
        expect(runs[1]).toEqual(runs[0]);
      } finally {
        tf.dispose([...batchTensors(batch), ...start]);
        model.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    },
    90_000,
  );

  it.each([2, 3])(
    'Tiny Shakespeare GRU LM carrying its states, %i threads: the whole batch’s gradients, loss and states',
    async (threads) => {
      const before = tf.memory().numTensors;
      const model = await compile(lmSpec, lmSizes);
      const parameters = model.parameters();
      scaleWeights(model, 1.7);
      const workers = await GradientWorkers.start(model, {
        workers: threads - 1,
        script,
        config: { spec: lmSpec, ...lmSizes },
      });
      let carried: States | undefined;
      try {
        for (const index of [0, 1]) {
          const batch = lmChunk(index);
          const parallel = await workers.carriedGradients(batch, 3, 0, carried, lmLoss(model));
          let wholeStates: States = {};
          const whole = parameterGradients(parameters, () =>
            tf.tidy(() => {
              const result = lmLoss(model)(batch, undefined as unknown as Random, carried);
              wholeStates = keepStates(result.states);
              return result.loss;
            }),
          );
          expect(parallel.loss).toBeCloseTo(whole.value.dataSync()[0] as number, 5);
          for (const [p, g] of whole.grads) {
            expect(maxDifference(parallel.grads.get(p) as tf.Tensor, g), p.name).toBeLessThan(1e-5);
          }
          const [ph] = stateTensors(parallel.states);
          const [wh] = stateTensors(wholeStates);
          expect(maxDifference(ph as tf.Tensor, wh as tf.Tensor)).toBeLessThan(1e-6);
          expect(workers.workerTensors).toEqual(Array(threads - 1).fill(parameters.length));
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
    },
    90_000,
  );
});

describe('a worker that dies', () => {
  it('is an error that says so, stops the other workers, and every later step fails the same', async () => {
    const before = tf.memory().numTensors;
    const model = await compile(sstSpec, sstSizes);
    const channel = new BroadcastChannel('gradient-worker-heartbeat');
    const alive = new Set<number>();
    channel.onmessage = (event) => alive.add((event as unknown as MessageEvent<number>).data);
    // 8 rows over 3 threads: parts of 3, 3 and 2 rows; the worker with 2 exits.
    const workers = await GradientWorkers.start(model, {
      workers: 2,
      script,
      config: {
        spec: sstSpec,
        ...sstSizes,
        exitWhenRows: 2,
        heartbeat: 'gradient-worker-heartbeat',
      },
    });
    const batch = sstBatch(2000, 8);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    try {
      for (let waited = 0; alive.size < 2 && waited < 5000; waited += 50) await pause(50);
      expect(alive.size).toBe(2); // both workers beat: silence later means they stopped
      await expect(workers.gradients(batch, 1, 0, classifierLoss(model))).rejects.toThrow(
        'gradient worker exited (code 3)',
      );
      await expect(workers.gradients(batch, 1, 1, classifierLoss(model))).rejects.toThrow(
        'gradient worker exited (code 3)',
      );
      await pause(100);
      alive.clear();
      await pause(200);
      expect([...alive]).toEqual([]);
    } finally {
      channel.close();
      await workers.dispose();
      tf.dispose(batchTensors(batch));
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
