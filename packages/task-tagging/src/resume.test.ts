// Exact resume: a run stopped mid-epoch (AbortSignal, or the time budget) and resumed from its
// checkpoint file ends on the uninterrupted run's weights and validation history, with dropout,
// word dropout, input.maxLength pieces and checkpoints every 4 steps; a checkpoint of another
// model is refused by name.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@recurrent/backend-wasm';
import { disposeTrainingState, type EpochRecord, useBackend } from '@recurrent/core';
import { loadCheckpoint, saveCheckpoint } from '@recurrent/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { atisDev, atisTrain, slice, taggingSpec } from '../test/atis.js';
import { TaggingTask, type TaggingTrainOptions } from './tagging-task.js';

const spec = taggingSpec({
  input: { maxLength: 12 },
  layers: [
    { type: 'embedding', embeddingDim: 16, wordDropout: 0.1 },
    { type: 'dropout', rate: 0.2 },
    { type: 'gru', hiddenSize: 16, bidirectional: true },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 2, checkpoint: { everySteps: 4 } },
});
const train = slice(atisTrain, 0, 160);
const validation = slice(atisDev, 0, 30);

async function weights(task: TaggingTask): Promise<Uint8Array> {
  return (await task.save())['weights.safetensors'];
}

describe('exact resume', () => {
  let uninterrupted: { weights: Uint8Array; step: number; history: EpochRecord[] };
  beforeAll(async () => {
    await useBackend('wasm');
    const task = TaggingTask.create(spec);
    const result = await task.train(train, { validation });
    uninterrupted = { weights: await weights(task), step: result.step, history: result.history };
    task.dispose();
  }, 60_000);

  async function stopAndResume(stop: (checkpointPath: string) => TaggingTrainOptions) {
    const path = join(mkdtempSync(join(tmpdir(), 'tagging-resume-')), 'checkpoint.safetensors');
    const first = TaggingTask.create(spec);
    const stopped = await first.train(train, { validation, ...stop(path) });
    first.dispose();
    const { state } = await loadCheckpoint(path);
    const second = TaggingTask.create(spec);
    const resumed = await second.train(train, { validation, resume: state });
    disposeTrainingState(state);
    const w = await weights(second);
    second.dispose();
    return { stopped, resumed, weights: w };
  }

  it('an AbortSignal stops at a batch boundary mid-epoch; resuming ends on the same weights', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const batches = uninterrupted.step / 2;
    const {
      stopped,
      resumed,
      weights: w,
    } = await stopAndResume((path) => ({
      signal: controller.signal,
      checkpoint: { save: (state) => saveCheckpoint(path, state) },
      onProgress: (e) => {
        if (e.type === 'batch' && e.step === batches + 3) controller.abort();
      },
    }));
    expect(stopped.stoppedBy).toBe('aborted');
    expect(stopped.step).toBe(batches + 3);
    expect(resumed.step).toBe(uninterrupted.step);
    const validationOf = (history: EpochRecord[]) =>
      history.map((r) => [r.validationLoss, r.metrics?.accuracy, r.metrics?.f1]);
    expect(validationOf(resumed.history)).toEqual(validationOf(uninterrupted.history));
    expect(w).toEqual(uninterrupted.weights);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('the time budget stops the run; resuming ends on the same weights', async () => {
    const {
      stopped,
      resumed,
      weights: w,
    } = await stopAndResume((path) => ({
      maxTimeMs: 300,
      checkpoint: { save: (state) => saveCheckpoint(path, state) },
      onProgress: (e) => {
        // Spend the budget at step 5 at the latest, however fast the machine is.
        if (e.type === 'batch' && e.step === 5) {
          const until = performance.now() + 400;
          while (performance.now() < until) {}
        }
      },
    }));
    expect(stopped.stoppedBy).toBe('time-budget');
    expect(stopped.step).toBeLessThanOrEqual(5);
    expect(resumed.step).toBe(uninterrupted.step);
    expect(w).toEqual(uninterrupted.weights);
  }, 60_000);

  it('refuses a checkpoint of another model', async () => {
    const other = TaggingTask.create(taggingSpec());
    const path = join(mkdtempSync(join(tmpdir(), 'tagging-resume-')), 'checkpoint.safetensors');
    await other.train(slice(atisTrain, 0, 20), {
      checkpoint: { save: (state) => saveCheckpoint(path, state) },
    });
    other.dispose();
    const { state } = await loadCheckpoint(path);
    const task = TaggingTask.create(spec);
    await expect(task.train(train, { resume: state })).rejects.toThrow(
      /^resume: the checkpoint does not fit this model \("embedding\.weight" is \[\d+, 16\], the model's is \[\d+, 16\]/,
    );
    disposeTrainingState(state);
    task.dispose();
  });
});
