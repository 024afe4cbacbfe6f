// Exact resume: a run stopped mid-epoch by an AbortSignal and resumed from its checkpoint file ends
// on the uninterrupted run's weights and validation history (batches reshuffled per epoch from
// the seed, dropout on, checkpoints every 3 steps); a checkpoint of another model is refused by name.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@recurrent/backend-wasm';
import { disposeTrainingState, type EpochRecord, useBackend } from '@recurrent/core';
import { loadCheckpoint, saveCheckpoint } from '@recurrent/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { airline, forecastSpec, head } from '../test/airline.js';
import type { TimeSeries } from './contract.js';
import { ForecastingTask, type ForecastTrainOptions } from './forecasting-task.js';

const spec = forecastSpec({
  forecasting: { horizon: 2, differencing: 'first' },
  layers: [
    { type: 'gru', hiddenSize: 8, returnSequences: false },
    { type: 'dropout', rate: 0.2 },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 2, checkpoint: { everySteps: 3 } },
});
const series = airline();
const train = head(series, 96);
const validation: TimeSeries = { ...head(series, 120), targetsFrom: 96 };

async function weights(task: ForecastingTask): Promise<Uint8Array> {
  return (await task.save())['weights.safetensors'];
}

describe('exact resume', () => {
  let uninterrupted: { weights: Uint8Array; step: number; history: EpochRecord[] };
  beforeAll(async () => {
    await useBackend('wasm');
    const task = ForecastingTask.create(spec);
    const result = await task.train(train, { validation });
    uninterrupted = { weights: await weights(task), step: result.step, history: result.history };
    task.dispose();
  }, 60_000);

  it('an AbortSignal stops at a batch boundary mid-epoch; resuming ends on the same weights', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const perEpoch = uninterrupted.step / 2;
    const path = join(mkdtempSync(join(tmpdir(), 'forecasting-resume-')), 'checkpoint.safetensors');
    const options: ForecastTrainOptions = {
      validation,
      signal: controller.signal,
      checkpoint: { save: (state) => saveCheckpoint(path, state) },
      onProgress: (e) => {
        if (e.type === 'batch' && e.step === perEpoch + 2) controller.abort();
      },
    };
    const first = ForecastingTask.create(spec);
    const stopped = await first.train(train, options);
    first.dispose();
    expect(stopped.stoppedBy).toBe('aborted');
    expect(stopped.step).toBe(perEpoch + 2);
    const { state } = await loadCheckpoint(path);
    const second = ForecastingTask.create(spec);
    const resumed = await second.train(train, { validation, resume: state });
    disposeTrainingState(state);
    expect(resumed.step).toBe(uninterrupted.step);
    const validationOf = (history: EpochRecord[]) =>
      history.map((r) => [r.validationLoss, r.metrics?.mae, r.metrics?.rmse]);
    expect(validationOf(resumed.history)).toEqual(validationOf(uninterrupted.history));
    expect(await weights(second)).toEqual(uninterrupted.weights);
    second.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('refuses a checkpoint of another model', async () => {
    const other = ForecastingTask.create(forecastSpec({ training: { epochs: 1 } }));
    const path = join(mkdtempSync(join(tmpdir(), 'forecasting-resume-')), 'checkpoint.safetensors');
    await other.train(train, { checkpoint: { save: (state) => saveCheckpoint(path, state) } });
    other.dispose();
    const { state } = await loadCheckpoint(path);
    const task = ForecastingTask.create(spec);
    await expect(task.train(train, { resume: state })).rejects.toThrow(
      /^resume: the checkpoint does not fit this model \(.+\): it was written for another spec or other training data$/,
    );
    disposeTrainingState(state);
    task.dispose();
  }, 30_000);
});
