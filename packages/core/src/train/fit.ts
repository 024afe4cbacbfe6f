// The training loop: epochs of seeded-shuffled batches (or, with carryState, of batches in order
// that continue each other's rows, the recurrent state carried from one to the next), each
// trained by the step (step.ts: gradients, accumulation, clipping, the optimizer), with callbacks
// at every boundary (callback.ts).
// Validation, early stopping that restores the best weights, checkpoints from which a run
// continues exactly, the time budget, an AbortSignal, the divergence guard and progress are
// callbacks built from FitOptions (callbacks/), next to the caller's own. Data and losses come
// from the caller (the task packages), so the loop knows nothing of tokenizers or files.
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/model.js';
import { batchOrder, batchTensors, chunksOf } from './batch.js';
import { type Callback, callHook, type HookArgs, type HookName } from './callback.js';
import { StopOnAbort } from './callbacks/abort.js';
import { Checkpoint, type CheckpointOptions } from './callbacks/checkpoint.js';
import { DivergenceGuard } from './callbacks/divergence-guard.js';
import { EarlyStopping, type EarlyStoppingOptions } from './callbacks/early-stopping.js';
import { Progress } from './callbacks/progress.js';
import { TimeBudget } from './callbacks/time-budget.js';
import type { LrScheduler } from './lr-schedule.js';
import type { Optimizer } from './optimizer-types.js';
import { Run } from './run.js';
import { stateTensors } from './states.js';
import { TrainStep } from './step.js';
import type {
  Batch,
  BatchEvent,
  ChunkLossFunction,
  DataParallel,
  EpochRecord,
  FitResult,
  LossFunction,
  States,
  TrainingData,
  TrainingState,
} from './types.js';
import { type ValidationSettings, validate, validates } from './validation.js';

export interface FitOptions {
  epochs: number;
  optimizer: Optimizer;
  loss: LossFunction;
  /** Seeds shuffling and dropout: the same seed and backend give the same weights. */
  seed: number;
  schedule?: LrScheduler;
  validation?: TrainingData;
  shuffle?: boolean;
  clipNorm?: number;
  clipValue?: number;
  /** Batches (or chunks) whose gradients are summed before each optimizer step. */
  gradientAccumulation?: number;
  /**
   * Truncated BPTT: each batch's sequences are trained in chunks of `steps` time steps, one
   * optimizer step per chunk, the recurrent state carried from chunk to chunk within the batch.
   * Batches need targets [B, T] or [B * T] aligned with the inputs' time axis and no lengths.
   */
  truncatedBptt?: { steps: number; loss: ChunkLossFunction };
  /**
   * Batches that continue each other: row r of batch i + 1 is what follows row r of batch i (a
   * corpus cut into B parallel streams, each batch the next chunk of every stream, as char-rnn
   * trains). Batches then run in order (`shuffle: true` is refused), each starts from the states
   * the previous one ended with, detached (no gradient flows back into the previous batch), and
   * every epoch starts from zero states. `loss` is the loss of such a batch; `FitOptions.loss`
   * then serves only the `validation` batches (each from zero states). The carried states are
   * part of the run's checkpoints, so a resumed run continues exactly. Not with truncatedBptt
   * (cut the batches shorter instead); with `parallel`, each thread gets its rows' states and
   * gives back the states they end with.
   */
  carryState?: { loss: ChunkLossFunction };
  /**
   * Metrics of the model on the validation data after each epoch, recorded in the history. A
   * `loss` among them is the epoch's validation loss, in place of a pass over `validation` (a task
   * that computes its metrics in one pass need not pass `validation` at all).
   */
  validationMetrics?: (model: Model) => Promise<Record<string, number>>;
  /** Early stopping (callbacks/early-stopping.ts); the best weights are restored at the end. */
  earlyStopping?: EarlyStoppingOptions;
  /**
   * Stop cleanly at a batch boundary after this long. An epoch cut short is validated (when there
   * is validation data) and its weights are kept if they are at least as good as the best epoch's.
   */
  maxTimeMs?: number;
  /** Stops the run as the time budget does once aborted (stoppedBy "aborted"; resumable). */
  signal?: AbortSignal;
  /** Milliseconds for the time budget and epoch durations (default `performance.now`). */
  clock?: () => number;
  /** Called every `everySteps` optimizer steps, at each epoch end and at a stop; awaited. */
  checkpoint?: CheckpointOptions;
  resume?: TrainingState;
  onBatchEnd?: (event: BatchEvent) => void;
  onEpochEnd?: (record: EpochRecord) => void;
  /**
   * The caller's callbacks, called in order after onBatchEnd / onEpochEnd above and before the
   * built-in early stopping, checkpoint, time budget and abort callbacks.
   */
  callbacks?: readonly Callback[];
  /**
   * Splits each batch by rows over threads (not with truncatedBptt). The loss must be a mean over
   * rows. Dropout masks then differ from a one-thread run, but a run is still reproducible with
   * the same number of threads. With carryState it must have carriedGradients.
   */
  parallel?: DataParallel;
}

/** The callbacks a run calls, in order: FitOptions' own as built-ins, then the caller's. */
export function fitCallbacks(options: FitOptions): Callback[] {
  const { onBatchEnd, onEpochEnd, earlyStopping, checkpoint, maxTimeMs, signal } = options;
  return [
    new DivergenceGuard(),
    ...(onBatchEnd || onEpochEnd ? [new Progress({ onBatchEnd, onEpochEnd })] : []),
    ...(options.callbacks ?? []),
    ...(earlyStopping ? [new EarlyStopping(earlyStopping)] : []),
    // Before the stops: a checkpoint due at a boundary is written before a stop writes its own.
    ...(checkpoint ? [new Checkpoint(checkpoint)] : []),
    ...(maxTimeMs !== undefined ? [new TimeBudget(maxTimeMs, options.clock)] : []),
    ...(signal ? [new StopOnAbort(signal)] : []),
  ];
}

export async function fit(
  model: Model,
  data: TrainingData,
  options: FitOptions,
): Promise<FitResult> {
  checkOptions(options);
  const loop = new FitLoop(model, data, options);
  try {
    return await loop.run();
  } finally {
    loop.dispose();
  }
}

/** Refuses combinations fit cannot honour, each by name. */
function checkOptions(options: FitOptions): void {
  const { parallel, truncatedBptt, carryState, resume } = options;
  if (parallel && truncatedBptt) {
    throw new Error('fit: parallel (data-parallel threads) does not combine with truncatedBptt');
  }
  if (carryState && truncatedBptt) {
    throw new Error(
      'fit: carryState already starts each batch from the state the previous one ended with; cut the batches shorter instead of truncatedBptt',
    );
  }
  if (carryState && options.shuffle === true) {
    throw new Error(
      'fit: carryState trains batches in order (each continues the rows of the one before); shuffle: true would break the streams',
    );
  }
  if (carryState && parallel && !parallel.carriedGradients) {
    throw new Error(
      "fit: carryState with parallel needs a DataParallel with carriedGradients (each thread carries its rows' states)",
    );
  }
  if (resume?.states && !carryState) {
    throw new Error(
      'fit: the resumed state carries recurrent states (a carryState run), but this run does not carry state',
    );
  }
  if (carryState && resume?.states && resume.position === 0) {
    throw new Error(
      `fit: the resumed state carries recurrent states at the start of epoch ${resume.epoch + 1}, where every epoch starts from zeros`,
    );
  }
  if (carryState && resume && resume.position > 0 && !resume.states) {
    throw new Error(
      `fit: the resumed state stopped at batch ${resume.position} of epoch ${resume.epoch + 1} without the states that batch starts from (written by a run that did not carry state)`,
    );
  }
}

/** Dropout masks from (seed, step, position, unit): reproducible after a restart. */
function dropoutSeed(seed: number, step: number, position: number, unit: number): number {
  return (seed ^ Math.imul(step * 131 + position * 7 + unit + 1, 0x85ebca6b)) >>> 0;
}

/** What a unit counts toward BatchEvent.tokens: its own count, else its targets' size. */
const tokensOf = (unit: Batch): number => unit.tokens ?? unit.targets.size;

class FitLoop {
  readonly #run: Run;
  readonly #step: TrainStep;
  /** Tokens of the units whose gradients are summed and not yet applied (BatchEvent.tokens). */
  #pendingTokens = 0;
  readonly #callbacks: Callback[];
  readonly #validation: ValidationSettings;
  readonly #accumulate: number;

  constructor(
    readonly model: Model,
    readonly data: TrainingData,
    readonly options: FitOptions,
  ) {
    this.#accumulate = options.gradientAccumulation ?? 1;
    this.#callbacks = fitCallbacks(options);
    const settings = {
      epochs: options.epochs,
      batchCount: data.batchCount,
      accumulate: this.#accumulate,
      optimizer: options.optimizer,
      schedule: options.schedule,
      now: options.clock ?? (() => performance.now()),
    };
    this.#run = new Run(model, settings, options.resume);
    const { loss, optimizer, clipNorm, clipValue, parallel, truncatedBptt, carryState } = options;
    const settingsOfStep = { loss, optimizer, clipNorm, clipValue, parallel };
    this.#step = new TrainStep(
      model,
      { ...settingsOfStep, chunkLoss: truncatedBptt?.loss ?? carryState?.loss },
      {
        loss: (value) => this.#hook('onLoss', value),
        gradientNorm: (value) => this.#hook('onGradientNorm', value),
      },
    );
    this.#validation = { data: options.validation, metrics: options.validationMetrics, loss };
  }

  #hook<K extends HookName>(hook: K, ...args: HookArgs<K>): Promise<void> {
    return callHook(this.#callbacks, hook, this.#run, ...args);
  }

  async run(): Promise<FitResult> {
    await this.#hook('onTrainBegin');
    if (await this.#epochs()) await this.#interrupted();
    const result = this.#run.finish();
    await this.#hook('onTrainEnd', result);
    return result;
  }

  dispose(): void {
    this.#step.dispose();
    this.#run.dispose();
  }

  /** Trains the remaining epochs; true when a stop interrupted an epoch. */
  async #epochs(): Promise<boolean> {
    const run = this.#run;
    const shuffle = this.options.shuffle ?? !this.options.carryState;
    for (; run.epoch < run.epochs; run.nextEpoch()) {
      run.beginEpoch();
      await this.#hook('onEpochBegin', run.epoch);
      const order = batchOrder(run.batchCount, this.options.seed, run.epoch, shuffle);
      for (; run.position < run.batchCount; run.position++) {
        await this.#hook('onBatchBegin');
        // A stop waits for summed gradients to be applied: a checkpoint taken with some pending
        // would resume past batches that never trained.
        if (run.stopReason && !run.gradientsPending) return true;
        await this.#batch(
          this.data.batch(order[run.position] as number, { epoch: run.epoch, step: run.step }),
        );
      }
      await this.#endEpoch();
      if (run.stopReason) return false;
    }
    return false;
  }

  /** One batch: its units (the batch, or its chunks) through the step, applied when due. */
  async #batch(batch: Batch): Promise<void> {
    if (this.options.carryState) return this.#carriedBatch(batch);
    const run = this.#run;
    const chunked = this.options.truncatedBptt;
    let units: Batch[] = [];
    let carried: States | undefined;
    try {
      units = chunked ? chunksOf(this.model, batch, chunked.steps) : [batch];
      run.unitsPerBatch = units.length;
      for (const [u, unit] of units.entries()) {
        const seed = dropoutSeed(this.options.seed, run.step, run.position, u);
        const added = await this.#step.add(unit, seed, run.step, carried);
        tf.dispose(stateTensors(carried));
        carried = added.states;
        run.addLoss(added.loss);
        run.gradientsPending = true;
        this.#pendingTokens += tokensOf(unit);
        const endOfEpoch = run.position === run.batchCount - 1 && u === units.length - 1;
        if (this.#step.pendingUnits < this.#accumulate && !endOfEpoch) continue;
        await this.#apply(added.loss);
      }
    } finally {
      tf.dispose([...stateTensors(carried), ...batchTensors(batch)]);
      if (chunked) tf.dispose(units.flatMap(batchTensors));
    }
  }

  /** A batch of a carryState run: from the run's carried states, which it then replaces. */
  async #carriedBatch(batch: Batch): Promise<void> {
    const run = this.#run;
    try {
      const seed = dropoutSeed(this.options.seed, run.step, run.position, 0);
      const added = await this.#step.add(batch, seed, run.step, run.carried);
      run.carry(added.states ?? {});
      run.addLoss(added.loss);
      run.gradientsPending = true;
      this.#pendingTokens += tokensOf(batch);
      const endOfEpoch = run.position === run.batchCount - 1;
      if (this.#step.pendingUnits >= this.#accumulate || endOfEpoch) {
        await this.#apply(added.loss);
      }
    } finally {
      tf.dispose(batchTensors(batch));
    }
  }

  async #apply(loss: number): Promise<void> {
    const run = this.#run;
    const tokens = this.#pendingTokens;
    this.#pendingTokens = 0;
    const lr = run.lr();
    await this.#step.apply(lr);
    run.step++;
    run.gradientsPending = false;
    await this.#hook('onBatchEnd', {
      epoch: run.epoch,
      position: run.position + 1,
      batchCount: run.batchCount,
      step: run.step,
      loss,
      lr,
      tokens,
      seconds: run.epochSeconds(),
    });
  }

  async #endEpoch(): Promise<void> {
    const run = this.#run;
    const record = run.record();
    await validate(this.model, record, this.#validation);
    run.history.push(record);
    this.options.schedule?.endEpoch(record.validationLoss);
    run.endEpoch();
    await this.#hook('onEpochEnd', record);
  }

  /** A stop cut the epoch short: callbacks save where it stopped, then it is validated. */
  async #interrupted(): Promise<void> {
    const run = this.#run;
    // Recorded before the stop's checkpoint is written: its seconds are the epoch's training.
    const trained = run.record();
    await this.#hook('onInterrupt');
    if (run.position === 0 || !validates(this.#validation)) return;
    const record: EpochRecord = { ...trained, partialBatches: run.position };
    await validate(this.model, record, this.#validation);
    run.history.push(record);
    await this.#hook('onEpochEnd', record);
  }
}
