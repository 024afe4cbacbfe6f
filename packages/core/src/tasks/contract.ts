// The task contract: what every task package (classification, generation, translation, tagging,
// forecasting) implements, so that the CLI, the apps and a user's script drive any task the same
// way, in Node, a browser page or a worker. Nothing here touches files or threads: a task saves to
// and loads from in-memory files, and Node's folder IO and worker threads wrap it in `/node`.
//
// Shaped after transformers.js (`pipeline(task)` returns the task's own typed object) and Keras
// (`fit` with callbacks and progress), with the awkward parts left out: no untyped kwargs bags, no
// separate "predict" for every task (each names its own inference method), no file paths here.

import type { ModelSpec } from '../spec/types.generated.js';
import type {
  BatchEvent,
  DataParallel,
  EpochRecord,
  FitResult,
  TrainingState,
} from '../train/types.js';

/** A saved model as in-memory files: what `save()` returns and `load()` takes, in any runtime. */
export interface ModelFiles {
  /** Format, spec, sizes, the weights' checksum and the task's metadata (vocabularies, labels). */
  'model.json': string;
  'weights.safetensors': Uint8Array;
}

/** Progress of a training run, in order: batches within an epoch, then the epoch's record. */
export type TrainEvent = ({ type: 'batch' } & BatchEvent) | { type: 'epoch'; record: EpochRecord };

/** A pool of data-parallel workers for one run (Node: `@recurrent/core/node`'s `threads(n)`). */
export interface ParallelRun extends DataParallel {
  dispose(): Promise<void>;
}

/**
 * What a task's workers need to rebuild its model and loss: the task's name and a serializable
 * config its plug-in's `trainingTarget` understands.
 */
export interface ParallelSetup {
  task: string;
  backend: string;
  config: unknown;
}

/** Starts the workers of a run, or says why it cannot. */
export type ParallelFactory = (setup: ParallelSetup) => Promise<ParallelRun>;

/** Options every task's `train` takes (a task may add its own, e.g. classification's validation). */
export interface TaskTrainOptions {
  /** Overrides `training.epochs`. */
  epochs?: number;
  /** Stop cleanly at a batch boundary after this long; the run can be resumed. */
  maxTimeMs?: number;
  /** Aborting stops at the next batch boundary, as the time budget does (checkpoint, resumable). */
  signal?: AbortSignal;
  onProgress?: (event: TrainEvent) => void;
  /** Checkpoints of the run (see fit); `resume` continues one with the same spec and data. */
  checkpoint?: { everySteps?: number; save: (state: TrainingState) => Promise<void> };
  resume?: TrainingState;
  /** Data-parallel workers (Node: `threads(n)` from `@recurrent/core/node`). */
  parallel?: ParallelFactory;
}

/** One task: a model, what it needs to read its data (vocabularies, labels), and its tools. */
export interface Task<TData = unknown, TEvaluation = unknown> {
  /** The spec's task name: "classification", "generation", ... */
  readonly task: string;
  readonly spec: ModelSpec;
  /** Trains on `data` (building vocabularies and labels from it the first time). */
  train(data: TData, options?: TaskTrainOptions): Promise<FitResult>;
  evaluate(data: TData): Promise<TEvaluation>;
  /** The model as in-memory files, with `metadata` (e.g. the training history) in model.json. */
  save(metadata?: Record<string, unknown>): Promise<ModelFiles>;
  /** Frees the model's tensors. */
  dispose(): void;
}

/**
 * Task types by name. Each task package adds its own, so `createTask` returns the task's type:
 *
 *   declare module '@recurrent/core' {
 *     interface TaskTypes { classification: ClassificationTask }
 *   }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in task packages
export interface TaskTypes {}
