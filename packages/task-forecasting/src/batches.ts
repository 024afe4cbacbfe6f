// Batches of forecasting windows: inputs { features: [B, window, F] } (every window is full, so
// no lengths) and targets [B, steps × targets] in the head's order (step-major: step 0's targets,
// then step 1's...), model space. Training batches are reshuffled each epoch from (seed, epoch),
// so a resumed run (fit passes `at`) meets the same batches as an uninterrupted one.
import { type Batch, type BatchPosition, Random, type TrainingData } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import type { WindowSet } from './series-windows.js';

/** The model inputs of windows `rows` of `set` (all rows when absent). */
export function windowInputs(set: WindowSet, rows?: readonly number[]): { features: tf.Tensor } {
  const size = set.window * set.features;
  const picked = rows ?? Array.from({ length: set.count }, (_, i) => i);
  const values = new Float32Array(picked.length * size);
  picked.forEach((r, b) => {
    values.set(set.inputs.subarray(r * size, (r + 1) * size), b * size);
  });
  return { features: tf.tensor3d(values, [picked.length, set.window, set.features]) };
}

/** The targets [B, horizon × targets] of windows `rows` of `set`. */
export function windowTargets(set: WindowSet, rows: readonly number[]): tf.Tensor {
  const size = set.horizon * set.targetCount;
  const values = new Float32Array(rows.length * size);
  rows.forEach((r, b) => {
    values.set(set.targets.subarray(r * size, (r + 1) * size), b * size);
  });
  return tf.tensor2d(values, [rows.length, size]);
}

/** 0..count−1 in the order of `seed`'s Fisher–Yates shuffle. */
export function shuffledOrder(count: number, seed: number): number[] {
  const random = new Random(seed);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/**
 * Training batches of `set`: batchSize windows each (the last one smaller), in an order shuffled
 * per epoch by (seed, epoch); without a position (validation) in the windows' own order.
 */
export function trainingBatches(set: WindowSet, batchSize: number, seed: number): TrainingData {
  const batchCount = Math.ceil(set.count / batchSize);
  let cached: { epoch: number; order: number[] } | undefined;
  const orderOf = (at: BatchPosition | undefined): number[] | undefined => {
    if (at === undefined) return undefined;
    if (cached?.epoch !== at.epoch) {
      // A seed per epoch mixed from both, so epochs never repeat each other's order.
      cached = {
        epoch: at.epoch,
        order: shuffledOrder(set.count, (seed * 1000003 + at.epoch) >>> 0),
      };
    }
    return cached.order;
  };
  return {
    batchCount,
    batch(index: number, at?: BatchPosition): Batch {
      const order = orderOf(at);
      const rows: number[] = [];
      for (let i = index * batchSize; i < Math.min(set.count, (index + 1) * batchSize); i++) {
        rows.push(order ? (order[i] as number) : i);
      }
      return {
        inputs: windowInputs(set, rows),
        targets: windowTargets(set, rows),
        tokens: rows.length * set.window,
      };
    },
  };
}
