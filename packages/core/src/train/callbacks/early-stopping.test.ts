// Early stopping on its own: which epochs become the best, when patience runs out, minDelta,
// metrics that improve upwards, and the partial epoch that competes with the best full one.
import { describe, expect, it } from 'vitest';
import { fakeRun } from '../../../test/fake-run.js';
import type { EpochRecord } from '../types.js';
import { EarlyStopping, monitoredValue } from './early-stopping.js';

const epoch = (
  n: number,
  validationLoss: number,
  metrics?: Record<string, number>,
): EpochRecord => ({
  epoch: n,
  trainLoss: 9,
  validationLoss,
  lr: 0.1,
  seconds: 1,
  ...(metrics ? { metrics } : {}),
});

describe('EarlyStopping', () => {
  it('keeps the best epoch and stops after `patience` epochs without improvement', () => {
    const run = fakeRun();
    const stopping = new EarlyStopping({ patience: 2 });
    for (const [n, loss] of [3, 2, 2.5, 1.9, 2, 2.1, 1].entries()) {
      if (!run.stopReason) stopping.onEpochEnd(epoch(n, loss), run);
    }
    expect(run.log).toEqual([
      'keepBest 3 @0',
      'keepBest 2 @1',
      'keepBest 1.9 @3',
      'stop early-stopping',
    ]);
    expect(run.badEpochs).toBe(2);
  });

  it('counts an improvement smaller than minDelta as none', () => {
    const run = fakeRun();
    const stopping = new EarlyStopping({ patience: 1, minDelta: 0.5 });
    stopping.onEpochEnd(epoch(0, 3), run);
    stopping.onEpochEnd(epoch(1, 2.6), run);
    expect(run.log).toEqual(['keepBest 3 @0', 'stop early-stopping']);
  });

  it('monitors a validation metric that improves upwards (val_accuracy)', () => {
    const run = fakeRun();
    const stopping = new EarlyStopping({ patience: 1, monitor: 'val_accuracy' });
    stopping.onEpochEnd(epoch(0, 1, { accuracy: 0.5 }), run);
    stopping.onEpochEnd(epoch(1, 2, { accuracy: 0.7 }), run); // loss worse, accuracy better
    stopping.onEpochEnd(epoch(2, 0.5, { accuracy: 0.6 }), run);
    expect(run.log).toEqual(['keepBest -0.5 @0', 'keepBest -0.7 @1', 'stop early-stopping']);
  });

  it('lets a partial epoch take over from the best when it validates at least as well', () => {
    for (const [partialLoss, expected] of [
      [1.5, ['keepBest 2 @0', 'dropBest']],
      [2, ['keepBest 2 @0', 'dropBest']],
      [2.5, ['keepBest 2 @0']],
    ] as const) {
      const run = fakeRun();
      const stopping = new EarlyStopping({ patience: 1 });
      stopping.onEpochEnd(epoch(0, 2), run);
      stopping.onEpochEnd({ ...epoch(1, partialLoss), partialBatches: 3 }, run);
      expect(run.log).toEqual(expected);
      expect(run.badEpochs).toBe(0); // a partial epoch never counts against patience
    }
  });

  it('names a monitored metric the validation metrics do not have', () => {
    expect(() => monitoredValue(epoch(0, 1, { f1: 0.5 }), 'val_bleu')).toThrow(
      'earlyStopping.monitor "val_bleu": the validation metrics have no "bleu" (they have: f1)',
    );
  });

  it('reads the training loss when there is no validation, and perplexity as the loss', () => {
    expect(monitoredValue({ epoch: 0, trainLoss: 4, lr: 1, seconds: 0 })).toBe(4);
    expect(monitoredValue(epoch(0, 1.5), 'val_perplexity')).toBe(1.5);
    expect(monitoredValue(epoch(0, 1.5, { perplexity: 4.5 }), 'val_perplexity')).toBe(4.5);
    expect(monitoredValue(epoch(0, 1.5, { mae: 0.25 }), 'val_mae')).toBe(0.25);
    expect(monitoredValue(epoch(0, 1.5, { f1: 0.25 }), 'val_f1')).toBe(-0.25);
  });
});
