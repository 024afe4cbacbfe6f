// The one mapping from a spec's `training` block (and a task's run options) to core's fit: every
// task trains through here, so epochs, optimizer, schedule, clipping, accumulation, early
// stopping, checkpoints, resume, the time budget, the abort signal, progress events and
// data-parallel threads mean the same for all of them.
import type { Model } from '../model/model.js';
import type { ModelSpec } from '../spec/types.generated.js';
import { createOptimizer } from '../train/create-optimizer.js';
import { type FitOptions, fit } from '../train/fit.js';
import { LrScheduler } from '../train/lr-schedule.js';
import type { Optimizer } from '../train/optimizer-types.js';
import type {
  ChunkLossFunction,
  DataParallel,
  LossFunction,
  TrainingData,
} from '../train/types.js';
import type { ParallelRun, TaskTrainOptions, TrainResult } from './contract.js';
import { TaskError } from './registry.js';

/** What the task itself brings to a run: its loss, validation and (optionally) worker setup. */
export interface TaskRun {
  spec: ModelSpec;
  /** The task's loss for one batch (a mean over rows when it trains on several threads). */
  loss: LossFunction;
  /** Validation batches whose mean loss is the epoch's validation loss. */
  validation?: TrainingData;
  /** Validation metrics in one pass (a `loss` among them is the validation loss). */
  validationMetrics?: FitOptions['validationMetrics'];
  /** The chunk loss for training.truncatedBptt (tasks that train in chunks). */
  chunkLoss?: ChunkLossFunction;
  /**
   * The data's batches continue each other's rows (parallel streams): fit carries the recurrent
   * state from batch to batch with this loss (FitOptions.carryState).
   */
  carryState?: { loss: ChunkLossFunction };
  /** For data-parallel workers: the registered task name and its trainingTarget config. */
  parallel?: { task: string; config: unknown };
}

/** The engine parts of a run: made from the spec, owned (and disposed) by whoever made them. */
export interface RunEngine {
  optimizer: Optimizer;
  schedule: LrScheduler;
  parallel?: DataParallel;
}

/** The optimizer and learning-rate schedule `spec.training` names (dispose the optimizer). */
export function runEngine(spec: ModelSpec): RunEngine {
  const optimizer = createOptimizer(spec.training.optimizer);
  return { optimizer, schedule: new LrScheduler(spec.training.lrSchedule, optimizer.lr) };
}

/** FitOptions for `run.spec` and the caller's run options. */
export function fitOptionsFromSpec(
  run: TaskRun,
  options: Omit<TaskTrainOptions, 'parallel' | 'validation'>,
  engine: RunEngine,
): FitOptions {
  const t = run.spec.training;
  if (t.truncatedBptt !== undefined && !run.chunkLoss) {
    throw new TaskError(
      `training.truncatedBptt: the ${run.spec.task} task does not train in chunks; remove it`,
    );
  }
  const everySteps = options.checkpoint?.everySteps ?? t.checkpoint?.everySteps;
  const onProgress = options.onProgress;
  const fitOptions: FitOptions = {
    epochs: options.epochs ?? t.epochs,
    optimizer: engine.optimizer,
    schedule: engine.schedule,
    ...(engine.parallel && engine.parallel.threads > 1 ? { parallel: engine.parallel } : {}),
    loss: run.loss,
    seed: t.seed,
    gradientAccumulation: t.gradientAccumulation,
    ...(t.clipNorm !== undefined ? { clipNorm: t.clipNorm } : {}),
    ...(t.clipValue !== undefined ? { clipValue: t.clipValue } : {}),
    ...(t.truncatedBptt !== undefined && run.chunkLoss
      ? { truncatedBptt: { steps: t.truncatedBptt, loss: run.chunkLoss } }
      : {}),
    ...(run.carryState ? { carryState: run.carryState } : {}),
    ...(run.validation ? { validation: run.validation } : {}),
    ...(run.validationMetrics ? { validationMetrics: run.validationMetrics } : {}),
    ...(t.earlyStopping
      ? {
          earlyStopping: {
            patience: t.earlyStopping.patience,
            minDelta: t.earlyStopping.minDelta,
            monitor: t.earlyStopping.monitor,
          },
        }
      : {}),
    ...(options.checkpoint
      ? {
          checkpoint: {
            ...(everySteps !== undefined ? { everySteps } : {}),
            save: options.checkpoint.save,
          },
        }
      : {}),
    ...(options.resume ? { resume: options.resume } : {}),
    ...(onProgress
      ? {
          onBatchEnd: (event) => onProgress({ type: 'batch', ...event }),
          onEpochEnd: (record) => onProgress({ type: 'epoch', ...record }),
        }
      : {}),
  };
  // An aborted signal stops at the next batch boundary, as the time budget does (checkpoint
  // written, resumable; stoppedBy "aborted").
  if (options.maxTimeMs !== undefined) fitOptions.maxTimeMs = options.maxTimeMs;
  if (options.signal) fitOptions.signal = options.signal;
  return fitOptions;
}

/**
 * Trains `model` on `data` as `run.spec` says, with the caller's run options (TaskTrainOptions):
 * the task packages' `train` ends here.
 */
export async function trainWithSpec(
  model: Model,
  data: TrainingData,
  run: TaskRun,
  options: Omit<TaskTrainOptions, 'validation'> = {},
): Promise<TrainResult> {
  if (options.parallel && !run.parallel) {
    throw new TaskError(`the ${run.spec.task} task does not train on several threads`);
  }
  const engine = runEngine(run.spec);
  const { optimizer } = engine;
  let parallel: ParallelRun | undefined;
  try {
    if (options.parallel && run.parallel) {
      parallel = await options.parallel({ model, ...run.parallel });
    }
    const fitOptions = fitOptionsFromSpec(run, options, {
      ...engine,
      ...(parallel ? { parallel } : {}),
    });
    return await fit(model, data, fitOptions);
  } finally {
    optimizer.dispose();
    await parallel?.dispose();
  }
}
