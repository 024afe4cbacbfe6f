// An AbortSignal as a stop: once aborted, the run stops at the next batch boundary exactly as
// the time budget stops it (checkpoint written, partial epoch validated, resumable).
import type { Callback, TrainingRun } from '../callback.js';

export class StopOnAbort implements Callback {
  constructor(readonly signal: AbortSignal) {}

  onBatchBegin(run: TrainingRun): void {
    if (this.signal.aborted) run.stop('aborted');
  }
}
