// The forecasting loss against a hand computation from the head's output: the mean over every
// value (rows × steps × targets) of (x − y)², |x − y| or Huber with δ = 1, as PyTorch's mean
// reduction; and the batches: every window once per epoch, the order a function of (seed, epoch)
// only, the targets of each row in the head's step-major order.
import '@recurrent/backend-wasm';
import { compile, type Model, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { forecastSpec } from '../test/airline.js';
import { trainingBatches } from './batches.js';
import type { WindowSet } from './series-windows.js';
import { forecastingLoss, pointLoss } from './training-target.js';

const spec = forecastSpec({ forecasting: { window: 3, horizon: 2, features: ['a', 'b'] } });

let model: Model;
beforeAll(async () => {
  await useBackend('wasm');
  model = await compile(spec, { outputSize: 4 });
});

/** 5 windows of 3 steps × 2 features, targets 2 steps × 2 targets: values that say where they are. */
const set: WindowSet = {
  count: 5,
  window: 3,
  horizon: 2,
  features: 2,
  targetCount: 2,
  inputs: Float32Array.from({ length: 5 * 6 }, (_, i) => Math.sin(i)),
  targets: Float32Array.from({ length: 5 * 4 }, (_, i) => i / 10),
  origins: Array.from({ length: 5 }, (_, t) => ({ series: 0, t: t + 3 })),
};

describe('the forecasting loss', () => {
  it.each(['mse', 'mae', 'huber', undefined])('%s is the mean over every value', (loss) => {
    const before = tf.memory().numTensors;
    const batches = trainingBatches(set, 5, 1);
    const batch = batches.batch(0);
    const output = tf.tidy(() => model.forward(batch.inputs).output);
    const x = output.dataSync();
    const y = batch.targets.dataSync();
    expect(output.shape).toEqual([5, 4]);
    let expected = 0;
    for (let i = 0; i < x.length; i++) {
      const d = (x[i] as number) - (y[i] as number);
      // Written out here, independent of pointLoss.
      expected +=
        loss === 'mae'
          ? Math.abs(d)
          : loss === 'huber'
            ? Math.abs(d) < 1
              ? 0.5 * d * d
              : Math.abs(d) - 0.5
            : d * d;
    }
    expected /= x.length;
    const lossOf = forecastingLoss({
      ...model.spec,
      training: { ...model.spec.training, ...(loss ? { loss: loss as 'mse' } : {}) },
    });
    const value = tf.tidy(() => lossOf(model, batch, undefined).dataSync()[0] as number);
    expect(value).toBeCloseTo(expected, 6);
    const kind = loss === 'mae' || loss === 'huber' ? loss : 'mse';
    let points = 0;
    for (let i = 0; i < x.length; i++)
      points += pointLoss(kind, (x[i] as number) - (y[i] as number));
    expect(points / x.length).toBeCloseTo(expected, 12);
    tf.dispose([output, batch.inputs.features as tf.Tensor, batch.targets]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('training batches', () => {
  function rowsOf(epoch: number, seed: number): number[][] {
    const batches = trainingBatches(set, 2, seed);
    expect(batches.batchCount).toBe(3);
    return Array.from({ length: 3 }, (_, i) => {
      const batch = batches.batch(i, { epoch, step: 0 });
      // Each row's first target value says which window it is (window k starts at k × 4 / 10).
      const rows = Array.from(batch.targets.dataSync())
        .filter((_, j) => j % 4 === 0)
        .map((v) => Math.round(v * 10) / 4);
      expect(batch.tokens).toBe(rows.length * 3);
      tf.dispose([batch.inputs.features as tf.Tensor, batch.targets]);
      return rows;
    });
  }

  it('hold every window once per epoch, in an order given by (seed, epoch) alone', () => {
    const first = rowsOf(0, 1);
    expect(first.flat().sort()).toEqual([0, 1, 2, 3, 4]);
    expect(rowsOf(0, 1)).toEqual(first);
    const orders = [rowsOf(1, 1), rowsOf(2, 1), rowsOf(0, 2)].map((o) => JSON.stringify(o));
    expect(new Set([JSON.stringify(first), ...orders]).size).toBeGreaterThan(1);
    for (const order of [rowsOf(1, 1), rowsOf(2, 1)])
      expect(order.flat().sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('carry inputs and targets of the same window, in order without a position (validation)', () => {
    const batches = trainingBatches(set, 5, 1);
    const batch = batches.batch(0);
    expect(Array.from((batch.inputs.features as tf.Tensor).dataSync() as Float32Array)).toEqual(
      Array.from(set.inputs),
    );
    expect(Array.from(batch.targets.dataSync())).toEqual(Array.from(set.targets));
    const shuffled = trainingBatches(set, 5, 1).batch(0, { epoch: 0, step: 0 });
    const inputs = (shuffled.inputs.features as tf.Tensor).dataSync() as Float32Array;
    const targets = shuffled.targets.dataSync();
    for (let b = 0; b < 5; b++) {
      const k = Math.round(((targets[b * 4] as number) * 10) / 4);
      expect(Array.from(inputs.subarray(b * 6, b * 6 + 6))).toEqual(
        Array.from(set.inputs.subarray(k * 6, k * 6 + 6)),
      );
    }
    tf.dispose([
      batch.inputs.features as tf.Tensor,
      batch.targets,
      shuffled.inputs.features as tf.Tensor,
      shuffled.targets,
    ]);
  });
});
