// Data parallelism on one machine. tfjs-backend-wasm runs a single thread in Node, so a training
// step uses one core however many the machine has. GradientWorkers splits each batch by rows
// between this thread and worker threads that hold a copy of the model: each computes the loss
// and gradients of its rows, and the average of the parts weighted by their shares of the batch
// (rows, or Batch.rowWeights for losses that are means over tokens) is the whole batch's
// gradient. Nothing large goes through messages: the workers read the weights from a shared
// buffer after every optimizer step (parallel/shared-weights.ts), every thread sums a range of
// the parts' gradients in another (parallel/shared-gradients.ts), and embedding tables'
// gradients go as rows (parallel/sparse-rows.ts). Messages carry the parts of the batch, the
// losses and the states, and say when a buffer is ready.
//
// The worker side is a module that calls serveGradients() with a factory building the model and
// the loss from a JSON config. Nothing here is Node's or the browser's: the workers come through a
// WorkerTransport (transport.ts): Node's worker threads (../data-parallel.ts, ../threads.ts) or a
// page's Web Workers (web-transport.ts, ../web-workers.ts).
//
// Runs that carry the recurrent state from batch to batch (FitOptions.carryState: rows are
// parallel streams) split the states with the rows: each part starts from its rows of the states
// (axis 1 of each [layers · directions, B, H]) and sends back the states its rows end with, which
// are joined in row order to start the next batch.
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../init/random.js';
import type { Parameter } from '../../layers/layer.js';
import type { Model } from '../../model/model.js';
import { stateTensors as stateTensorsOf } from '../states.js';
import type {
  Batch,
  BatchGradients,
  CarriedLoss,
  ChunkLossFunction,
  DataParallel,
  LossFunction,
  States,
} from '../types.js';
import {
  type BatchPart,
  batchRows,
  joinStates,
  partGradients,
  partSeed,
  partShares,
  type StateData,
  splitBatch,
  splitRows,
  splitStates,
  stateFromData,
  stateToData,
} from './batch-parts.js';
import {
  combinedTensors,
  combineOwnRange,
  type SharedGradients,
  sharedGradients,
  writePart,
} from './shared-gradients.js';
import {
  type SharedWeights,
  sharedWeights,
  uploadWeights,
  writeWeights,
} from './shared-weights.js';
import { addRows, type SharedRows, sharedRows, writeNonzeroRows } from './sparse-rows.js';
import { floatValues } from './tensor-memory.js';
import type { WorkerPort, WorkerTransport } from './transport.js';

/** What a worker is given at init: the model's config and the buffers it shares. */
interface SharedSetup {
  weights: SharedWeights;
  gradients: SharedGradients;
  /** The embedding tables' gradients, which go as rows (sparse-rows.ts). */
  rows: SharedRows;
  /** The worker's part (its region of the gradients): 1, 2, ... */
  part: number;
}

type ToWorker =
  | { type: 'init'; config: unknown; shared: SharedSetup }
  | {
      type: 'step';
      /** The version of the shared weights to compute with (uploaded when it changed). */
      version: number;
      part: BatchPart;
      seed: number;
      /** The part's share of the batch's loss: its gradient is written times this. */
      share: number;
      /**
       * Present when the run carries the state: the part starts from these states (null: zeros)
       * with the target's chunk loss, and the reply carries the states it ends with.
       */
      carry?: { initialState: StateData | null };
    }
  /** All parts are written: sum your range of the gradients over the first `parts` regions. */
  | { type: 'combine'; parts: number };

/** How long a worker's step took, in ms: for the per-step profile (GradientWorkers.timings). */
export interface WorkerTimings {
  upload: number;
  compute: number;
  write: number;
  combine?: number;
}

type FromWorker =
  | { type: 'ready'; parameters: Array<{ name: string; shape: number[] }> }
  | {
      type: 'computed';
      loss: number;
      /** The dense parameters that got a gradient (written in the part's region). */
      present: number[];
      /** Rows written for each table of SharedRows.tables (null: the table got no gradient). */
      rows: Array<number | null>;
      states?: StateData;
      timings: WorkerTimings;
      /** tf.memory().numTensors in the worker after the step (its leak check). */
      tensors: number;
    }
  | { type: 'combined'; combine: number }
  | { type: 'error'; message: string };

export interface WorkerPoolOptions {
  /** Worker threads besides this one. */
  workers: number;
  /** Passed to the worker's factory: what it needs to build the same model and loss. */
  config: unknown;
  /** Starts one worker (a Node worker thread, a Web Worker), whose module calls serveGradients. */
  transport: () => WorkerTransport;
  /**
   * How long the workers may take to build the model and answer, in ms (default 120,000): a
   * worker whose module never calls serveGradients would otherwise leave the start waiting.
   */
  startTimeoutMs?: number;
}

/** The default of WorkerPoolOptions.startTimeoutMs. */
export const defaultStartTimeoutMs = 120_000;

/** `promise`, or `message` as an error once `ms` have passed without it settling. */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A worker thread's part of each batch, with its messages awaited one at a time. */
class GradientWorker {
  readonly #transport: WorkerTransport;
  #waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined;
  #failure?: Error;

  constructor(transport: WorkerTransport) {
    this.#transport = transport;
    transport.listen(
      (received) => {
        const message = received as FromWorker;
        const waiting = this.#waiting;
        this.#waiting = undefined;
        if (message.type === 'error')
          waiting?.reject(new Error(`gradient worker: ${message.message}`));
        else waiting?.resolve(message);
      },
      (error) => {
        this.#failure = error;
        this.#waiting?.reject(error);
        this.#waiting = undefined;
      },
    );
  }

  /** The worker died (crashed or exited): it answers nothing any more. */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  request(message: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#transport.postMessage(message, transfer);
    });
  }

  terminate(): Promise<void> {
    return this.#transport.terminate();
  }
}

/** A lap timer for the step profile: each call gives the ms since the previous one (or since start). */
function stopwatch(): () => number {
  let clock = performance.now();
  return () => {
    const now = performance.now();
    const ms = now - clock;
    clock = now;
    return ms;
  };
}

/** Where the main thread's time went in the last step, in ms (and the first worker's). */
export interface StepTimings {
  /** Writing changed weights to the shared buffer. */
  weights: number;
  /** Splitting the batch (and states) and sending the parts. */
  split: number;
  /** This thread's part: forward and backward of its rows. */
  ownPart: number;
  /** Writing this thread's gradients to its region. */
  ownWrite: number;
  /** Waiting for the workers' parts after this thread's. */
  waitParts: number;
  /** The reduce-scatter, this thread's range and the wait for the others'. */
  combine: number;
  /** Gradient tensors from the combined buffer, the embedding rows, losses and states. */
  build: number;
  worker?: WorkerTimings;
}

/** Indices of the trainable embedding tables among `parameters` (their gradients go as rows). */
function embeddingTables(model: Model, parameters: readonly Parameter[]): number[] {
  const tables = new Set(
    model.layers.flatMap((layer) =>
      layer.type === 'embedding' && 'weight' in layer ? [layer.weight as Parameter] : [],
    ),
  );
  return parameters.flatMap((p, i) =>
    tables.has(p) && p.trainable && p.variable.rank === 2 ? [i] : [],
  );
}

/**
 * The workers' replies of one kind, once every worker has answered (so none is still busy when
 * this throws): the first failure, or a reply of another kind, is an error.
 */
async function settled<K extends FromWorker['type']>(
  replies: ReadonlyArray<Promise<FromWorker>>,
  type: K,
): Promise<Array<Extract<FromWorker, { type: K }>>> {
  const results = await Promise.allSettled(replies);
  return results.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    if (result.value.type !== type)
      throw new Error(`gradient worker: unexpected ${result.value.type} reply`);
    return result.value as Extract<FromWorker, { type: K }>;
  });
}

export class GradientWorkers implements DataParallel {
  readonly threads: number;
  /** The weights' version the workers have (the step it was written for); -1: none yet. */
  #syncedStep = -1;
  #version = 0;
  #failure: Error | undefined;
  #timings: StepTimings | undefined;
  #workerTensors: number[] = [];

  private constructor(
    private readonly parameters: readonly Parameter[],
    private readonly workers: GradientWorker[],
    private readonly weights: SharedWeights,
    private readonly shared: SharedGradients,
    private readonly rows: SharedRows,
  ) {
    this.threads = workers.length + 1;
  }

  /** Starts the workers and checks that each built the same parameters as `model`. */
  static async start(model: Model, options: WorkerPoolOptions): Promise<GradientWorkers> {
    const parameters = model.parameters();
    const threads = options.workers + 1;
    const weights = sharedWeights(parameters);
    const tables = embeddingTables(model, parameters);
    const gradients = sharedGradients(parameters, new Set(tables), threads);
    const rows = sharedRows(parameters, tables, threads);
    const workers: GradientWorker[] = [];
    try {
      for (let i = 0; i < options.workers; i++)
        workers.push(new GradientWorker(options.transport()));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    try {
      const timeout = options.startTimeoutMs ?? defaultStartTimeoutMs;
      const replies = await within(
        Promise.all(
          workers.map((w, i) =>
            w.request({
              type: 'init',
              config: options.config,
              shared: { weights, gradients, rows, part: i + 1 },
            }),
          ),
        ),
        timeout,
        `gradient worker: no answer within ${timeout / 1000} s of starting; its module must call serveTaskGradients() (Web Workers; core's worker does for threads(n)), and building the model there must finish (the startTimeoutMs option allows longer)`,
      );
      const expected = parameters.map((p) => `${p.name} [${p.variable.shape}]`).join(', ');
      for (const reply of replies) {
        if (reply.type !== 'ready')
          throw new Error(`gradient worker: unexpected ${reply.type} reply`);
        const built = reply.parameters.map((p) => `${p.name} [${p.shape}]`).join(', ');
        if (built !== expected) {
          throw new Error(
            `gradient worker built other parameters than this model: ${built} instead of ${expected}`,
          );
        }
      }
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new GradientWorkers(parameters, workers, weights, gradients, rows);
  }

  /**
   * Each working worker's tf.memory().numTensors after the last step: its model's variables, if
   * nothing leaked there.
   */
  get workerTensors(): readonly number[] {
    return this.#workerTensors;
  }

  /** Where the last step's time went (for profiling); undefined before the first step. */
  get timings(): StepTimings | undefined {
    return this.#timings;
  }

  async gradients(
    batch: Batch,
    seed: number,
    step: number,
    local: (part: Batch, random: Random) => tf.Scalar,
  ): Promise<BatchGradients> {
    const { loss, grads } = await this.#guarded(batch, seed, step, undefined, (part, random) => ({
      loss: local(part, random),
    }));
    return { loss, grads };
  }

  async carriedGradients(
    batch: Batch,
    seed: number,
    step: number,
    initialState: States | undefined,
    local: CarriedLoss,
  ): Promise<BatchGradients & { states: States }> {
    const { loss, grads, states } = await this.#guarded(
      batch,
      seed,
      step,
      { initialState },
      (part, random, initial) => local(part, random, initial),
    );
    return { loss, grads, states: states ?? {} };
  }

  /** #parts, refusing to go on after a worker failed: the others are stopped then. */
  async #guarded(
    ...args: Parameters<GradientWorkers['parts']>
  ): ReturnType<GradientWorkers['parts']> {
    if (this.#failure) throw this.#failure;
    try {
      return await this.parts(...args);
    } catch (error) {
      if (this.workers.some((w) => w.failed)) {
        this.#failure = error as Error;
        await this.dispose();
      }
      throw error;
    }
  }

  /**
   * Splits the batch (and with `carry` the states) by rows, computes this thread's part while the
   * workers compute theirs, and combines the gradients and losses weighted by the parts' shares
   * (partShares): the dense gradients in parallel over the shared buffer, the embedding tables'
   * by rows.
   */
  private async parts(
    batch: Batch,
    seed: number,
    step: number,
    carry: { initialState: States | undefined } | undefined,
    local: (
      part: Batch,
      random: Random,
      initial: States | undefined,
    ) => { loss: tf.Scalar; states?: States },
  ): Promise<BatchGradients & { states?: States }> {
    const lap = stopwatch();
    // Frozen parameters never change: they are written once, before the first step.
    const onlyTrainable = this.#syncedStep >= 0;
    if (step !== this.#syncedStep) {
      this.#version++;
      writeWeights(this.weights, this.parameters, this.#version, onlyTrainable);
      this.#syncedStep = step;
    }
    const timings = { weights: lap() } as StepTimings;
    const rows = batchRows(batch);
    const ranges = splitRows(rows, this.threads);
    const parts = splitBatch(batch, ranges);
    const shares = partShares(batch, ranges);
    const stateParts = carry?.initialState
      ? splitStates(carry.initialState, rows, ranges)
      : undefined;
    const working = this.workers.slice(0, parts.length - 1);
    const replies = working.map((worker, i) =>
      worker.request({
        type: 'step',
        version: this.#version,
        part: parts[i + 1] as BatchPart,
        seed: partSeed(seed, i + 1),
        share: shares[i + 1] as number,
        ...(carry ? { carry: { initialState: stateParts?.[i + 1] ?? null } } : {}),
      }),
    );
    timings.split = lap();
    // This thread's part runs while the workers compute theirs.
    const ownInitial = stateParts ? stateFromData(stateParts[0] as StateData) : undefined;
    let own: BatchGradients & { states?: States };
    try {
      own = await partGradients(this.parameters, parts[0] as BatchPart, seed, (b, random) =>
        local(b, random, ownInitial),
      );
    } catch (error) {
      // The workers finish their parts first: the next step's messages must not cross them.
      await Promise.allSettled(replies);
      throw error;
    } finally {
      tf.dispose(stateTensorsOf(ownInitial));
    }
    const ownTensors = [...own.grads.values(), ...stateTensorsOf(own.states)];
    try {
      timings.ownPart = lap();
      const present = new Set(
        writePart(this.shared, 0, this.parameters, own.grads, shares[0] as number),
      );
      timings.ownWrite = lap();
      const answers = (await settled(replies, 'computed')).map((answer) => {
        if (carry && !answer.states)
          throw new Error('gradient worker: no final states in the reply of a carried step');
        for (const p of answer.present) present.add(p);
        return answer;
      });
      this.#workerTensors = answers.map((a) => a.tensors);
      timings.waitParts = lap();
      const combined = working.map((worker) =>
        worker.request({ type: 'combine', parts: parts.length }),
      );
      combineOwnRange(this.shared, 0, parts.length);
      await settled(combined, 'combined');
      timings.combine = lap();
      const grads = this.#gradientTensors(present, own, shares[0] as number, answers);
      let loss = (shares[0] as number) * own.loss;
      for (const [i, answer] of answers.entries()) loss += (shares[i + 1] as number) * answer.loss;
      const first = answers[0];
      if (first) timings.worker = first.timings;
      if (!carry) {
        timings.build = lap();
        this.#timings = timings;
        return { loss, grads };
      }
      const workerStates = answers.map((a) => stateFromData(a.states as StateData));
      const all = [own.states ?? {}, ...workerStates];
      try {
        return { loss, grads, states: joinStates(all) };
      } finally {
        tf.dispose(all.slice(1).flatMap(stateTensorsOf));
        timings.build = lap();
        this.#timings = timings;
      }
    } finally {
      tf.dispose(ownTensors);
    }
  }

  /** The combined gradient of every parameter some part got one for, in model order. */
  #gradientTensors(
    present: ReadonlySet<number>,
    own: BatchGradients,
    ownShare: number,
    answers: ReadonlyArray<Extract<FromWorker, { type: 'computed' }>>,
  ): Map<Parameter, tf.Tensor> {
    const dense = combinedTensors(this.shared, present);
    const grads = new Map<Parameter, tf.Tensor>();
    for (const [index, parameter] of this.parameters.entries()) {
      const fromBuffer = dense.get(index);
      if (fromBuffer) {
        grads.set(parameter, fromBuffer);
        continue;
      }
      const table = this.rows.tables.findIndex((t) => t.parameter === index);
      if (table < 0) continue;
      const ownGradient = own.grads.get(parameter);
      const counts = answers.map((a) => a.rows[table]);
      if (!ownGradient && counts.every((c) => c === null || c === undefined)) continue;
      const slot = this.rows.tables[table] as SharedRows['tables'][number];
      grads.set(
        parameter,
        addRows(
          this.rows,
          slot,
          ownGradient,
          ownShare,
          counts.map((c) => c ?? undefined),
        ),
      );
    }
    return grads;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * The worker side: builds the model and loss from the config sent by GradientWorkers.start, then
 * answers each step with the loss of its rows, their gradients written to its region of the
 * shared buffer (the embedding tables' as rows in the reply), and its range of the combination.
 * Call it from the worker module.
 */
export function serveGradients(
  setup: (
    config: unknown,
  ) => Promise<{ model: Model; loss: LossFunction; chunkLoss?: ChunkLossFunction | undefined }>,
  /** This worker's end: Node's parent port, a Web Worker's global scope (web-transport.ts). */
  port: WorkerPort,
): void {
  let target:
    | {
        model: Model;
        loss: LossFunction;
        chunkLoss?: ChunkLossFunction | undefined;
        parameters: Parameter[];
        shared: SharedSetup;
        version: number;
      }
    | undefined;
  const answer = (message: FromWorker, transfer: ArrayBuffer[] = []) =>
    port.postMessage(message, transfer);
  port.onMessage(async (received) => {
    const message = received as ToWorker;
    try {
      if (message.type === 'init') {
        const built = await setup(message.config);
        target = {
          ...built,
          parameters: built.model.parameters(),
          shared: message.shared,
          version: 0,
        };
        answer({
          type: 'ready',
          parameters: target.parameters.map((p) => ({ name: p.name, shape: p.variable.shape })),
        });
        return;
      }
      if (!target) throw new Error('a step before init');
      const { shared, parameters } = target;
      if (message.type === 'combine') {
        const start = performance.now();
        combineOwnRange(shared.gradients, shared.part, message.parts);
        answer({ type: 'combined', combine: performance.now() - start });
        return;
      }
      const lap = stopwatch();
      if (message.version !== target.version) {
        // Frozen parameters never change: uploaded with the worker's first step only.
        uploadWeights(shared.weights, parameters, message.version, target.version > 0);
        target.version = message.version;
      }
      const upload = lap();
      const { model, loss, chunkLoss } = target;
      const carry = message.carry;
      if (carry && !chunkLoss) {
        throw new Error(
          'the training target has no chunkLoss: it cannot train a run that carries the state',
        );
      }
      const initial = carry?.initialState ? stateFromData(carry.initialState) : undefined;
      let computed: BatchGradients & { states?: States };
      try {
        computed = await partGradients(parameters, message.part, message.seed, (batch, random) =>
          carry && chunkLoss
            ? chunkLoss(model, batch, random, initial)
            : { loss: loss(model, batch, random) },
        );
      } finally {
        tf.dispose(stateTensorsOf(initial));
      }
      const compute = lap();
      const { grads } = computed;
      let present: number[];
      let rows: Array<number | null>;
      let states: StateData | undefined;
      try {
        present = writePart(shared.gradients, shared.part, parameters, grads, message.share);
        rows = shared.rows.tables.map((slot) => {
          const g = grads.get(parameters[slot.parameter] as Parameter);
          return g
            ? writeNonzeroRows(shared.rows, slot, shared.part, floatValues(g), message.share)
            : null;
        });
        states = computed.states ? stateToData(computed.states) : undefined;
      } finally {
        tf.dispose([...grads.values(), ...stateTensorsOf(computed.states)]);
      }
      const stateBuffers = Object.values(states ?? {}).flatMap((s) =>
        (s.c ? [s.h, s.c] : [s.h]).map((t) => t.data.buffer as ArrayBuffer),
      );
      answer(
        {
          type: 'computed',
          loss: computed.loss,
          present,
          rows,
          ...(states ? { states } : {}),
          timings: { upload, compute, write: lap() },
          tensors: tf.memory().numTensors,
        },
        stateBuffers,
      );
    } catch (error) {
      answer({
        type: 'error',
        message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  });
}
