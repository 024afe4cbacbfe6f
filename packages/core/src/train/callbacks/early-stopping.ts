// Early stopping: stop after `patience` epochs without improvement of the monitored quantity and
// end on the best epoch's weights (Keras' EarlyStopping with restore_best_weights), however the
// run ends. An epoch cut short by a stop competes with the best full epoch on validation.
import type { Callback, TrainingRun } from '../callback.js';
import type { EpochRecord } from '../types.js';

export interface EarlyStoppingOptions {
  patience: number;
  /** Improvements smaller than this do not count (default 0). */
  minDelta?: number | undefined;
  /**
   * "val_loss" (the default, the training loss without validation) or "val_<name>" of a
   * validation metric: loss, perplexity, mae, rmse and mape improve downwards, others upwards.
   */
  monitor?: string | undefined;
}

const lowerIsBetter = /(loss|perplexity|mae|rmse|mape)$/;

/** The monitored quantity of an epoch, as a number where lower is better. */
export function monitoredValue(record: EpochRecord, monitor = 'val_loss'): number {
  // Perplexity is exp(loss): the same order, so the same best epoch.
  if (monitor === 'val_loss' || (monitor === 'val_perplexity' && !record.metrics?.perplexity)) {
    return record.validationLoss ?? record.trainLoss;
  }
  const name = monitor.replace(/^val_/, '');
  const value = record.metrics?.[name];
  if (value === undefined) {
    throw new Error(
      `earlyStopping.monitor "${monitor}": the validation metrics have no "${name}" (they have: ${Object.keys(record.metrics ?? {}).join(', ') || 'none'})`,
    );
  }
  return lowerIsBetter.test(name) ? value : -value;
}

export class EarlyStopping implements Callback {
  constructor(readonly options: EarlyStoppingOptions) {}

  onEpochEnd(record: EpochRecord, run: TrainingRun): void {
    const best = run.best;
    if (record.partialBatches !== undefined) {
      // The partly trained weights win if they validate at least as well as the best epoch.
      if (best && monitoredValue(record, this.options.monitor) <= best.loss) run.dropBest();
      return;
    }
    const monitored = monitoredValue(record, this.options.monitor);
    if (!best || monitored < best.loss - (this.options.minDelta ?? 0)) {
      run.keepBest(monitored, record.epoch);
      run.badEpochs = 0;
    } else {
      run.badEpochs++;
    }
    if (run.badEpochs >= this.options.patience) run.stop('early-stopping');
  }
}
