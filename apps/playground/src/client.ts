// The page's side of the training worker: one typed method per request of protocol.ts, each a
// promise settled by the worker's answer to its id. The worker does the work; this only keeps
// track of which answer belongs to which call, so views never touch postMessage.
import type { ModelFiles } from '@recurrent/core';
import type {
  BackendChoice,
  Experiment,
  PlaygroundTask,
  TryInput,
  TryOutput,
  WorkerEvent,
  WorkerRequest,
} from './protocol.js';

/** What the client needs of a Worker (a real one, or an in-process stand-in in tests). */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerEvent>) => void): void;
  terminate?(): void;
}

/** The training worker of the page, as a module worker (Vite bundles it as its own chunk). */
export function createPlaygroundWorker(): Worker {
  return new Worker(new URL('./worker/worker.ts', import.meta.url), {
    type: 'module',
    name: 'recurrent-training',
  });
}

/** A failure the worker reported; `pointer` marks a spec problem for the editor. */
export class PlaygroundError extends Error {
  override name = 'PlaygroundError';
  readonly pointer: string | undefined;
  /** The failed run had replaced the model: the worker holds none now. */
  readonly modelDropped: boolean;
  constructor(message: string, pointer?: string, modelDropped = false) {
    super(message);
    this.pointer = pointer;
    this.modelDropped = modelDropped;
  }
}

export type StartedEvent = Extract<WorkerEvent, { type: 'started' }>;
export type ProgressEvent = Extract<WorkerEvent, { type: 'progress' }>;
export type TrainedEvent = Extract<WorkerEvent, { type: 'trained' }>;
/** The events of a run before it ends, in order: started, then progress (batch and epoch). */
export type TrainEvent = StartedEvent | ProgressEvent;

export interface TrainRequest {
  experiment: Experiment;
  /** The dataset's text (fetch a bundled one with `datasetText`). */
  dataText: string;
  /** Continue from the checkpoint kept in IndexedDB for this experiment, if any. */
  resume: boolean;
  maxTimeMs?: number;
}

export interface BackendList {
  backends: BackendChoice[];
  /** Whether the page is cross-origin isolated (WASM threads need it). */
  isolated: boolean;
}

export interface TryResult {
  output: TryOutput;
  milliseconds: number;
}

export interface LoadedModel {
  task: PlaygroundTask;
  spec: unknown;
}

interface Pending {
  resolve(event: WorkerEvent): void;
  reject(error: Error): void;
  /** Events before the answer (train: started/progress; try: try-token). */
  onEvent?(event: WorkerEvent): void;
  /** The event type that settles the call. */
  answer: WorkerEvent['type'];
}

export class PlaygroundClient {
  readonly #worker: WorkerLike;
  readonly #pending = new Map<number, Pending>();
  #backendWaiters: { resolve(list: BackendList): void; reject(error: Error): void }[] = [];
  #nextId = 1;
  #trainId: number | undefined;
  /** The run in progress (or waiting for the previous one to end). */
  #running: Promise<TrainedEvent> | undefined;
  #stopBeforeStart: number | undefined;
  #disposed = false;
  #tryId: number | undefined;
  /** Errors the worker reports with no request id (e.g. a failure while listing backends). */
  onError: ((error: PlaygroundError) => void) | undefined;

  constructor(worker: WorkerLike = createPlaygroundWorker()) {
    this.#worker = worker;
    worker.addEventListener('message', (event) => this.#receive(event.data));
  }

  /** The backends the worker can run, with why an unavailable one is unavailable. */
  backends(): Promise<BackendList> {
    return new Promise((resolve, reject) => {
      this.#backendWaiters.push({ resolve, reject });
      this.#worker.postMessage({ type: 'backends' });
    });
  }

  /**
   * Trains the experiment in the worker; `onEvent` sees "started" and each "progress" event. Settles
   * with the "trained" event (also after `stop()`, with stoppedBy "aborted"), or rejects with a
   * PlaygroundError. One run at a time: a new one stops the previous and starts when it has ended.
   */
  train(request: TrainRequest, onEvent?: (event: TrainEvent) => void): Promise<TrainedEvent> {
    const previous = this.#running;
    if (previous) this.stop();
    const id = this.#id();
    this.#trainId = id;
    const message: WorkerRequest = {
      type: 'train',
      id,
      experiment: request.experiment,
      dataText: request.dataText,
      resume: request.resume,
      ...(request.maxTimeMs !== undefined ? { maxTimeMs: request.maxTimeMs } : {}),
    };
    const send = () => {
      if (this.#disposed) throw new PlaygroundError('the playground worker was closed');
      const answer = this.#request<TrainedEvent>(
        id,
        message,
        'trained',
        onEvent as Pending['onEvent'],
      );
      // stop() before the request was sent: the worker could not have matched it to the run.
      if (this.#stopBeforeStart === id) this.#worker.postMessage({ type: 'stop', id });
      return answer;
    };
    const ignore = () => undefined;
    const run = previous ? previous.then(ignore, ignore).then(send) : send();
    this.#running = run;
    const clear = () => {
      if (this.#running === run) this.#running = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  /** Stops the current run at the next batch boundary (it checkpoints; resumable). */
  stop(): void {
    const id = this.#trainId;
    if (id === undefined) return;
    if (this.#pending.has(id)) this.#worker.postMessage({ type: 'stop', id });
    else this.#stopBeforeStart = id;
  }

  /** Whether a run is in progress. */
  get training(): boolean {
    return this.#trainId !== undefined;
  }

  /**
   * Runs the trained (or loaded) model on `input`. Generation streams its text piece by piece to
   * `onToken` before the result arrives.
   */
  async tryModel(input: TryInput, onToken?: (text: string) => void): Promise<TryResult> {
    const id = this.#id();
    this.#tryId = id;
    const onEvent = onToken
      ? (event: WorkerEvent) => {
          if (event.type === 'try-token') onToken(event.text);
        }
      : undefined;
    const event = await this.#request<Extract<WorkerEvent, { type: 'try-result' }>>(
      id,
      { type: 'try', id, input },
      'try-result',
      onEvent,
    );
    return { output: event.output, milliseconds: event.milliseconds };
  }

  /** Ends a streaming try early; its promise settles with the text so far. */
  cancelTry(): void {
    if (this.#tryId !== undefined)
      this.#worker.postMessage({ type: 'cancel-try', id: this.#tryId });
  }

  /** The model as its two files (model.json and weights.safetensors), as the CLI writes them. */
  async save(): Promise<ModelFiles> {
    const id = this.#id();
    const event = await this.#request<Extract<WorkerEvent, { type: 'saved' }>>(
      id,
      { type: 'save', id },
      'saved',
    );
    return event.files;
  }

  /** Opens a saved model (from the page or `recurrent train`) on `backend` ("auto" by default). */
  async load(files: ModelFiles, backend = 'auto'): Promise<LoadedModel> {
    const id = this.#id();
    const event = await this.#request<Extract<WorkerEvent, { type: 'loaded' }>>(
      id,
      { type: 'load', id, files, backend },
      'loaded',
    );
    return { task: event.task, spec: event.spec };
  }

  /** Ends the worker; pending calls reject. */
  dispose(): void {
    this.#disposed = true;
    this.#worker.terminate?.();
    const error = new PlaygroundError('the playground worker was closed');
    for (const pending of this.#pending.values()) pending.reject(error);
    for (const waiter of this.#backendWaiters) waiter.reject(error);
    this.#pending.clear();
    this.#backendWaiters = [];
  }

  #id(): number {
    return this.#nextId++;
  }

  #request<E extends WorkerEvent>(
    id: number,
    message: WorkerRequest,
    answer: WorkerEvent['type'],
    onEvent?: Pending['onEvent'],
  ): Promise<E> {
    return new Promise<E>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: resolve as (event: WorkerEvent) => void,
        reject,
        answer,
        ...(onEvent ? { onEvent } : {}),
      });
      this.#worker.postMessage(message);
    });
  }

  #receive(event: WorkerEvent): void {
    if (event.type === 'backends') {
      const waiters = this.#backendWaiters;
      this.#backendWaiters = [];
      for (const waiter of waiters)
        waiter.resolve({ backends: event.backends, isolated: event.isolated });
      return;
    }
    if (event.type === 'error' && event.id === undefined) {
      const error = new PlaygroundError(event.message, event.pointer);
      const waiters = this.#backendWaiters;
      this.#backendWaiters = [];
      for (const waiter of waiters) waiter.reject(error);
      if (waiters.length === 0) this.onError?.(error);
      return;
    }
    const pending = this.#pending.get(event.id as number);
    if (!pending) return; // an answer to a call already settled (e.g. after dispose)
    if (event.type === 'error') {
      this.#settle(event.id as number);
      pending.reject(
        new PlaygroundError(event.message, event.pointer, event.modelDropped === true),
      );
    } else if (event.type === pending.answer) {
      this.#settle(event.id);
      pending.resolve(event);
    } else {
      pending.onEvent?.(event);
    }
  }

  #settle(id: number): void {
    this.#pending.delete(id);
    if (this.#trainId === id) this.#trainId = undefined;
    if (this.#tryId === id) this.#tryId = undefined;
  }
}

/** One bundled dataset, as public/data/index.json lists it. */
export interface BundledDataset {
  id: string;
  task: PlaygroundTask;
  title: string;
  /** File name under data/. */
  file: string;
  /** "tsv" (text<TAB>label), "text", "pairs" (source<TAB>target), "conllu", "csv" (series). */
  format: string;
  /** Where it comes from and under which licence, one line. */
  licence: string;
  /** A line on what it holds (sizes). */
  description?: string;
}

/** The base URL of the bundled data (Vite's base, so it works under a sub-path). */
function dataUrl(file: string): string {
  const base = (import.meta as { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
  return `${base}data/${file}`;
}

/** The bundled datasets (public/data/index.json). */
export async function bundledDatasets(): Promise<BundledDataset[]> {
  const response = await fetch(dataUrl('index.json'));
  if (!response.ok) throw new PlaygroundError(`data/index.json: HTTP ${response.status}`);
  return (await response.json()) as BundledDataset[];
}

/** The text of a bundled dataset, for TrainRequest.dataText. */
export async function datasetText(dataset: Pick<BundledDataset, 'file'>): Promise<string> {
  const response = await fetch(dataUrl(dataset.file));
  if (!response.ok) throw new PlaygroundError(`data/${dataset.file}: HTTP ${response.status}`);
  return response.text();
}

/**
 * Model files from files the user picked (two files, or a folder made by `recurrent train` with
 * `webkitdirectory`): model.json and weights.safetensors by name, wherever they sit in the folder.
 */
export async function modelFilesFrom(files: Iterable<File>): Promise<ModelFiles> {
  let json: File | undefined;
  let weights: File | undefined;
  for (const file of files) {
    if (file.name === 'model.json') json = file;
    else if (file.name === 'weights.safetensors') weights = file;
  }
  const missing = [!json && 'model.json', !weights && 'weights.safetensors'].filter(Boolean);
  if (!json || !weights) {
    throw new PlaygroundError(
      `a model is two files, model.json and weights.safetensors: ${missing.join(' and ')} not among the files opened`,
    );
  }
  return {
    'model.json': await json.text(),
    'weights.safetensors': new Uint8Array(await weights.arrayBuffer()),
  };
}
