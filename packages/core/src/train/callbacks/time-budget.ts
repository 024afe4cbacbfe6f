// The time budget: stop cleanly at the first batch boundary after `maxTimeMs` (counted from the
// start of the run). The run is resumable: a checkpoint is written where it stopped.
import type { Callback, TrainingRun } from '../callback.js';

export class TimeBudget implements Callback {
  #started = 0;

  constructor(
    readonly maxTimeMs: number,
    /** Milliseconds (default `performance.now`). */
    readonly clock: () => number = () => performance.now(),
  ) {}

  onTrainBegin(): void {
    this.#started = this.clock();
  }

  onBatchBegin(run: TrainingRun): void {
    if (this.clock() - this.#started > this.maxTimeMs) run.stop('time-budget');
  }
}
