// Callbacks: what a training run calls at its boundaries, as Keras' callbacks. Early stopping,
// checkpoints, the time budget, the abort signal, the divergence guard, progress and the JSON-lines
// log are callbacks written against this interface (callbacks/), so a user's own read the same.
import type { Model } from '../model/model.js';
import type { BatchEvent, EpochRecord, FitResult, StopReason, TrainingState } from './types.js';

/** What a callback sees of a run, and what it can do to it. */
export interface TrainingRun {
  readonly model: Model;
  /** Epochs the run was asked for, and batches per epoch. */
  readonly epochs: number;
  readonly batchCount: number;
  /** The epoch being trained (0-based) and the batches of it done (the next batch's position). */
  readonly epoch: number;
  readonly position: number;
  /** Optimizer steps taken. */
  readonly step: number;
  /** Records of the epochs done, oldest first (an epoch's record is in it by its onEpochEnd). */
  readonly history: readonly EpochRecord[];
  /** Whether gradients are summed but not yet applied (gradient accumulation). */
  readonly gradientsPending: boolean;
  /** The best weights kept so far (early stopping): the run ends on them if set. */
  readonly best: { readonly loss: number; readonly epoch: number } | undefined;
  /** Epochs without improvement (early stopping's count), carried by checkpoints. */
  badEpochs: number;
  /** Copies the current weights as the best, scored `loss` (lower is better) at `epoch`. */
  keepBest(loss: number, epoch: number): void;
  /** Forgets the best weights: the run ends on its current ones. */
  dropBest(): void;
  /** Why the run is stopping, once a callback asked it to. */
  readonly stopReason: StopReason | undefined;
  /**
   * Stops the run at the next batch boundary (from onEpochEnd: after this epoch). A stop before an
   * epoch is done is resumable: onInterrupt is called and a partial epoch is validated.
   */
  stop(reason: StopReason): void;
  /** The state to resume from the next batch to train (weights are the live variables). */
  snapshot(): TrainingState;
}

type Hook<A extends unknown[]> = (...args: [...A, TrainingRun]) => void | Promise<void>;

/**
 * Hooks of a training run, all optional, called in the order the callbacks are given and awaited.
 * A hook that throws ends the run with that error (the last checkpoint stays intact).
 */
export interface Callback {
  onTrainBegin?: Hook<[]>;
  onEpochBegin?: Hook<[epoch: number]>;
  /** Before each batch: a boundary where the run can stop or save (run.position is the batch). */
  onBatchBegin?: Hook<[]>;
  /**
   * Each batch's (or truncated-BPTT chunk's) loss, before its gradients join the step. Throw to
   * refuse it: no weight changes.
   */
  onLoss?: Hook<[loss: number]>;
  /** The total gradient norm of a step, before the optimizer applies it. Throw to refuse it. */
  onGradientNorm?: Hook<[norm: number]>;
  /** After each optimizer step. */
  onBatchEnd?: Hook<[event: BatchEvent]>;
  /**
   * After each epoch, with its record already in the history and validated: a callback may add to
   * `record.metrics` for those after it. A record with `partialBatches` is an epoch cut short by a
   * stop, after onInterrupt.
   */
  onEpochEnd?: Hook<[record: EpochRecord]>;
  /** The run stopped before finishing an epoch: run.snapshot() resumes exactly here. */
  onInterrupt?: Hook<[]>;
  /** The run is done (best weights restored); not called when it fails. */
  onTrainEnd?: Hook<[result: FitResult]>;
}

export type HookName = keyof Callback;
export type HookArgs<K extends HookName> =
  NonNullable<Callback[K]> extends Hook<infer A> ? A : never;

/** Calls one hook of every callback that has it, in order, each awaited before the next. */
export async function callHook<K extends HookName>(
  callbacks: readonly Callback[],
  hook: K,
  run: TrainingRun,
  ...args: HookArgs<K>
): Promise<void> {
  for (const callback of callbacks) {
    const f = callback[hook] as Hook<HookArgs<K>> | undefined;
    if (f) await f.call(callback, ...args, run);
  }
}
