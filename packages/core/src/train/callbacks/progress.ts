// Progress: functions called after each optimizer step and each epoch (what FitOptions'
// onBatchEnd and onEpochEnd are), for progress bars, logs and plots.
import type { Callback } from '../callback.js';
import type { BatchEvent, EpochRecord } from '../types.js';

export interface ProgressHandlers {
  onBatchEnd?: ((event: BatchEvent) => void | Promise<void>) | undefined;
  /** Also for an epoch cut short by a stop (its record has `partialBatches`). */
  onEpochEnd?: ((record: EpochRecord) => void | Promise<void>) | undefined;
}

export class Progress implements Callback {
  constructor(readonly handlers: ProgressHandlers) {}

  async onBatchEnd(event: BatchEvent): Promise<void> {
    await this.handlers.onBatchEnd?.(event);
  }

  async onEpochEnd(record: EpochRecord): Promise<void> {
    await this.handlers.onEpochEnd?.(record);
  }
}
