// The training loop on a character model of real text (the first 4 KB of Tiny Shakespeare):
// determinism, exact resume from a checkpoint, early stopping's best weights, the time budget,
// gradient accumulation, the divergence guard and tensor leaks.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint-file.js';
import { compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import { batchTensors } from './batch.js';
import type { Callback } from './callback.js';
import { DivergenceError } from './callbacks/divergence-guard.js';
import { JsonLinesLog } from './callbacks/json-lines-log.js';
import { createOptimizer } from './create-optimizer.js';
import { type FitOptions, fit } from './fit.js';
import { crossEntropy } from './losses.js';
import { LrScheduler } from './lr-schedule.js';
import { parameterGradients } from './optimizer.js';
import { disposeTrainingState } from './run.js';
import type {
  Batch,
  ChunkLossFunction,
  LossFunction,
  TrainingData,
  TrainingState,
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

/** Windows of the text: batch i holds windows i*B .. i*B+B-1, starting at `offset`. */
function windows(count: number, offset: number): TrainingData {
  return {
    batchCount: count,
    batch(index: number): Batch {
      const x = new Int32Array(B * T);
      const y = new Int32Array(B * T);
      for (let b = 0; b < B; b++) {
        const start = offset + (index * B + b) * T;
        x.set(ids.subarray(start, start + T), b * T);
        y.set(ids.subarray(start + 1, start + T + 1), b * T);
      }
      return {
        inputs: { tokens: tf.tensor2d(x, [B, T], 'int32') },
        targets: tf.tensor1d(y, 'int32'),
      };
    },
  };
}
const train = windows(6, 0);
const validation = windows(2, 6 * B * T + 1);

const loss: LossFunction = (model, batch, random) => {
  const logits = model.forward(batch.inputs, {
    training: random !== undefined,
    ...(random ? { random } : {}),
  }).output;
  return crossEntropy(tf.reshape(logits, [-1, V]), batch.targets) as tf.Scalar;
};

async function charModel(): Promise<Model> {
  return compile(
    {
      version: 1,
      name: 'fit-check',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim: 8 },
        { type: 'lstm', hiddenSize: 16, numLayers: 2, dropout: 0.2 },
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

/** The model's mean validation loss now (as fit measures it), to see which weights it ended on. */
function validationLoss(model: Model): number {
  let total = 0;
  for (let i = 0; i < validation.batchCount; i++) {
    const batch = validation.batch(i);
    const value = tf.tidy(() => loss(model, batch, undefined));
    total += value.dataSync()[0] as number;
    tf.dispose([value, ...batchTensors(batch)]);
  }
  return total / validation.batchCount;
}

async function run(options: Partial<FitOptions> = {}) {
  const model = await charModel();
  const optimizer = options.optimizer ?? adam();
  const result = await fit(model, train, {
    epochs: 2,
    optimizer,
    loss,
    seed: 9,
    clipNorm: 1,
    ...options,
  });
  const weights = model.parameters().map((p) => Array.from(p.variable.dataSync()));
  optimizer.dispose();
  return { model, result, weights };
}

describe('fit', () => {
  it('trains (loss goes down), is deterministic, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const first = await run({ validation, epochs: 3 });
    const trainLosses = first.result.history.map((r) => r.trainLoss);
    expect(trainLosses[2]).toBeLessThan(trainLosses[0] as number);
    expect(first.result.history.every((r) => r.validationLoss !== undefined)).toBe(true);
    first.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const second = await run({ validation, epochs: 3 });
    second.model.dispose();
    expect(second.weights).toEqual(first.weights);
    expect(second.result.history.map((r) => r.trainLoss)).toEqual(trainLosses);
  });

  it('resumes from a checkpoint to exactly the weights of an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fit-'));
    const path = join(dir, 'checkpoint.safetensors');
    const schedule = () => new LrScheduler({ type: 'cosine', warmupSteps: 2, minLr: 0.001 }, 0.01);
    const uninterrupted = await run({ schedule: schedule() });
    uninterrupted.model.dispose();

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
    const resumed = await run({ schedule: schedule(), resume: state });
    disposeTrainingState(state);
    resumed.model.dispose();
    expect(resumed.result.step).toBe(12);
    expect(resumed.weights).toEqual(uninterrupted.weights);
  });

  it('with early stopping ends on the weights of the best validation epoch', async () => {
    // A rate far too high makes validation worse after a while; patience 1 stops it.
    const optimizer = createOptimizer({
      type: 'sgd',
      lr: 3,
      momentum: 0.9,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    });
    const { model, result } = await run({
      optimizer,
      validation,
      epochs: 8,
      earlyStopping: { patience: 1 },
    });
    const losses = result.history.map((r) => r.validationLoss as number);
    const bestEpoch = losses.indexOf(Math.min(...losses));
    expect(result.stoppedBy).toBe('early-stopping');
    expect(result.bestEpoch).toBe(bestEpoch);
    expect(bestEpoch).toBeLessThan(losses.length - 1); // the last epoch was worse: weights restored
    // Re-measuring now gives the best epoch's loss: the best weights are back.
    expect(validationLoss(model)).toBeCloseTo(losses[bestEpoch] as number, 5);
    model.dispose();
  });

  it('stops at a batch boundary when the time budget is spent, checkpointing where it stopped', async () => {
    const saved: TrainingState[] = [];
    const { model, result } = await run({
      maxTimeMs: 0,
      checkpoint: {
        save: async (state) => {
          saved.push({ ...state, weights: new Map() });
        },
      },
    });
    model.dispose();
    expect(result.stoppedBy).toBe('time-budget');
    expect(result.step).toBe(0);
    expect(saved.map((s) => [s.epoch, s.position])).toEqual([[0, 0]]);
  });

  it.each([
    ['the partial epoch validates better', 1, true],
    ['the full epoch validates better', -50, false],
  ])(
    'when the budget cuts an epoch short, validates it and keeps the better weights (%s)',
    async (_, secondEpochScale, partialWins) => {
      // A clock that jumps past the budget after the first batch of the second epoch, whose step
      // descends (scale 1) or climbs (scale -50) the loss.
      const before = tf.memory().numTensors;
      const saved: TrainingState[] = [];
      const optimizer = createOptimizer({
        type: 'sgd',
        lr: 0.01,
        momentum: 0,
        dampening: 0,
        nesterov: false,
        weightDecay: 0,
      });
      const model = await charModel();
      let time = 0;
      let scale = 1;
      const result = await fit(model, train, {
        epochs: 3,
        optimizer,
        loss: (m, batch, random) => {
          const value = loss(m, batch, random);
          return random ? (tf.mul(value, scale) as tf.Scalar) : value;
        },
        seed: 9,
        validation,
        earlyStopping: { patience: 3 },
        maxTimeMs: 1000,
        clock: () => time,
        onBatchEnd: (event) => {
          if (event.epoch === 1) time = 2000;
        },
        onEpochEnd: () => {
          scale = secondEpochScale;
        },
        checkpoint: {
          save: async (state) => void saved.push({ ...state, history: [...state.history] }),
        },
      });
      expect(result.stoppedBy).toBe('time-budget');
      const [full, partial] = result.history;
      expect(result.history).toHaveLength(2);
      expect(partial?.partialBatches).toBe(1);
      // The checkpoint was written before the partial record: a resumed run never sees it.
      expect(saved.at(-1)?.history).toHaveLength(1);
      expect([saved.at(-1)?.epoch, saved.at(-1)?.position]).toEqual([1, 1]);
      const fullLoss = full?.validationLoss as number;
      const partialLoss = partial?.validationLoss as number;
      expect(partialLoss <= fullLoss).toBe(partialWins);
      expect(result.bestEpoch).toBe(partialWins ? undefined : 0);
      expect(validationLoss(model)).toBeCloseTo(Math.min(fullLoss, partialLoss), 5);
      model.dispose();
      optimizer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it("leaves the stop's checkpoint out of a cut epoch's seconds", async () => {
    // Batches take 0.1 s; the budget runs out in the second epoch, whose checkpoint takes 3 s.
    let time = 0;
    const model = await charModel();
    const result = await fit(model, train, {
      epochs: 2,
      optimizer: adam(),
      loss: (m, batch, random) => {
        if (random) time += 100;
        return loss(m, batch, random);
      },
      seed: 3,
      validation,
      maxTimeMs: 800,
      clock: () => time,
      checkpoint: {
        // The stop's save is the one written inside an epoch (the epochs' ends are at batch 0).
        save: async (state) => {
          if (state.position > 0) time += 3000;
        },
      },
    });
    model.dispose();
    expect(result.stoppedBy).toBe('time-budget');
    const partial = result.history.at(-1);
    expect(partial?.partialBatches).toBeGreaterThan(0);
    expect(partial?.seconds).toBeCloseTo((partial?.partialBatches ?? 0) * 0.1, 6);
  });

  it("times each batch event and epoch record over the epoch's training only", async () => {
    // A clock that a training batch moves by 0.1 s and a validation pass by 5 s.
    let time = 0;
    const model = await charModel();
    const events: { epoch: number; seconds: number }[] = [];
    const result = await fit(model, train, {
      epochs: 2,
      optimizer: adam(),
      loss: (m, batch, random) => {
        time += random ? 100 : 5000 / validation.batchCount;
        return loss(m, batch, random);
      },
      seed: 3,
      validation,
      clock: () => time,
      onBatchEnd: ({ epoch, seconds }) => void events.push({ epoch, seconds }),
    });
    model.dispose();
    const expected = (epoch: number) =>
      Array.from({ length: train.batchCount }, (_, i) => ({ epoch, seconds: (i + 1) / 10 }));
    expect(events.map((e) => ({ ...e, seconds: Number(e.seconds.toFixed(6)) }))).toEqual([
      ...expected(0),
      ...expected(1),
    ]);
    expect(result.history.map((r) => Number(r.seconds.toFixed(6)))).toEqual([0.6, 0.6]);
  });

  it('sums gradients over gradientAccumulation batches per optimizer step', async () => {
    const tokens: number[] = [];
    const { model, result } = await run({
      gradientAccumulation: 4,
      onBatchEnd: (event) => void tokens.push(event.tokens),
    });
    model.dispose();
    expect(result.step).toBe(4); // 6 batches per epoch: steps after batch 4 and 6, two epochs
    // Each step's event counts the tokens of every batch it applied (B·T each).
    expect(tokens).toEqual([4 * B * T, 2 * B * T, 4 * B * T, 2 * B * T]);
  });

  it('makes one step of accumulated batches the step of their summed gradient', async () => {
    // Plain SGD, dropout off, no clipping: k accumulated batches must move each weight by
    // -lr * (g_1 + ... + g_k), with every g_i taken at the starting weights.
    const k = 3;
    const lr = 0.5;
    const sgd = () =>
      createOptimizer({
        type: 'sgd',
        lr,
        momentum: 0,
        dampening: 0,
        nesterov: false,
        weightDecay: 0,
      });
    const evalLoss: LossFunction = (model, batch) => loss(model, batch, undefined);
    const firstK: TrainingData = { batchCount: k, batch: (i) => train.batch(i) };

    const reference = await charModel();
    const parameters = reference.parameters();
    const expected = new Map(parameters.map((p) => [p.name, p.variable.dataSync().slice()]));
    for (let i = 0; i < k; i++) {
      const batch = train.batch(i);
      const { value, grads } = parameterGradients(parameters, () =>
        evalLoss(reference, batch, undefined),
      );
      for (const [p, g] of grads) {
        const values = expected.get(p.name) as Float32Array;
        const gv = g.dataSync();
        for (let j = 0; j < values.length; j++)
          values[j] = (values[j] as number) - lr * (gv[j] as number);
      }
      tf.dispose([value, ...grads.values(), ...batchTensors(batch)]);
    }
    reference.dispose();

    const model = await charModel();
    const optimizer = sgd();
    const result = await fit(model, firstK, {
      epochs: 1,
      optimizer,
      loss: evalLoss,
      seed: 9,
      shuffle: false,
      gradientAccumulation: k,
    });
    expect(result.step).toBe(1);
    const distance = (m: Model) =>
      Math.max(
        ...m.parameters().map((p) => {
          const want = expected.get(p.name) as Float32Array;
          const actual = p.variable.dataSync() as Float32Array;
          return Math.max(...Array.from(actual, (v, j) => Math.abs(v - (want[j] as number))));
        }),
      );
    expect(distance(model)).toBeLessThan(1e-6);
    // And not the step of the first batch alone: the sum moved the weights elsewhere.
    const onlyFirst = await charModel();
    const single = sgd();
    await fit(
      onlyFirst,
      { batchCount: 1, batch: (i) => train.batch(i) },
      {
        epochs: 1,
        optimizer: single,
        loss: evalLoss,
        seed: 9,
        shuffle: false,
      },
    );
    expect(distance(onlyFirst)).toBeGreaterThan(1e-3);
    model.dispose();
    onlyFirst.dispose();
    optimizer.dispose();
    single.dispose();
  });

  it('stops on a non-finite loss naming the step, without touching the last checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fit-'));
    const path = join(dir, 'checkpoint.safetensors');
    let calls = 0;
    const poisoned: LossFunction = (model, batch, random) => {
      calls++;
      const value = loss(model, batch, random);
      return (calls === 4 ? tf.mul(value, Number.NaN) : value) as tf.Scalar;
    };
    const before = tf.memory().numTensors;
    const model = await charModel();
    const optimizer = adam();
    const error = await fit(model, train, {
      epochs: 1,
      optimizer,
      loss: poisoned,
      seed: 1,
      checkpoint: { everySteps: 1, save: (state) => saveCheckpoint(path, state) },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as Error).message).toContain(
      'training diverged at step 4 (epoch 1): the loss (NaN)',
    );
    const { state } = await loadCheckpoint(path);
    expect(state.step).toBe(3);
    disposeTrainingState(state);
    optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fit with truncated backpropagation through time', () => {
  const chunkLoss: ChunkLossFunction = (model, chunk, random, initialState) => {
    const result = model.forward(chunk.inputs, {
      training: true,
      random,
      ...(initialState ? { initialState } : {}),
    });
    const logits = tf.reshape(result.output, [-1, V]);
    return { loss: crossEntropy(logits, chunk.targets) as tf.Scalar, states: result.states };
  };

  it('with one chunk per batch trains exactly as without it', async () => {
    const plain = await run();
    plain.model.dispose();
    const chunked = await run({ truncatedBptt: { steps: T, loss: chunkLoss } });
    chunked.model.dispose();
    expect(chunked.weights).toEqual(plain.weights);
  });

  it('steps once per chunk and starts each chunk from the state the previous one ended with', async () => {
    const before = tf.memory().numTensors;
    const seen: Array<{ first: boolean }> = [];
    let lastEnd: number[] | undefined;
    const recording: ChunkLossFunction = (model, chunk, random, initialState) => {
      const h = initialState?.lstm?.h;
      seen.push({ first: !initialState });
      if (h) expect(Array.from(h.dataSync())).toEqual(lastEnd);
      const result = chunkLoss(model, chunk, random, initialState);
      const end = result.states.lstm as { h: tf.Tensor };
      lastEnd = Array.from(end.h.dataSync());
      return result;
    };
    const { model, result } = await run({
      epochs: 1,
      truncatedBptt: { steps: T / 4, loss: recording },
    });
    model.dispose();
    expect(result.step).toBe(train.batchCount * 4);
    expect(seen.map((s) => s.first)).toEqual(
      Array.from({ length: train.batchCount * 4 }, (_, i) => i % 4 === 0),
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('spreads a step schedule over every chunk of the run (each chunk is an optimizer step)', async () => {
    const lrs: number[] = [];
    const { model, result } = await run({
      epochs: 1,
      schedule: new LrScheduler({ type: 'cosine', warmupSteps: 0, minLr: 0 }, 0.01),
      truncatedBptt: { steps: T / 4, loss: chunkLoss },
      onBatchEnd: (event) => lrs.push(event.lr),
    });
    model.dispose();
    // PyTorch's CosineAnnealingLR over all the run's steps: 0.005 (1 + cos(pi k / n)), k = 0 .. n - 1.
    const n = train.batchCount * 4;
    expect(result.step).toBe(n);
    expect(lrs).toHaveLength(n);
    for (const [k, lr] of lrs.entries()) {
      expect(lr).toBeCloseTo(0.005 * (1 + Math.cos((Math.PI * k) / n)), 12);
    }
  });

  it('refuses padded batches, which cannot be cut along time', async () => {
    const padded: TrainingData = {
      batchCount: 1,
      batch: (i) => {
        const batch = train.batch(i);
        return { ...batch, inputs: { ...batch.inputs, lengths: [T, T, T, T] } };
      },
    };
    const model = await charModel();
    const optimizer = adam();
    await expect(
      fit(model, padded, {
        epochs: 1,
        optimizer,
        loss,
        seed: 1,
        truncatedBptt: { steps: 4, loss: chunkLoss },
      }),
    ).rejects.toThrow('truncatedBptt: batches with lengths (padding) cannot be cut into chunks');
    optimizer.dispose();
    model.dispose();
  });
});

describe('fit with validation metrics', () => {
  it('records them each epoch and early-stops on one that improves upwards (val_accuracy)', async () => {
    // Next-character accuracy on the validation windows, computed from the model itself.
    const accuracy = async (model: Model) => {
      let correct = 0;
      let total = 0;
      for (let i = 0; i < validation.batchCount; i++) {
        const batch = validation.batch(i);
        const predicted = tf.tidy(() =>
          tf.argMax(tf.reshape(model.forward(batch.inputs).output, [-1, V]), 1),
        );
        const p = await predicted.data();
        const t = await batch.targets.data();
        for (let k = 0; k < t.length; k++) if (p[k] === t[k]) correct++;
        total += t.length;
        tf.dispose([predicted, ...batchTensors(batch)]);
      }
      return { accuracy: correct / total };
    };
    const optimizer = createOptimizer({
      type: 'sgd',
      lr: 3,
      momentum: 0.9,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    });
    const { model, result } = await run({
      optimizer,
      validation,
      validationMetrics: accuracy,
      epochs: 8,
      earlyStopping: { patience: 1, monitor: 'val_accuracy' },
    });
    const accuracies = result.history.map((r) => r.metrics?.accuracy as number);
    expect(accuracies.every((a) => a >= 0 && a <= 1)).toBe(true);
    const best = accuracies.indexOf(Math.max(...accuracies));
    expect(result.bestEpoch).toBe(best);
    expect((await accuracy(model)).accuracy).toBe(accuracies[best]);
    model.dispose();
  });

  it('takes a "loss" among the metrics as the validation loss, with no pass over validation data', async () => {
    let passes = 0;
    const counted: TrainingData = {
      batchCount: validation.batchCount,
      batch: (i) => {
        passes++;
        return validation.batch(i);
      },
    };
    const { model, result } = await run({
      epochs: 2,
      validation: counted,
      validationMetrics: async () => ({ loss: 1.25, accuracy: 0.5 }),
    });
    model.dispose();
    expect(passes).toBe(0);
    expect(result.history.map((r) => r.validationLoss)).toEqual([1.25, 1.25]);
    expect(result.history.map((r) => r.metrics)).toEqual([{ accuracy: 0.5 }, { accuracy: 0.5 }]);
  });

  it('names a monitored metric the validation metrics do not have', async () => {
    await expect(
      run({
        epochs: 1,
        validationMetrics: async () => ({ f1: 0.5 }),
        earlyStopping: { patience: 1, monitor: 'val_bleu' },
      }),
    ).rejects.toThrow(
      'earlyStopping.monitor "val_bleu": the validation metrics have no "bleu" (they have: f1)',
    );
  });
});

describe('fit with callbacks', () => {
  it('calls every hook in order, awaiting each, with the run where it is', async () => {
    const seen: string[] = [];
    const recorder: Callback = {
      onTrainBegin: (run) => void seen.push(`trainBegin ${run.epoch}/${run.position}`),
      onEpochBegin: (epoch) => void seen.push(`epochBegin ${epoch}`),
      onBatchBegin: (run) => void seen.push(`batchBegin ${run.position}`),
      onLoss: (loss) => void seen.push(`loss ${Number.isFinite(loss)}`),
      onGradientNorm: (norm, run) =>
        void seen.push(`norm ${norm > 0} pending ${run.gradientsPending}`),
      onBatchEnd: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        seen.push(`batchEnd ${event.position} step ${event.step}`);
      },
      onEpochEnd: (record, run) =>
        void seen.push(`epochEnd ${record.epoch} history ${run.history.length}`),
      onTrainEnd: (result) => void seen.push(`trainEnd ${result.stoppedBy} ${result.step}`),
    };
    const { model } = await run({ epochs: 1, gradientAccumulation: 4, callbacks: [recorder] });
    model.dispose();
    expect(seen).toEqual([
      'trainBegin 0/0',
      'epochBegin 0',
      ...[0, 1, 2, 3].flatMap((p) => [`batchBegin ${p}`, 'loss true']),
      'norm true pending true',
      'batchEnd 4 step 1',
      ...[4, 5].flatMap((p) => [`batchBegin ${p}`, 'loss true']),
      'norm true pending true', // the epoch's end applies what is pending
      'batchEnd 6 step 2',
      'epochEnd 0 history 1',
      'trainEnd epochs 2',
    ]);
  });

  it('stops on an AbortSignal as on the time budget: checkpointed, validated, resumed exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fit-'));
    const path = join(dir, 'checkpoint.safetensors');
    const schedule = () => new LrScheduler({ type: 'cosine', warmupSteps: 2, minLr: 0.001 }, 0.01);
    const uninterrupted = await run({ schedule: schedule() });
    uninterrupted.model.dispose();

    const controller = new AbortController();
    const aborted = await run({
      schedule: schedule(),
      validation,
      signal: controller.signal,
      checkpoint: { save: (state) => saveCheckpoint(path, state) },
      onBatchEnd: (event) => {
        if (event.step === 8) controller.abort(); // mid-epoch 2, after its second batch
      },
    });
    aborted.model.dispose();
    expect(aborted.result.stoppedBy).toBe('aborted');
    expect(aborted.result.step).toBe(8);
    expect(aborted.result.history.map((r) => r.partialBatches)).toEqual([undefined, 2]);
    const { state } = await loadCheckpoint(path);
    expect([state.epoch, state.position, state.step, state.history.length]).toEqual([1, 2, 8, 1]);
    const resumed = await run({ schedule: schedule(), resume: state });
    disposeTrainingState(state);
    resumed.model.dispose();
    expect(resumed.result.stoppedBy).toBe('epochs');
    expect(resumed.weights).toEqual(uninterrupted.weights);
  });

  it("stops where a callback's stop() asks, with a checkpoint there", async () => {
    const saved: Array<[number, number, number]> = [];
    const interrupted: number[] = [];
    const { model, result } = await run({
      checkpoint: { save: async (s) => void saved.push([s.epoch, s.position, s.step]) },
      callbacks: [
        {
          onBatchEnd: (event, r) => {
            if (event.step === 3) r.stop('callback');
          },
          onInterrupt: (r) => void interrupted.push(r.position),
        },
      ],
    });
    model.dispose();
    expect(result.stoppedBy).toBe('callback');
    expect(result.step).toBe(3);
    expect(interrupted).toEqual([3]);
    expect(saved).toEqual([[0, 3, 3]]);
  });

  it('waits for summed gradients to be applied before a stop, so the checkpoint loses no batch', async () => {
    const saved: Array<[number, number, number]> = [];
    const { model, result } = await run({
      gradientAccumulation: 2,
      checkpoint: { save: async (s) => void saved.push([s.epoch, s.position, s.step]) },
      callbacks: [
        {
          // Asked after batch 1 trained: its gradients wait for batch 2's.
          onBatchBegin: (r) => {
            if (r.epoch === 0 && r.position === 1) r.stop('callback');
          },
        },
      ],
    });
    model.dispose();
    expect(result.stoppedBy).toBe('callback');
    expect(result.step).toBe(1);
    expect(saved).toEqual([[0, 2, 1]]);
  });

  it('lets a callback add a metric to the epoch record that early stopping then monitors', async () => {
    // A made-up metric, worst after epoch 1: early stopping must end on epoch 1's weights.
    const score = [0.2, 0.9, 0.5, 0.4];
    const weightsAt: number[][] = [];
    const { model, result } = await run({
      epochs: 4,
      earlyStopping: { patience: 2, monitor: 'val_score' },
      callbacks: [
        {
          onEpochEnd: (record, r) => {
            record.metrics = { ...record.metrics, score: score[record.epoch] as number };
            weightsAt.push(Array.from(r.model.parameters()[1]?.variable.dataSync() ?? []));
          },
        },
      ],
    });
    expect(result.stoppedBy).toBe('early-stopping');
    expect(result.bestEpoch).toBe(1);
    expect(result.history.map((r) => r.metrics?.score)).toEqual([0.2, 0.9, 0.5, 0.4]);
    expect(Array.from(model.parameters()[1]?.variable.dataSync() ?? [])).toEqual(weightsAt[1]);
    model.dispose();
  });

  it('writes the JSON-lines log of every step and epoch through its sink', async () => {
    const lines: string[] = [];
    const { model, result } = await run({
      validation,
      callbacks: [new JsonLinesLog((line) => void lines.push(line))],
    });
    model.dispose();
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed.filter((l) => l.type === 'batch').map((l) => l.step)).toEqual(
      Array.from({ length: result.step }, (_, i) => i + 1),
    );
    expect(parsed.filter((l) => l.type === 'epoch').map((l) => l.validationLoss)).toEqual(
      result.history.map((r) => r.validationLoss),
    );
  });
});
