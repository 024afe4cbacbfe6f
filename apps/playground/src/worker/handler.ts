// The worker's logic, without the Worker: each WorkerRequest in, WorkerEvents out through `post`.
// worker.ts wires it to postMessage; tests run it in-process on the cpu backend. It holds one
// task (trained here or loaded from files), one training run at a time, and the try in progress.
import {
  createTask,
  disposeTrainingState,
  formatSpecError,
  type ModelSpec,
  parseSpec,
  type SpecError,
  SpecValidationError,
  type Task,
  type TrainEvent,
  type TrainingState,
  type TrainResult,
  type WebWorker,
  webWorkerThreads,
} from '@recurrent/core';
import '@recurrent/task-classification';
import '@recurrent/task-forecasting';
import '@recurrent/task-generation';
import '@recurrent/task-tagging';
import '@recurrent/task-translation';
import type { CurvePoint, PlaygroundTask, WorkerEvent, WorkerRequest } from '../protocol.js';
import { dataParallelProblem } from '../state/data-parallel.js';
import { Backends, wasmThreads } from './backends.js';
import { type CheckpointStore, checkpointKey, decodeState, storeSink } from './checkpoints.js';
import { isPlaygroundTask, readTrainingData, type TrainingData } from './data.js';
import { Throughput } from './throughput.js';
import { runTry, type Trained, warmUp } from './try.js';
import { yielder } from './yield.js';

export type Post = (event: WorkerEvent) => void;

export interface HandlerOptions {
  store: CheckpointStore;
  backends?: Backends;
  /** Whether the page is cross-origin isolated (reported with the backends). */
  isolated?: boolean;
  now?: () => number;
  /** Starts a data-parallel gradient worker (worker.ts: gradient-worker.ts as a module worker). */
  spawnGradientWorker?: () => WebWorker;
}

/** A spec problem as one message, and the pointer of the first problem for the editor. */
class SpecProblem extends Error {
  constructor(
    readonly errors: readonly SpecError[],
    readonly pointer: string | undefined,
  ) {
    super(`invalid spec: ${errors.map((e) => formatSpecError(e)).join('; ')}`);
  }
}

/** A failure after the run had replaced the model: the worker then holds none (the page is told). */
class ModelDropped extends Error {
  constructor(readonly failure: unknown) {
    super(messageOf(failure));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The spec of an experiment, with its seed when the experiment sets one. */
export function experimentSpec(specText: string, seed: number | undefined): ModelSpec {
  const parsed = parseSpec(specText);
  if (!parsed.ok) throw new SpecProblem(parsed.errors, parsed.errors[0]?.pointer);
  const spec = parsed.spec;
  if (seed !== undefined) spec.training.seed = seed;
  return spec;
}

/** A sample the warm-up can read: the first training input of the task's kind. */
function sampleOf(kind: PlaygroundTask, data: TrainingData): unknown {
  const train = data.train as unknown;
  switch (kind) {
    case 'classification':
      return (train as { texts: string[] }).texts[0];
    case 'generation':
      return (train as string).slice(0, 20);
    case 'translation':
      return (train as { source: string }[])[0]?.source;
    case 'tagging':
      return (train as { tokens: string[][] }).tokens[0];
    case 'forecasting':
      return train;
  }
}

export class Handler {
  readonly #store: CheckpointStore;
  readonly #backends: Backends;
  readonly #isolated: boolean;
  readonly #now: () => number;
  readonly #spawn: (() => WebWorker) | undefined;
  /** WASM's XNNPACK threads, set when wasm first starts in this worker (tfjs reads it once). */
  #wasmThreads: number | undefined;
  #trained: Trained | undefined;
  /** The run in progress: its request id and what stops it. */
  #run: { id: number; controller: AbortController } | undefined;
  /** Whether a model is being opened (a run must not replace it meanwhile, nor it the run's). */
  #opening = false;
  /** Tries in progress: what cancels each, and its end. */
  readonly #tries = new Map<number, { controller: AbortController; done: Promise<unknown> }>();

  constructor(options: HandlerOptions) {
    this.#store = options.store;
    this.#backends = options.backends ?? new Backends();
    this.#isolated = options.isolated ?? false;
    this.#now = options.now ?? (() => performance.now());
    this.#spawn = options.spawnGradientWorker;
  }

  /**
   * Activates the backend. WASM starts on one XNNPACK thread for a data-parallel run (each of its
   * threads has a core already), else on one per core; a later run keeps what it started with.
   */
  async #useBackend(name: string, dataParallel = 1): Promise<string> {
    const one = name === 'wasm' && dataParallel > 1;
    const backend = await this.#backends.use(name, one ? { threads: 1 } : undefined);
    if (backend === 'wasm') this.#wasmThreads ??= one ? 1 : (wasmThreads(this.#isolated) ?? 1);
    return backend;
  }

  /** The task the worker holds (tests). */
  get task(): Task | undefined {
    return this.#trained?.task;
  }

  /** Frees the model's tensors (the worker never needs it; tests do). */
  dispose(): void {
    this.#replace(undefined);
  }

  /** Answers one request; never throws (failures are "error" events with the request's id). */
  async handle(request: WorkerRequest, post: Post): Promise<void> {
    const id = 'id' in request ? request.id : undefined;
    try {
      switch (request.type) {
        case 'backends':
          post({
            type: 'backends',
            backends: await this.#backends.list(),
            isolated: this.#isolated,
          });
          return;
        case 'train':
          await this.#train(request, post);
          return;
        case 'stop':
          if (this.#run?.id === request.id) this.#run.controller.abort();
          return;
        case 'save':
          this.#idle('save the model');
          post({ type: 'saved', id: request.id, files: await this.#current().task.save() });
          return;
        case 'load':
          await this.#load(request, post);
          return;
        case 'try':
          await this.#try(request, post);
          return;
        case 'cancel-try':
          this.#tries.get(request.id)?.controller.abort();
          return;
      }
    } catch (caught) {
      const dropped = caught instanceof ModelDropped;
      const error = dropped ? caught.failure : caught;
      post({
        type: 'error',
        ...(id !== undefined && { id }),
        message: messageOf(error),
        ...(pointerOf(error) !== undefined && { pointer: pointerOf(error) as string }),
        ...(dropped && { modelDropped: true }),
      });
    }
  }

  /** Cancels the tries in progress and waits for their end (before their model is replaced). */
  async #endTries(): Promise<void> {
    const tries = [...this.#tries.values()];
    for (const t of tries) t.controller.abort();
    await Promise.allSettled(tries.map((t) => t.done));
  }

  /** Refuses `what` while a run trains the model (it would read weights mid-update). */
  #idle(what: string): void {
    if (this.#run) throw new Error(`training is in progress: stop it or wait to ${what}`);
    if (this.#opening) throw new Error(`a model is being opened: wait for it to ${what}`);
  }

  #current(): Trained {
    if (!this.#trained) throw new Error('no model yet: train one or open a saved model first');
    return this.#trained;
  }

  #replace(trained: Trained | undefined): void {
    this.#trained?.task.dispose();
    this.#trained = trained;
  }

  async #train(request: Extract<WorkerRequest, { type: 'train' }>, post: Post): Promise<void> {
    this.#idle('train again');
    const controller = new AbortController();
    this.#run = { id: request.id, controller };
    let resume: TrainingState | undefined;
    // The model the worker holds stays until the new one is made and its data read: a run that
    // fails before it starts (spec, backend, data) leaves the page's model usable.
    let task: Task | undefined;
    let installed = false;
    try {
      const { experiment } = request;
      const spec = experimentSpec(experiment.specText, experiment.seed);
      const kind = spec.task;
      if (!isPlaygroundTask(kind)) {
        const message = `the playground has no view for task "${kind}"`;
        throw new SpecProblem([{ kind: 'semantic', pointer: '/task', message }], '/task');
      }
      // No try runs on a backend switched under it (none starts while #run is set).
      await this.#endTries();
      const dataParallel = experiment.dataParallel ?? 1;
      const backend = await this.#useBackend(experiment.backend, dataParallel);
      const refused = dataParallelProblem(this.#isolated, backend, dataParallel);
      if (refused) throw new Error(refused);
      if (dataParallel > 1 && !this.#spawn)
        throw new Error('this worker cannot start gradient workers (no spawnGradientWorker)');
      // The task first: its own spec checks (tagging, forecasting...) come before the data's.
      task = (await createTask(spec, { backend })) as Task;
      const trained = { kind, task } as Trained;
      const source = experiment.data.kind === 'bundled' ? experiment.data.id : experiment.data.name;
      const data = readTrainingData(spec, request.dataText, source);
      const threads = backend === 'wasm' ? this.#wasmThreads : undefined;
      const key = await checkpointKey(experiment, request.dataText, backend, threads, dataParallel);
      const notes = [...data.notes];
      if (dataParallel > 1 && threads !== undefined && threads > 1) {
        notes.push(
          `WASM started with ${threads} threads in this page before: reload the page to run one per data-parallel thread`,
        );
      }
      if (request.resume) {
        const stored = await this.#store.get(key);
        if (stored) {
          resume = decodeState(stored);
          notes.push(
            `resuming from the checkpoint of step ${resume.step} (epoch ${resume.epoch + 1})`,
          );
        } else {
          notes.push('no checkpoint is kept for this experiment: training from the start');
        }
      }
      this.#replace(trained);
      installed = true;
      post({
        type: 'started',
        id: request.id,
        backend,
        task: kind,
        notes,
        threads: dataParallel,
      });
      const epochs = spec.training.epochs;
      const progress = this.#progress(request.id, epochs, post);
      // A resumed run draws its curves from the start: the epochs before the checkpoint first.
      for (const record of resume?.history ?? []) progress({ type: 'epoch', ...record });
      const result: TrainResult = await task.train(data.train, {
        ...(data.validation !== undefined && { validation: data.validation }),
        ...(request.maxTimeMs !== undefined && { maxTimeMs: request.maxTimeMs }),
        signal: controller.signal,
        onProgress: progress,
        checkpoint: storeSink(this.#store, key),
        ...(resume && { resume }),
        ...(dataParallel > 1 &&
          this.#spawn && { parallel: webWorkerThreads(dataParallel, { spawn: this.#spawn }) }),
      });
      const resumable = result.stoppedBy === 'aborted' || result.stoppedBy === 'time-budget';
      // A finished run has nothing to resume: its checkpoint would only take up space.
      if (!resumable) await this.#store.delete(key);
      const evaluation =
        data.validation !== undefined ? await task.evaluate(data.validation as never) : undefined;
      await warmUp(trained, sampleOf(kind, data));
      post({
        type: 'trained',
        id: request.id,
        stoppedBy: result.stoppedBy,
        ...(evaluation !== undefined && { evaluation }),
        checkpointKept: resumable && (await this.#store.get(key)) !== undefined,
      });
    } catch (error) {
      if (!installed) {
        task?.dispose();
        throw error;
      }
      // No half-made model stays behind a failed run: a try says there is no model.
      this.#replace(undefined);
      throw new ModelDropped(error);
    } finally {
      if (resume) disposeTrainingState(resume);
      this.#run = undefined;
    }
  }

  /**
   * onProgress: batch and epoch points, with tokens per second and the time left. What it returns
   * is awaited (core's Progress callback awaits its handlers): a batch now and then yields the
   * event loop a turn, so that a "stop" message reaches the run.
   */
  #progress(
    id: number,
    epochs: number,
    post: Post,
  ): (event: TrainEvent) => Promise<void> | undefined {
    const throughput = new Throughput(this.#now);
    const turn = yielder(this.#now);
    let batchCount: number | undefined;
    return (event) => {
      if (event.type === 'batch') {
        batchCount = event.batchCount;
        throughput.add(event.tokens);
        const done = event.epoch * event.batchCount + event.position;
        const left = epochs * event.batchCount - done;
        const eta = throughput.secondsFor(left);
        const point: CurvePoint = {
          epoch: event.epoch + 1,
          at: event.epoch + event.position / event.batchCount,
          loss: event.loss,
        };
        post({
          type: 'progress',
          id,
          kind: 'batch',
          point,
          tokensPerSecond: throughput.tokensPerSecond(),
          ...(eta !== undefined && { etaSeconds: eta }),
          epochs,
        });
        return turn();
      }
      // An epoch record (epochs count from 0 in core, from 1 on the curves). A record of an epoch
      // cut short by a stop marks where the run stopped.
      const at =
        event.partialBatches !== undefined && batchCount
          ? event.epoch + event.partialBatches / batchCount
          : event.epoch + 1;
      const point: CurvePoint = {
        epoch: event.epoch + 1,
        at,
        loss: event.trainLoss,
        ...(event.validationLoss !== undefined && { validationLoss: event.validationLoss }),
        ...(event.metrics !== undefined && { metrics: event.metrics }),
      };
      post({
        type: 'progress',
        id,
        kind: 'epoch',
        point,
        tokensPerSecond: throughput.tokensPerSecond(),
        epochs,
      });
      return undefined;
    };
  }

  async #load(request: Extract<WorkerRequest, { type: 'load' }>, post: Post): Promise<void> {
    this.#idle('open a model');
    this.#opening = true;
    try {
      await this.#endTries();
      const backend = await this.#useBackend(request.backend);
      const task = (await createTask(request.files, { backend })) as Task;
      if (!isPlaygroundTask(task.task)) {
        task.dispose();
        throw new Error(`model files of task "${task.task}": the playground has no view for it`);
      }
      const trained = { kind: task.task, task } as Trained;
      this.#replace(trained);
      await warmUp(trained);
      post({ type: 'loaded', id: request.id, task: trained.kind, spec: task.spec });
    } finally {
      this.#opening = false;
    }
  }

  async #try(request: Extract<WorkerRequest, { type: 'try' }>, post: Post): Promise<void> {
    this.#idle('try the model');
    const trained = this.#current();
    const controller = new AbortController();
    const started = this.#now();
    const work = runTry(trained, request.input, {
      signal: controller.signal,
      turn: yielder(this.#now),
      onToken: (text) => post({ type: 'try-token', id: request.id, text }),
    });
    this.#tries.set(request.id, { controller, done: work });
    try {
      const output = await work;
      post({ type: 'try-result', id: request.id, output, milliseconds: this.#now() - started });
    } finally {
      this.#tries.delete(request.id);
    }
  }
}

function pointerOf(error: unknown): string | undefined {
  if (error instanceof SpecProblem) return error.pointer;
  if (error instanceof SpecValidationError) return error.errors[0]?.pointer;
  // Tagging's and forecasting's spec errors are TaskErrors listing "  /pointer: problem" lines.
  if (error instanceof Error && error.name.endsWith('SpecError')) {
    return /(?:^|\s)(\/[^\s:]*): /m.exec(error.message)?.[1];
  }
  return undefined;
}
