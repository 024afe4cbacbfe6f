// The checkpoint callback on its own: every `everySteps` steps at a boundary with no gradients
// pending, at each full epoch's end (not a partial one's), and where a stop interrupted the run.
import { describe, expect, it } from 'vitest';
import { fakeRun } from '../../../test/fake-run.js';
import type { EpochRecord } from '../types.js';
import { Checkpoint } from './checkpoint.js';

const record: EpochRecord = { epoch: 0, trainLoss: 1, lr: 0.1, seconds: 1 };

describe('Checkpoint', () => {
  it('saves every `everySteps` optimizer steps, only with no gradients pending', async () => {
    const run = fakeRun();
    const saved: number[] = [];
    const checkpoint = new Checkpoint({
      everySteps: 2,
      save: async (s) => void saved.push(s.step),
    });
    run.step = 3; // a resumed run counts from where it resumed
    checkpoint.onTrainBegin(run);
    for (const [step, pending] of [
      [4, false],
      [5, true], // due, but gradients are pending: it waits
      [5, false],
      [6, false],
      [7, false],
      [9, false],
    ] as const) {
      run.step = step;
      run.gradientsPending = pending;
      await checkpoint.onBatchBegin(run);
    }
    expect(saved).toEqual([5, 7, 9]);
  });

  it('saves at each epoch end and at an interruption, but not for a partial epoch', async () => {
    const run = fakeRun();
    const checkpoint = new Checkpoint({ save: async () => {} });
    checkpoint.onTrainBegin(run);
    run.step = 50;
    await checkpoint.onBatchBegin(run); // no everySteps: nothing between epochs
    run.position = 5;
    await checkpoint.onEpochEnd(record, run);
    run.epoch = 1;
    run.position = 2;
    run.step = 52;
    await checkpoint.onInterrupt(run);
    await checkpoint.onEpochEnd({ ...record, epoch: 1, partialBatches: 2 }, run);
    expect(run.snapshots).toEqual(['0/5@50', '1/2@52']);
  });

  it('counts steps from the last save of any kind', async () => {
    const run = fakeRun();
    const saved: number[] = [];
    const checkpoint = new Checkpoint({
      everySteps: 3,
      save: async (s) => void saved.push(s.step),
    });
    checkpoint.onTrainBegin(run);
    run.step = 2;
    await checkpoint.onEpochEnd(record, run);
    run.step = 4;
    await checkpoint.onBatchBegin(run); // 2 steps since the epoch's save
    run.step = 5;
    await checkpoint.onBatchBegin(run);
    expect(saved).toEqual([2, 5]);
  });

  it('fails the run when saving fails', async () => {
    const run = fakeRun();
    const checkpoint = new Checkpoint({
      save: async () => {
        throw new Error('disk full');
      },
    });
    await expect(checkpoint.onInterrupt(run)).rejects.toThrow('disk full');
  });
});
