// The task contract: what every task package (classification, generation, translation, tagging,
// forecasting) implements, so that the CLI, the apps and a user's script drive any task the same
// way, in Node, a browser page or a worker. Nothing here touches files or threads: a task saves to
// and loads from in-memory files, and Node's folder IO, file readers and worker threads plug in
// through `/node` entries (core's and each task package's).
//
// Shaped after transformers.js (`pipeline(task)` returns the task's own typed object) and Keras
// (`fit` with progress callbacks), with the awkward parts left out: no untyped kwargs bags, no
// "predict" forced on every task (each names its own inference method), no file paths here.

import type { Model } from '../model/model.js';
import type { ModelSpec } from '../spec/types.generated.js';
import type {
  BatchEvent,
  ChunkLossFunction,
  DataParallel,
  EpochRecord,
  FitResult,
  LossFunction,
  StopReason,
  TrainingState,
} from '../train/types.js';
import type { TextGenerator } from './text-generation.js';

/** A saved model as in-memory files: what `save()` returns and `load()` takes, in any runtime. */
export interface ModelFiles {
  /** Format, spec, sizes, the weights' checksum and the task's metadata (vocabularies, labels). */
  'model.json': string;
  'weights.safetensors': Uint8Array;
}

/**
 * Progress of a training run, in order: each batch, then the epoch's record. Flat objects, so a
 * JSON-lines log is `JSON.stringify(event)` per line.
 */
export type TrainEvent = ({ type: 'batch' } & BatchEvent) | ({ type: 'epoch' } & EpochRecord);

/** Options for creating or loading a task. */
export interface TaskOptions {
  /** Backend plug-in name, or "auto" (default). */
  backend?: string;
}

/** The model and loss a data-parallel worker trains its rows of each batch with. */
export interface TrainingTarget {
  model: Model;
  loss: LossFunction;
  /**
   * For runs that carry the recurrent state from batch to batch (FitOptions.carryState): the loss
   * of the worker's rows from their initial states, returning the states they end with.
   */
  chunkLoss?: ChunkLossFunction;
}

/** A pool of data-parallel workers for one run; disposed by the task when the run ends. */
export interface ParallelRun extends DataParallel {
  dispose(): Promise<void>;
}

/**
 * What a task hands the parallel factory when its run starts: its model (the workers must build
 * the same parameters), its registered name, and a serializable config its plug-in's
 * `trainingTarget` turns back into the model and loss inside each worker.
 */
export interface ParallelSetup {
  model: Model;
  task: string;
  config: unknown;
}

/** Starts the workers of a run (Node: `threads(n)` from `@recurrent/core/node`). */
export type ParallelFactory = (setup: ParallelSetup) => Promise<ParallelRun>;

/** Where checkpoints go (Node: `openCheckpoint` from `@recurrent/core/node` makes one). */
export interface CheckpointSink {
  /** Also save every this many optimizer steps (default: the spec's training.checkpoint). */
  everySteps?: number;
  save(state: TrainingState): Promise<void>;
}

/** Options every task's `train` takes. */
export interface TaskTrainOptions<TData = unknown> {
  /** Data to validate on after each epoch (default: the task's own choice, e.g. none). */
  validation?: TData;
  /** Overrides `training.epochs`. */
  epochs?: number;
  /** Stop cleanly at a batch boundary after this long; the run can be resumed. */
  maxTimeMs?: number;
  /** Aborting stops at the next batch boundary, as the time budget does (checkpoint, resumable). */
  signal?: AbortSignal;
  onProgress?: (event: TrainEvent) => void;
  checkpoint?: CheckpointSink;
  /** Continue a run from its checkpoint: the same spec and data, and the state loaded back. */
  resume?: TrainingState;
  /** Data-parallel workers (Node: `threads(n)` from `@recurrent/core/node`). */
  parallel?: ParallelFactory;
}

/** Why a run ended: all epochs, early stopping, the time budget, or the AbortSignal. */
export type TrainStopReason = StopReason;

export interface TrainResult extends Omit<FitResult, 'stoppedBy'> {
  stoppedBy: TrainStopReason;
}

/** One task: a model, what it needs to read its data (vocabularies, labels), and its tools. */
export interface Task<TData = unknown, TEvaluation = unknown> {
  /** The spec's task name: "classification", "generation", ... */
  readonly task: string;
  readonly spec: ModelSpec;
  /** Trains on `data` (building vocabularies and labels from it the first time). */
  train(data: TData, options?: TaskTrainOptions<TData>): Promise<TrainResult>;
  evaluate(data: TData): Promise<TEvaluation>;
  /** The model as in-memory files, with `metadata` (e.g. the training history) in model.json. */
  save(metadata?: Record<string, unknown>): Promise<ModelFiles>;
  /** Frees the model's tensors. */
  dispose(): void;
}

/** The data a task trains and evaluates on. */
export type TaskData<T> = T extends Task<infer D, unknown> ? D : never;
/** What a task's `evaluate` returns. */
export type TaskEvaluation<T> = T extends Task<unknown, infer E> ? E : never;

/**
 * Task types by name. Each task package adds its own, so `createTask` returns the task's type
 * without a cast:
 *
 *   declare module '@recurrent/core' {
 *     interface TaskTypes { classification: ClassificationTask }
 *   }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in task packages
export interface TaskTypes {}

/** The names of the tasks whose packages are installed (as far as the types know). */
export type TaskName = keyof TaskTypes & string;

/** Any registered task: the union of the installed task types (`Task` when none is). */
export type AnyTask = [TaskName] extends [never] ? Task : TaskTypes[TaskName];

/** A command of the `recurrent` CLI that reads data for a task. */
export type TaskCommand = 'train' | 'eval' | 'predict';

/**
 * An option a task adds to CLI commands (e.g. classification's `--val`, `--text-column`). The CLI
 * offers the options of every installed task and refuses one by name for a task that does not
 * declare it, instead of ignoring it.
 */
export interface TaskOption {
  /** The long name without dashes, in kebab case: "val", "text-column". */
  name: string;
  /** Commander-style flags: "--val <file>", "--text-column <name|index>". */
  flags: string;
  description: string;
  commands: readonly TaskCommand[];
}

/** What a task reads from the command line: its data formats and its own options. */
export interface TaskCommandLine {
  /** What `--data` holds, for help and errors: "a labelled TSV, CSV or JSONL file". */
  data: string;
  /**
   * Task options that give the data in place of `--data` (translation: "source", "target",
   * parallel files): with one of them given, `--data` may be left out and the readers get an
   * empty `path`. Absent: `--data` is required.
   */
  dataOptions?: readonly string[];
  /** File formats its readers take ("tsv", "csv", "jsonl", "text"...). */
  formats: readonly string[];
  options: readonly TaskOption[];
}

/** Values of the task options given on the command line, by `TaskOption.name`. */
export type TaskOptionValues = Readonly<Record<string, string | undefined>>;

/**
 * Node-only parts of a plug-in, added by the task package's `/node` entry: reading its data files
 * and reporting for the CLI. Types only here; the code (which imports node:fs) stays in `/node`.
 */
export interface TaskNodeSupport<T extends Task = Task> {
  /**
   * Training data from `--data` (and validation data: from a task option such as `--val`, or a
   * split the task chooses). `notes` say what was read and how it was split, for the user.
   * `path` is "" when one of the task's `dataOptions` was given instead of `--data`.
   */
  /**
   * `recurrent train`: the spec with the task's train options applied where they override spec
   * fields (forecasting: `--target` and `--features` replace `forecasting.targets` / `features`),
   * called before the data is read and the task created; what it returns is the spec the run uses
   * (checkpoint identity, `readTrainingData`, `createTask`, the saved model). It refuses values
   * that cannot apply (a TaskError naming the option); absent: the spec file is used as read.
   */
  specFromOptions?(spec: ModelSpec, options: TaskOptionValues): ModelSpec;
  readTrainingData(
    path: string,
    options: TaskOptionValues,
    spec: ModelSpec,
  ): Promise<{ train: TaskData<T>; validation?: TaskData<T>; notes: string[] }>;
  /**
   * Evaluation data from `--data` ("" when the task's `dataOptions` give it instead), for `task`
   * when given (the loaded model: e.g. a tagger reads the columns it was trained on).
   */
  readEvaluationData(path: string, options: TaskOptionValues, task?: T): Promise<TaskData<T>>;
  /**
   * `recurrent eval`: the evaluation with the task's eval options (translation: `--beam`);
   * absent: `task.evaluate(data)`.
   */
  evaluate?(task: T, data: TaskData<T>, options: TaskOptionValues): Promise<TaskEvaluation<T>>;
  /**
   * A fingerprint of training data for a checkpoint's identity: the same data gives the same
   * string (default: its JSON). Large data may return a digest of its own.
   */
  fingerprint?(data: { train: TaskData<T>; validation?: TaskData<T> }): string;
  /** Lines reporting an evaluation (the CLI prints JSON itself with --json). */
  describeEvaluation(evaluation: TaskEvaluation<T>): string[];
  /** The words after "epoch n/N: loss x, validation loss y" of an epoch line, e.g. accuracy. */
  describeMetrics?(record: EpochRecord): string;
  /** `recurrent predict`: one output line per input (JSON when `json`); absent: not offered. */
  predict?(task: T, inputs: readonly string[], options: { json: boolean }): Promise<string[]>;
}

/**
 * A task package's plug-in. Register it once (importing the package does); `createTask` then builds
 * the task from a spec or loads it from files, typed by `TaskTypes`.
 */
export interface TaskPlugin<K extends string = string, T extends Task = Task> {
  /** The spec's task name: "classification", "generation", ... */
  readonly name: K;
  readonly aliases?: readonly string[];
  /**
   * URL of a module that registers this plug-in when imported (the package entry's
   * `import.meta.url`): data-parallel worker threads import it to find `trainingTarget`. Empty
   * where the runtime gives none (a classic-script bundle): such a task trains on one thread.
   */
  readonly module: string;
  /** An untrained task from a valid spec of this task (createTask validated it). */
  create(spec: ModelSpec, options: TaskOptions): T | Promise<T>;
  /** A trained task from files written by its `save()`. */
  load(files: ModelFiles, options: TaskOptions): Promise<T>;
  /**
   * In a data-parallel worker: the model and loss from the config the task passed as
   * `ParallelSetup.config`. Absent: the task does not train on several threads.
   */
  trainingTarget?(config: unknown, options: TaskOptions): Promise<TrainingTarget>;
  /** Its data formats and CLI options. */
  readonly commandLine?: TaskCommandLine;
  /**
   * The task's text generation from a prompt (`recurrent generate`, the apps); absent: the task
   * generates no text that way.
   */
  generator?(task: T): TextGenerator;
  /** File reading and reports for Node and the CLI (set by the package's `/node` entry). */
  readonly node?: TaskNodeSupport<T>;
}
