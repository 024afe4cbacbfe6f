// Data parallelism on one machine. tfjs-backend-wasm runs a single thread in Node, so a training
// step uses one core however many the machine has. GradientWorkers splits each batch by rows
// between this thread and worker threads that hold a copy of the model: each computes the loss
// and gradients of its rows, and the average of the parts weighted by their shares of the batch
// (rows, or Batch.rowWeights for losses that are means over tokens) is the whole batch's
// gradient. The workers
// get the weights after every optimizer step, so every part sees the same model.
//
// The worker side is a module of the task that calls serveGradients() with a factory building
// the model and the loss from a JSON config (see @recurrent/task-classification).
//
// Runs that carry the recurrent state from batch to batch (FitOptions.carryState: rows are
// parallel streams) split the states with the rows: each part starts from its rows of the states
// (axis 1 of each [layers · directions, B, H]) and sends back the states its rows end with, which
// are joined in row order to start the next batch.
import { parentPort, Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../init/random.js';
import type { Parameter } from '../layers/layer.js';
import type { ModelInputs } from '../model/inputs.js';
import type { Model } from '../model/model.js';
import { batchTensors } from './batch.js';
import { parameterGradients } from './optimizer.js';
import { keepStates, stateTensors as stateTensorsOf } from './states.js';
import type {
  Batch,
  BatchGradients,
  CarriedLoss,
  ChunkLossFunction,
  DataParallel,
  LossFunction,
  States,
} from './types.js';

interface TensorData {
  data: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** Some rows of a batch as plain data for a worker: each input's rows (lengths as numbers). */
interface BatchPart {
  inputs: Record<string, TensorData | number[]>;
  targets: TensorData;
}

/** Recurrent states as plain data, by layer name (a part's rows of them). */
type StateData = Record<string, { h: TensorData; c?: TensorData }>;

type ToWorker =
  | { type: 'init'; config: unknown }
  | {
      type: 'step';
      /**
       * After an optimizer step, each parameter's values, in model order; null where unchanged
       * (frozen parameters after the first step).
       */
      weights?: Array<Float32Array | null>;
      part: BatchPart;
      seed: number;
      /**
       * Present when the run carries the state: the part starts from these states (null: zeros)
       * with the target's chunk loss, and the reply carries the states it ends with.
       */
      carry?: { initialState: StateData | null };
    };

type FromWorker =
  | { type: 'ready'; parameters: Array<{ name: string; shape: number[] }> }
  | { type: 'gradients'; loss: number; grads: Array<Float32Array | null>; states?: StateData }
  | { type: 'error'; message: string };

export interface GradientWorkersOptions {
  /** Worker threads besides this one. */
  workers: number;
  /** The worker module (it calls serveGradients). */
  script: URL;
  /** Passed to the worker's factory: what it needs to build the same model and loss. */
  config: unknown;
}

/** A worker thread's part of each batch, with its messages awaited one at a time. */
class GradientWorker {
  readonly #worker: Worker;
  #waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined;
  #failure?: Error;

  constructor(script: URL) {
    this.#worker = new Worker(script);
    this.#worker.on('message', (message: FromWorker) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (message.type === 'error')
        waiting?.reject(new Error(`gradient worker: ${message.message}`));
      else waiting?.resolve(message);
    });
    const fail = (error: Error) => {
      this.#failure = error;
      this.#waiting?.reject(error);
      this.#waiting = undefined;
    };
    this.#worker.on('error', (e) => fail(new Error(`gradient worker crashed: ${e.message}`)));
    this.#worker.on('exit', (code) => fail(new Error(`gradient worker exited (code ${code})`)));
  }

  request(message: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#worker.postMessage(message, transfer);
    });
  }

  async terminate(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}

/** Rows [start, end) of each part: as equal as possible, the first parts one longer. */
export function splitRows(rows: number, parts: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(parts, rows));
  const base = Math.floor(rows / count);
  const extra = rows % count;
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let k = 0; k < count; k++) {
    const end = start + base + (k < extra ? 1 : 0);
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/** The seed of part `k` of a batch whose dropout seed is `seed` (part 0 keeps it). */
function partSeed(seed: number, k: number): number {
  return k === 0 ? seed : (seed ^ Math.imul(k, 0x9e3779b9)) >>> 0;
}

/**
 * Splits a tensor whose first axis is the batch (or a flat [rows * n] tensor) into the rows of
 * each range.
 */
function tensorRows(
  name: string,
  t: tf.Tensor,
  rows: number,
  ranges: ReadonlyArray<[number, number]>,
): TensorData[] {
  const perRow = t.size / rows;
  if (!Number.isInteger(perRow) || (t.shape[0] !== rows && t.rank !== 1)) {
    throw new Error(
      `data-parallel training: cannot split ${name} of shape [${t.shape}] into ${rows} rows`,
    );
  }
  const values = t.dataSync() as Float32Array | Int32Array;
  return ranges.map(([start, end]) => ({
    data: values.slice(start * perRow, end * perRow),
    shape: t.shape[0] === rows ? [end - start, ...t.shape.slice(1)] : [(end - start) * perRow],
    dtype: t.dtype === 'int32' ? 'int32' : 'float32',
  }));
}

/**
 * Each part's share of the batch's loss: its rows' share of the batch's row weights
 * (Batch.rowWeights), or of its rows.
 */
export function partShares(batch: Batch, ranges: ReadonlyArray<[number, number]>): number[] {
  const weights = batch.rowWeights;
  const rows = batchRows(batch);
  if (!weights) return ranges.map(([start, end]) => (end - start) / rows);
  if (weights.length !== rows || weights.some((w) => !(Number.isFinite(w) && w >= 0))) {
    throw new Error(
      `data-parallel training: rowWeights must be ${rows} finite non-negative numbers (one per row), got ${weights.length}`,
    );
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new Error('data-parallel training: the rowWeights of a batch sum to 0');
  return ranges.map(([start, end]) => weights.slice(start, end).reduce((a, b) => a + b, 0) / total);
}

/** Each range's rows of every input (along axis 0) and of the targets. */
export function splitBatch(batch: Batch, ranges: ReadonlyArray<[number, number]>): BatchPart[] {
  const rows = batchRows(batch);
  const parts: BatchPart[] = ranges.map(() => ({ inputs: {}, targets: undefined as never }));
  for (const [name, value] of Object.entries(batch.inputs)) {
    if (value === undefined) continue;
    const split =
      value instanceof tf.Tensor
        ? tensorRows(`input "${name}"`, value, rows, ranges)
        : listRows(name, value, rows, ranges);
    split.forEach((rowsOfPart, k) => {
      (parts[k] as BatchPart).inputs[name] = rowsOfPart;
    });
  }
  tensorRows('the targets', batch.targets, rows, ranges).forEach((targets, k) => {
    (parts[k] as BatchPart).targets = targets;
  });
  return parts;
}

/** The batch size: the first axis of the first tensor input (else of the targets). */
function batchRows(batch: Batch): number {
  const first = Object.values(batch.inputs).find((v) => v instanceof tf.Tensor) as
    | tf.Tensor
    | undefined;
  return (first ?? batch.targets).shape[0] as number;
}

function listRows(
  name: string,
  values: readonly number[] | Int32Array,
  rows: number,
  ranges: ReadonlyArray<[number, number]>,
): number[][] {
  if (values.length !== rows) {
    throw new Error(
      `data-parallel training: input "${name}" has ${values.length} entries for ${rows} rows`,
    );
  }
  return ranges.map(([start, end]) => Array.from(values.slice(start, end)));
}

/** A part's tensors made again on this side. */
function partBatch(part: BatchPart): Batch {
  const tensor = (t: TensorData) => tf.tensor(t.data, t.shape, t.dtype);
  const inputs: Record<string, tf.Tensor | number[]> = {};
  for (const [name, value] of Object.entries(part.inputs)) {
    inputs[name] = Array.isArray(value) ? value : tensor(value);
  }
  return { inputs: inputs as ModelInputs, targets: tensor(part.targets) };
}

/** The loss of a part's rows, and with a carried state the states they end with. */
type PartLoss = (batch: Batch, random: Random) => { loss: tf.Scalar; states?: States };

/** The loss and gradients of one part of a batch (its tensors made here and freed after). */
async function partGradients(
  parameters: readonly Parameter[],
  part: BatchPart,
  seed: number,
  loss: PartLoss,
): Promise<BatchGradients & { states?: States }> {
  const batch = partBatch(part);
  try {
    let states: States | undefined;
    const { value, grads } = parameterGradients(parameters, () =>
      tf.tidy(() => {
        const result = loss(batch, new Random(seed));
        if (result.states) states = keepStates(result.states);
        return result.loss;
      }),
    );
    const lossValue = (await value.data())[0] as number;
    value.dispose();
    return { loss: lossValue, grads, ...(states ? { states } : {}) };
  } finally {
    tf.dispose(batchTensors(batch));
  }
}

/**
 * Each range's rows of the states: axis 1 of every [layers · directions, B, H] tensor. `rows` is
 * the batch's; a state of another batch size is refused by name.
 */
export function splitStates(
  states: States,
  rows: number,
  ranges: ReadonlyArray<[number, number]>,
): StateData[] {
  const parts: StateData[] = ranges.map(() => ({}));
  const split = (name: string, t: tf.Tensor): TensorData[] => {
    if (t.rank !== 3 || t.shape[1] !== rows) {
      throw new Error(
        `data-parallel training: state ${name} of shape [${t.shape}] is not [layers, ${rows}, hidden] for a batch of ${rows} rows`,
      );
    }
    const [layers, , hidden] = t.shape as [number, number, number];
    const values = t.dataSync() as Float32Array;
    return ranges.map(([start, end]) => {
      const data = new Float32Array(layers * (end - start) * hidden);
      for (let l = 0; l < layers; l++) {
        const from = (l * rows + start) * hidden;
        data.set(values.subarray(from, from + (end - start) * hidden), l * (end - start) * hidden);
      }
      return { data, shape: [layers, end - start, hidden], dtype: 'float32' };
    });
  };
  for (const [name, state] of Object.entries(states)) {
    const h = split(`"${name}".h`, state.h);
    const c = state.c ? split(`"${name}".c`, state.c) : undefined;
    h.forEach((hk, k) => {
      (parts[k] as StateData)[name] = c ? { h: hk, c: c[k] as TensorData } : { h: hk };
    });
  }
  return parts;
}

const stateFromData = (data: StateData): States => {
  const tensor = (t: TensorData) => tf.tensor(t.data, t.shape, 'float32');
  return Object.fromEntries(
    Object.entries(data).map(([name, s]) => [
      name,
      s.c ? { h: tensor(s.h), c: tensor(s.c) } : { h: tensor(s.h) },
    ]),
  );
};

function stateToData(states: States): StateData {
  const data = (t: tf.Tensor): TensorData => ({
    // A copy: a backend's dataSync may return its own storage.
    data: (t.dataSync() as Float32Array).slice(),
    shape: t.shape,
    dtype: 'float32',
  });
  return Object.fromEntries(
    Object.entries(states).map(([name, s]) => [
      name,
      s.c ? { h: data(s.h), c: data(s.c) } : { h: data(s.h) },
    ]),
  );
}

/** The parts' final states joined along the rows (axis 1), in the order of the parts. */
function joinStates(parts: readonly States[]): States {
  const [first] = parts;
  if (!first) return {};
  return tf.tidy(() => {
    const joined: States = {};
    for (const [name, state] of Object.entries(first)) {
      const of = (pick: (s: States[string]) => tf.Tensor | undefined) =>
        tf.keep(
          tf.concat(
            parts.map((p) => {
              const s = p[name];
              const t = s && pick(s);
              if (!t) throw new Error(`data-parallel training: a part returned no state "${name}"`);
              return t;
            }),
            1,
          ),
        );
      joined[name] = state.c ? { h: of((s) => s.h), c: of((s) => s.c) } : { h: of((s) => s.h) };
    }
    return joined as unknown as tf.TensorContainer;
  }) as unknown as States;
}

export class GradientWorkers implements DataParallel {
  readonly threads: number;
  #syncedStep = -1;

  private constructor(
    private readonly parameters: readonly Parameter[],
    private readonly workers: GradientWorker[],
  ) {
    this.threads = workers.length + 1;
  }

  /** Starts the workers and checks that each built the same parameters as `model`. */
  static async start(model: Model, options: GradientWorkersOptions): Promise<GradientWorkers> {
    const parameters = model.parameters();
    const workers = Array.from(
      { length: options.workers },
      () => new GradientWorker(options.script),
    );
    try {
      const replies = await Promise.all(
        workers.map((w) => w.request({ type: 'init', config: options.config })),
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
    return new GradientWorkers(parameters, workers);
  }

  async gradients(
    batch: Batch,
    seed: number,
    step: number,
    local: (part: Batch, random: Random) => tf.Scalar,
  ): Promise<BatchGradients> {
    const { loss, grads } = await this.#parts(batch, seed, step, undefined, (part, random) => ({
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
    const { loss, grads, states } = await this.#parts(
      batch,
      seed,
      step,
      { initialState },
      (part, random, initial) => local(part, random, initial),
    );
    return { loss, grads, states: states ?? {} };
  }

  /**
   * Splits the batch (and with `carry` the states) by rows, computes this thread's part while the
   * workers compute theirs, and combines the gradients and losses weighted by the parts' shares
   * (partShares).
   */
  async #parts(
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
    const rows = batchRows(batch);
    const ranges = splitRows(rows, this.threads);
    const parts = splitBatch(batch, ranges);
    const stateParts = carry?.initialState
      ? splitStates(carry.initialState, rows, ranges)
      : undefined;
    // Frozen parameters never change: they go once, with the first step.
    const weights =
      step === this.#syncedStep
        ? undefined
        : this.parameters.map((p) =>
            p.trainable || this.#syncedStep < 0 ? (p.variable.dataSync() as Float32Array) : null,
          );
    this.#syncedStep = step;
    const replies = parts.slice(1).map((part, i) =>
      (this.workers[i] as GradientWorker).request({
        type: 'step',
        ...(weights ? { weights } : {}),
        part,
        seed: partSeed(seed, i + 1),
        ...(carry ? { carry: { initialState: stateParts?.[i + 1] ?? null } } : {}),
      }),
    );
    // This thread's part runs while the workers compute theirs.
    const ownInitial = stateParts ? stateFromData(stateParts[0] as StateData) : undefined;
    let computed: BatchGradients & { states?: States };
    try {
      computed = await partGradients(this.parameters, parts[0] as BatchPart, seed, (b, random) =>
        local(b, random, ownInitial),
      );
    } finally {
      tf.dispose(stateTensorsOf(ownInitial));
    }
    let answers: Array<Extract<FromWorker, { type: 'gradients' }>>;
    try {
      answers = (await Promise.all(replies)).map((answer) => {
        if (answer.type !== 'gradients')
          throw new Error(`gradient worker: unexpected ${answer.type} reply`);
        if (carry && !answer.states)
          throw new Error('gradient worker: no final states in the reply of a carried step');
        return answer;
      });
    } catch (error) {
      tf.dispose([...computed.grads.values(), ...stateTensorsOf(computed.states)]);
      throw error;
    }
    const shares = partShares(batch, ranges);
    const grads = this.#weightedSum(shares, computed, answers);
    let loss = (shares[0] as number) * computed.loss;
    for (const [i, answer] of answers.entries()) loss += (shares[i + 1] as number) * answer.loss;
    tf.dispose([...computed.grads.values()]);
    if (!carry) return { loss, grads };
    const workerStates = answers.map((a) => stateFromData(a.states as StateData));
    const all = [computed.states ?? {}, ...workerStates];
    try {
      return { loss, grads, states: joinStates(all) };
    } finally {
      tf.dispose(all.flatMap(stateTensorsOf));
    }
  }

  /** Each trainable parameter's gradient: the parts' gradients weighted by their shares. */
  #weightedSum(
    shares: readonly number[],
    own: BatchGradients,
    answers: ReadonlyArray<Extract<FromWorker, { type: 'gradients' }>>,
  ): Map<Parameter, tf.Tensor> {
    const grads = new Map<Parameter, tf.Tensor>();
    tf.tidy(() => {
      for (const [index, parameter] of this.parameters.entries()) {
        if (!parameter.trainable) continue;
        const terms: tf.Tensor[] = [];
        const mine = own.grads.get(parameter);
        if (mine) terms.push(tf.mul(mine, shares[0] as number));
        for (const [i, answer] of answers.entries()) {
          const values = answer.grads[index];
          if (!values) continue;
          const part = tf.tensor(values, parameter.variable.shape, 'float32');
          terms.push(tf.mul(part, shares[i + 1] as number));
        }
        if (terms.length === 0) continue;
        grads.set(
          parameter,
          tf.keep(terms.length === 1 ? (terms[0] as tf.Tensor) : tf.addN(terms)),
        );
      }
    });
    return grads;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * The worker side: builds the model and loss from the config sent by GradientWorkers.start, then
 * answers each step with the loss and gradients of its rows. Call it from the worker module.
 */
export function serveGradients(
  setup: (
    config: unknown,
  ) => Promise<{ model: Model; loss: LossFunction; chunkLoss?: ChunkLossFunction | undefined }>,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveGradients runs in a worker thread (node:worker_threads)');
  let target:
    | {
        model: Model;
        loss: LossFunction;
        chunkLoss?: ChunkLossFunction | undefined;
        parameters: Parameter[];
      }
    | undefined;
  port.on('message', async (message: ToWorker) => {
    try {
      if (message.type === 'init') {
        const built = await setup(message.config);
        target = { ...built, parameters: built.model.parameters() };
        port.postMessage({
          type: 'ready',
          parameters: target.parameters.map((p) => ({ name: p.name, shape: p.variable.shape })),
        } satisfies FromWorker);
        return;
      }
      if (!target) throw new Error('a step before init');
      const { model, loss, chunkLoss, parameters } = target;
      if (message.weights) {
        for (const [i, p] of parameters.entries()) {
          const values = message.weights[i];
          if (values)
            tf.tidy(() => p.variable.assign(tf.tensor(values, p.variable.shape, 'float32')));
        }
      }
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
      const { loss: lossValue, grads } = computed;
      const states = computed.states ? stateToData(computed.states) : undefined;
      tf.dispose(stateTensorsOf(computed.states));
      const arrays = parameters.map((p) => {
        const g = grads.get(p);
        // A copy: a backend's dataSync may return its own storage, which must not be transferred.
        return g ? (g.dataSync() as Float32Array).slice() : null;
      });
      tf.dispose([...grads.values()]);
      const stateBuffers = Object.values(states ?? {}).flatMap((s) =>
        (s.c ? [s.h, s.c] : [s.h]).map((t) => t.data.buffer as ArrayBuffer),
      );
      port.postMessage(
        {
          type: 'gradients',
          loss: lossValue,
          grads: arrays,
          ...(states ? { states } : {}),
        } satisfies FromWorker,
        [...arrays.flatMap((a) => (a ? [a.buffer as ArrayBuffer] : [])), ...stateBuffers],
      );
    } catch (error) {
      port.postMessage({
        type: 'error',
        message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      } satisfies FromWorker);
    }
  });
}
