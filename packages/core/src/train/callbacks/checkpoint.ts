// Checkpoints: the run's state handed to `save` every `everySteps` optimizer steps (at a batch
// boundary with no gradients pending, so nothing is lost), at each epoch end, and where a stop
// (time budget, abort) interrupted the run, so that it resumes exactly.
import type { Callback, TrainingRun } from '../callback.js';
import type { EpochRecord, TrainingState } from '../types.js';

export interface CheckpointOptions {
  everySteps?: number | undefined;
  /** Awaited before training goes on; the state's weights are the live variables. */
  save: (state: TrainingState) => Promise<void>;
}

export class Checkpoint implements Callback {
  #savedStep = 0;

  constructor(readonly options: CheckpointOptions) {}

  onTrainBegin(run: TrainingRun): void {
    this.#savedStep = run.step;
  }

  async onBatchBegin(run: TrainingRun): Promise<void> {
    const every = this.options.everySteps;
    if (every && !run.gradientsPending && run.step - this.#savedStep >= every)
      await this.#save(run);
  }

  async onEpochEnd(record: EpochRecord, run: TrainingRun): Promise<void> {
    // A partial epoch's record comes after the checkpoint written at the stop.
    if (record.partialBatches === undefined) await this.#save(run);
  }

  async onInterrupt(run: TrainingRun): Promise<void> {
    await this.#save(run);
  }

  async #save(run: TrainingRun): Promise<void> {
    await this.options.save(run.snapshot());
    this.#savedStep = run.step;
  }
}
