// The vocabulary of training shared by fit, its step, its callbacks, checkpoints and data
// parallelism: batches and data, losses, the state a run resumes from, and what a run reports.
import type * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../init/random.js';
import type { Parameter, RecurrentState } from '../layers/layer.js';
import type { ModelInputs } from '../model/inputs.js';
import type { Model } from '../model/model.js';
import type { LrScheduler } from './lr-schedule.js';
import type { OptimizerState } from './optimizer-types.js';

export interface Batch {
  /** The model's named inputs (`model.inputs`), e.g. `{ tokens, lengths }`. */
  inputs: ModelInputs;
  targets: tf.Tensor;
  /** Tokens in the batch, for throughput (default: the size of `targets`). */
  tokens?: number;
  /**
   * What each row weighs in the batch's loss, for losses that are means over something other than
   * rows (translation's mean over target tokens: each row's target length). Data-parallel training
   * weights each part's gradient by its rows' share of the total, so the combined gradient is the
   * whole batch's. Absent: rows weigh the same.
   */
  rowWeights?: readonly number[];
}

/** Where a run is when it asks for a batch: data that changes as training goes (scheduled sampling). */
export interface BatchPosition {
  /** 0-based epoch. */
  epoch: number;
  /** Optimizer steps taken before this batch. */
  step: number;
}

export interface TrainingData {
  readonly batchCount: number;
  /**
   * Batch `index` (0 ≤ index < batchCount). fit disposes its tensors after use. While training,
   * fit says where the run is (`at`), so a batch may depend on it (a teacher-forcing schedule) and
   * a resumed run gets the same batches; validation passes none.
   */
  batch(index: number, at?: BatchPosition): Batch;
}

/**
 * The task's loss for one batch. `random` is given while training (dropout on, its masks drawn from
 * it) and undefined for validation (dropout off).
 */
export type LossFunction = (model: Model, batch: Batch, random: Random | undefined) => tf.Scalar;

export type States = Record<string, RecurrentState>;

/**
 * For truncated backpropagation through time: the loss of one chunk of a batch, started from the
 * states the previous chunk ended with (none for a batch's first chunk), and the states it ends
 * with, which the next chunk starts from without gradients flowing back into this one.
 */
export type ChunkLossFunction = (
  model: Model,
  chunk: Batch,
  random: Random,
  initialState: States | undefined,
) => { loss: tf.Scalar; states: States };

export interface BatchGradients {
  loss: number;
  grads: Map<Parameter, tf.Tensor>;
}

/**
 * The loss of some rows of a batch from their initial states (none: zeros), and the states those
 * rows end with: a ChunkLossFunction with the model bound, as a data-parallel part computes it.
 */
export type CarriedLoss = (
  part: Batch,
  random: Random,
  initialState: States | undefined,
) => { loss: tf.Scalar; states: States };

/**
 * Computes each batch's loss and gradients over several threads (GradientWorkers in
 * `@recurrent/core/node`). `local` is this thread's share: the loss of some rows of the batch.
 */
export interface DataParallel {
  readonly threads: number;
  gradients(
    batch: Batch,
    seed: number,
    step: number,
    local: (part: Batch, random: Random) => tf.Scalar,
  ): Promise<BatchGradients>;
  /**
   * For runs that carry the state (FitOptions.carryState): as `gradients`, each part starting
   * from its rows of `initialState` (rows on axis 1 of each state), and the final states of the
   * whole batch gathered back from the parts, rows in order. Absent: this DataParallel cannot
   * carry state, and fit refuses the combination.
   */
  carriedGradients?(
    batch: Batch,
    seed: number,
    step: number,
    initialState: States | undefined,
    local: CarriedLoss,
  ): Promise<BatchGradients & { states: States }>;
}

/** Everything a run needs to continue exactly where it was saved. */
export interface TrainingState {
  /** Epoch and batch position of the next batch to train. */
  epoch: number;
  position: number;
  /** Optimizer steps taken. */
  step: number;
  weights: Map<string, tf.Tensor>;
  optimizer: OptimizerState;
  schedule?: ReturnType<LrScheduler['state']>;
  best?: { loss: number; epoch: number; weights: Map<string, tf.Tensor> };
  badEpochs: number;
  history: EpochRecord[];
  /**
   * With FitOptions.carryState, mid-epoch: the recurrent states the next batch starts from (the
   * states the last trained batch ended with). Absent at an epoch boundary (epochs start from
   * zero states) and in runs that do not carry state. In a run's snapshot these are the run's
   * own tensors, as `weights` are the live variables: save them before training goes on.
   */
  states?: States;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validationLoss?: number;
  /** What validationMetrics reported for this epoch (accuracy, f1, bleu, ...). */
  metrics?: Record<string, number>;
  lr: number;
  seconds: number;
  /**
   * Set on the record of an epoch cut short by a stop (time budget, abort): the batches it
   * trained. Such a record is made after the checkpoint (a resumed run never sees it) so that the
   * weights the run ends on can be chosen by validation: they compete with the best full epoch.
   */
  partialBatches?: number;
}

/** After each optimizer step. */
export interface BatchEvent {
  epoch: number;
  /** Batches of the epoch done (1-based position of the batch that ended with this step). */
  position: number;
  batchCount: number;
  step: number;
  loss: number;
  lr: number;
  /** Tokens of every unit this step applied (all of a gradientAccumulation step's batches). */
  tokens: number;
  /**
   * Seconds of training in this epoch so far, from its start (or from the resume within it), as
   * its EpochRecord's `seconds`: what a speed is measured over, without the run's setup before
   * the first batch or the validation after the last.
   */
  seconds: number;
}

/**
 * Why a run ended: its epochs were done, early stopping, the time budget, its AbortSignal, or a
 * callback's stop().
 */
export type StopReason = 'epochs' | 'early-stopping' | 'time-budget' | 'aborted' | 'callback';

export interface FitResult {
  history: EpochRecord[];
  stoppedBy: StopReason;
  step: number;
  bestEpoch?: number;
}
