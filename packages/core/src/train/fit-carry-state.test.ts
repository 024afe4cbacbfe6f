// fit with carryState: the first 4 KB of Tiny Shakespeare cut into 4 parallel streams, each batch
// the next 16 characters of every stream (char-rnn's layout). Each batch starts from the states
// the previous one ended with and each epoch from zeros; an accumulated step is the sum of the
// chained batches' gradients; a run stopped mid-epoch resumes from its checkpoint, carried states
// included, to the weights of an uninterrupted run bit for bit (dropout on); settings that cannot
// combine are refused by name; nothing leaks.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint-file.js';
import { compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import { batchTensors } from './batch.js';
import { createOptimizer } from './create-optimizer.js';
import { type FitOptions, fit } from './fit.js';
import { crossEntropy } from './losses.js';
import { LrScheduler } from './lr-schedule.js';
import { parameterGradients } from './optimizer.js';
import { disposeTrainingState } from './run.js';
import { keepStates, stateTensors } from './states.js';
import type {
  Batch,
  ChunkLossFunction,
  DataParallel,
  LossFunction,
  States,
  TrainingData,
} from './types.js';

const text = readFileSync(
  join(import.meta.dirname, '../../test/fixtures/tinyshakespeare/slice.txt'),
  'utf8',
);
const alphabet = [...new Set(text)].sort();
const ids = Int32Array.from(text, (ch) => alphabet.indexOf(ch));
const V = alphabet.length;
const B = 4;
const T = 16;
const chunks = 6;

/** B streams of chunks · T characters; batch i holds chunk i of every stream. */
const streams: TrainingData = {
  batchCount: chunks,
  batch(index: number): Batch {
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const start = b * chunks * T + index * T;
      x.set(ids.subarray(start, start + T), b * T);
      y.set(ids.subarray(start + 1, start + T + 1), b * T);
    }
    return {
      inputs: { tokens: tf.tensor2d(x, [B, T], 'int32') },
      targets: tf.tensor1d(y, 'int32'),
    };
  },
};

/** The chunk loss; dropout on while training (a random is given), as the tasks' losses do. */
const chunkLoss: ChunkLossFunction = (model, chunk, random, initialState) => {
  const result = model.forward(chunk.inputs, {
    training: true,
    random,
    ...(initialState ? { initialState } : {}),
  });
  const logits = tf.reshape(result.output, [-1, V]);
  return { loss: crossEntropy(logits, chunk.targets) as tf.Scalar, states: result.states };
};

/** fit's own loss: here only validation batches would use it. */
const loss: LossFunction = (model, batch) =>
  crossEntropy(tf.reshape(model.forward(batch.inputs).output, [-1, V]), batch.targets) as tf.Scalar;

async function charModel(dropout = 0.2): Promise<Model> {
  return compile(
    {
      version: 1,
      name: 'carry-check',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim: 8 },
        { type: 'lstm', hiddenSize: 16, numLayers: 2, dropout },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' }, seed: 5 },
    },
    { vocabularySize: V, outputSize: V },
  );
}

const adam = () =>
  createOptimizer({
    type: 'adam',
    lr: 0.01,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: 0,
    amsgrad: false,
  });

const sgd = (lr: number) =>
  createOptimizer({ type: 'sgd', lr, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });

async function run(options: Partial<FitOptions> = {}) {
  const model = await charModel();
  const optimizer = options.optimizer ?? adam();
  try {
    const result = await fit(model, streams, {
      epochs: 2,
      optimizer,
      loss,
      seed: 9,
      clipNorm: 1,
      carryState: { loss: chunkLoss },
      ...options,
    });
    const weights = model.parameters().map((p) => Array.from(p.variable.dataSync()));
    return { result, weights };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

const values = (states: States | undefined) =>
  stateTensors(states).map((t) => Array.from(t.dataSync()));

describe('fit with carryState', () => {
  it.each([1, 4])(
    'starts each batch from the states the previous one ended with, each epoch from zeros (gradientAccumulation %i), leaking nothing',
    async (accumulate) => {
      const before = tf.memory().numTensors;
      const seen: Array<{ first: Array<number> | undefined; start: number }> = [];
      let lastEnd: number[][] = [];
      const recording: ChunkLossFunction = (model, chunk, random, initialState) => {
        const first = (chunk.inputs.tokens as tf.Tensor).dataSync();
        seen.push({
          first: initialState ? values(initialState)[0] : undefined,
          start: first[0] as number,
        });
        if (initialState) expect(values(initialState)).toEqual(lastEnd);
        const result = chunkLoss(model, chunk, random, initialState);
        lastEnd = values(result.states);
        return result;
      };
      const { result } = await run({
        carryState: { loss: recording },
        gradientAccumulation: accumulate,
      });
      // In order (no shuffle): batch i's first row starts at character i · T.
      expect(seen.map((s) => s.start)).toEqual(
        [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5].map((i) => ids[i * T]),
      );
      // Zeros (no initial state) at each epoch's first batch only.
      expect(seen.map((s) => s.first === undefined)).toEqual(
        Array.from({ length: 2 * chunks }, (_, i) => i % chunks === 0),
      );
      expect(result.step).toBe(accumulate === 1 ? 2 * chunks : 4);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('makes an accumulated step the sum of the chained batches’ gradients at the starting weights', async () => {
    // Plain SGD, no dropout, no clipping: 3 accumulated batches move each weight by
    // -lr · (g_1 + g_2 + g_3), g_i taken at the starting weights from the states batch i - 1
    // ended with (without gradient through them).
    const k = 3;
    const lr = 0.5;
    const firstK: TrainingData = { batchCount: k, batch: (i) => streams.batch(i) };
    const expectedStep = async (carry: boolean) => {
      const reference = await charModel(0);
      const parameters = reference.parameters();
      const expected = new Map(
        parameters.map((p) => [p.name, (p.variable.dataSync() as Float32Array).slice()]),
      );
      let states: States | undefined;
      for (let i = 0; i < k; i++) {
        const batch = streams.batch(i);
        let next: States | undefined;
        const { value, grads } = parameterGradients(parameters, () =>
          tf.tidy(() => {
            const out = reference.forward(batch.inputs, {
              ...(carry && states ? { initialState: states } : {}),
            });
            next = keepStates(out.states);
            return crossEntropy(tf.reshape(out.output, [-1, V]), batch.targets) as tf.Scalar;
          }),
        );
        tf.dispose(stateTensors(states));
        states = next;
        for (const [p, g] of grads) {
          const w = expected.get(p.name) as Float32Array;
          const gv = g.dataSync();
          for (let j = 0; j < w.length; j++) w[j] = (w[j] as number) - lr * (gv[j] as number);
        }
        tf.dispose([value, ...grads.values(), ...batchTensors(batch)]);
      }
      tf.dispose(stateTensors(states));
      reference.dispose();
      return expected;
    };
    const carried = await expectedStep(true);
    const reset = await expectedStep(false);

    const model = await charModel(0);
    const optimizer = sgd(lr);
    const result = await fit(model, firstK, {
      epochs: 1,
      optimizer,
      loss,
      seed: 9,
      gradientAccumulation: k,
      carryState: { loss: chunkLoss },
    });
    expect(result.step).toBe(1);
    const distance = (expected: Map<string, Float32Array>) =>
      Math.max(
        ...model.parameters().map((p) => {
          const want = expected.get(p.name) as Float32Array;
          const actual = p.variable.dataSync() as Float32Array;
          return Math.max(...Array.from(actual, (v, j) => Math.abs(v - (want[j] as number))));
        }),
      );
    expect(distance(carried)).toBeLessThan(1e-6);
    // Not the step of batches each started from zeros: the carried states changed the gradients.
    expect(distance(reset)).toBeGreaterThan(1e-4);
    model.dispose();
    optimizer.dispose();
  });

  it('resumes mid-epoch from a checkpoint, carried states included, to the uninterrupted weights bit for bit', async () => {
    const before = tf.memory().numTensors;
    const path = join(mkdtempSync(join(tmpdir(), 'fit-carry-')), 'checkpoint.safetensors');
    const schedule = () => new LrScheduler({ type: 'cosine', warmupSteps: 2, minLr: 0.001 }, 0.01);
    const uninterrupted = await run({ schedule: schedule() });

    const crash = new Error('simulated crash');
    await expect(
      run({
        schedule: schedule(),
        checkpoint: { everySteps: 2, save: (state) => saveCheckpoint(path, state) },
        onBatchEnd: (event) => {
          if (event.step === 9) throw crash; // after the checkpoint of step 8, mid-epoch 2
        },
      }),
    ).rejects.toBe(crash);
    const { state } = await loadCheckpoint(path);
    expect([state.epoch, state.position, state.step]).toEqual([1, 2, 8]);
    // The states batch 3 of epoch 2 starts from: both LSTM layers, all 4 streams.
    expect(state.states?.lstm?.h.shape).toEqual([2, B, 16]);
    expect(state.states?.lstm?.c?.shape).toEqual([2, B, 16]);
    const resumed = await run({ schedule: schedule(), resume: state });
    expect(resumed.result.step).toBe(12);
    expect(resumed.weights).toEqual(uninterrupted.weights);

    // The same checkpoint with the states zeroed resumes elsewhere: the states matter.
    const zeroed = {
      ...state,
      states: Object.fromEntries(
        Object.entries(state.states ?? {}).map(([name, s]) => [
          name,
          { h: tf.zerosLike(s.h), c: tf.zerosLike(s.c as tf.Tensor) },
        ]),
      ) as States,
    };
    const fromZeros = await run({ schedule: schedule(), resume: zeroed });
    expect(fromZeros.weights).not.toEqual(uninterrupted.weights);
    tf.dispose(stateTensors(zeroed.states));
    disposeTrainingState(state);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses what it cannot honour, by name', async () => {
    const model = await charModel();
    const optimizer = adam();
    const base: FitOptions = {
      epochs: 1,
      optimizer,
      loss,
      seed: 1,
      carryState: { loss: chunkLoss },
    };
    const state = {
      epoch: 0,
      position: 3,
      step: 3,
      weights: new Map(),
      optimizer: { step: 3, slots: new Map() },
      badEpochs: 0,
      history: [],
    };
    const cannotCarry: DataParallel = {
      threads: 2,
      gradients: () => Promise.reject(new Error('not reached')),
    };
    // [options, the error, whether the run carries state]
    const cases: Array<[Partial<FitOptions>, string, boolean?]> = [
      [
        { shuffle: true },
        'fit: carryState trains batches in order (each continues the rows of the one before); shuffle: true would break the streams',
      ],
      [
        { truncatedBptt: { steps: 4, loss: chunkLoss } },
        'fit: carryState already starts each batch from the state the previous one ended with; cut the batches shorter instead of truncatedBptt',
      ],
      [
        { parallel: cannotCarry },
        "fit: carryState with parallel needs a DataParallel with carriedGradients (each thread carries its rows' states)",
      ],
      [
        { resume: state },
        'fit: the resumed state stopped at batch 3 of epoch 1 without the states that batch starts from (written by a run that did not carry state)',
      ],
      [
        { resume: { ...state, position: 0, states: {} } },
        'fit: the resumed state carries recurrent states at the start of epoch 1, where every epoch starts from zeros',
      ],
      [
        { resume: { ...state, states: {} } },
        'fit: the resumed state carries recurrent states (a carryState run), but this run does not carry state',
        false,
      ],
    ];
    for (const [options, message, carries = true] of cases) {
      const { carryState, ...rest } = { ...base, ...options };
      await expect(
        fit(model, streams, { ...rest, ...(carries && carryState ? { carryState } : {}) }),
      ).rejects.toThrow(message);
    }
    optimizer.dispose();
    model.dispose();
  });
});
