// Checkpoints of the page's runs: core's TrainingState as plain, structured-clone-safe data (the
// tensors' values as typed arrays, the rest as JSON), kept in a store under a key derived from
// the experiment, so that a reload can resume the same run. The store is an interface: IndexedDB
// in the worker (idb-store.ts), a Map in tests.
import { type CheckpointSink, sha256Hex, type TrainingState } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Experiment } from '../protocol.js';

/** One tensor's values. */
export interface StoredTensor {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

/** A TrainingState as plain data (what IndexedDB stores). */
export interface StoredCheckpoint {
  /** Format of this record, so that a later playground can refuse an older one by name. */
  format: 'recurrent-playground-checkpoint-1';
  savedAt: number;
  /** Everything but the tensors, as JSON (non-finite numbers kept, see `encode`). */
  state: string;
  /** Tensors under "weights/…", "optimizer/…", "best/…" and "states/<layer>/h|c". */
  tensors: Record<string, StoredTensor>;
}

/** Where checkpoints are kept. */
export interface CheckpointStore {
  get(key: string): Promise<StoredCheckpoint | undefined>;
  set(key: string, checkpoint: StoredCheckpoint): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A store in memory (tests), cloning as IndexedDB does so no tensor data is shared. */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly entries = new Map<string, StoredCheckpoint>();
  async get(key: string) {
    const value = this.entries.get(key);
    return value && structuredClone(value);
  }
  async set(key: string, checkpoint: StoredCheckpoint) {
    this.entries.set(key, structuredClone(checkpoint));
  }
  async delete(key: string) {
    this.entries.delete(key);
  }
}

const format = 'recurrent-playground-checkpoint-1';

/**
 * The key of an experiment's checkpoint: the spec as written, the data (its name and a digest of
 * its text), the seed and the backend the run uses, with the wasm backend's thread count (a
 * page without cross-origin isolation runs one thread: other sums). Anything else would resume
 * another run (other data, other arithmetic); the same experiment gives the same key after a reload.
 */
export async function checkpointKey(
  experiment: Experiment,
  dataText: string,
  backend: string,
  threads?: number,
): Promise<string> {
  const data =
    experiment.data.kind === 'bundled'
      ? `bundled:${experiment.data.id}`
      : `file:${experiment.data.name}`;
  const identity = JSON.stringify({
    spec: experiment.specText,
    data,
    dataLength: dataText.length,
    dataDigest: await sha256Hex(dataText),
    seed: experiment.seed ?? null,
    backend,
    ...(threads !== undefined && { threads }),
  });
  return `checkpoint:${await sha256Hex(identity)}`;
}

// JSON has no Infinity (reduce-on-plateau starts from an infinite best loss).
const encode = (value: unknown) =>
  JSON.stringify(value, (_key, v) =>
    typeof v === 'number' && !Number.isFinite(v) ? { nonFinite: String(v) } : v,
  );
const decode = (text: string) =>
  JSON.parse(text, (_key, v) =>
    v && typeof v === 'object' && 'nonFinite' in v
      ? Number((v as { nonFinite: string }).nonFinite)
      : v,
  );

interface StateJson {
  epoch: number;
  position: number;
  step: number;
  optimizerStep: number;
  schedule?: TrainingState['schedule'];
  best?: { loss: number; epoch: number };
  badEpochs: number;
  history: TrainingState['history'];
  /** Carried recurrent states: each layer, with or without a cell state. */
  states?: { layer: string; c: boolean }[];
}

async function storedTensor(tensor: tf.Tensor): Promise<StoredTensor> {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
    throw new Error(`checkpoint: a ${tensor.dtype} tensor cannot be stored (float32 or int32)`);
  }
  // data() gives a copy: the stored values do not change as training goes on.
  return {
    dtype: tensor.dtype,
    shape: [...tensor.shape],
    data: (await tensor.data()) as Float32Array | Int32Array,
  };
}

/** `state` as plain data; its tensors are read, not kept or disposed. */
export async function encodeState(state: TrainingState): Promise<StoredCheckpoint> {
  const json: StateJson = {
    epoch: state.epoch,
    position: state.position,
    step: state.step,
    optimizerStep: state.optimizer.step,
    ...(state.schedule ? { schedule: state.schedule } : {}),
    ...(state.best ? { best: { loss: state.best.loss, epoch: state.best.epoch } } : {}),
    badEpochs: state.badEpochs,
    history: state.history,
    ...(state.states
      ? { states: Object.entries(state.states).map(([layer, s]) => ({ layer, c: Boolean(s.c) })) }
      : {}),
  };
  const tensors: Record<string, StoredTensor> = {};
  const add = async (prefix: string, group: ReadonlyMap<string, tf.Tensor>) => {
    for (const [name, tensor] of group) tensors[`${prefix}/${name}`] = await storedTensor(tensor);
  };
  await add('weights', state.weights);
  await add('optimizer', state.optimizer.slots);
  if (state.best) await add('best', state.best.weights);
  for (const [layer, s] of Object.entries(state.states ?? {})) {
    tensors[`states/${layer}/h`] = await storedTensor(s.h);
    if (s.c) tensors[`states/${layer}/c`] = await storedTensor(s.c);
  }
  return { format, savedAt: Date.now(), state: encode(json), tensors };
}

/** The TrainingState of a stored checkpoint; its tensors belong to the caller (disposeTrainingState). */
export function decodeState(stored: StoredCheckpoint): TrainingState {
  if (stored.format !== format) {
    throw new Error(
      `checkpoint: format "${String(stored.format)}" is not this playground's (${format}); train without resuming`,
    );
  }
  const json = decode(stored.state) as StateJson;
  // Every tensor made so far: a corrupt record (a tensor of the wrong size, a carried state
  // missing) must not leave them behind when it throws.
  const created: tf.Tensor[] = [];
  const group = (prefix: string) => {
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, t] of Object.entries(stored.tensors)) {
      if (name.startsWith(`${prefix}/`)) {
        const tensor = tf.tensor(t.data, t.shape, t.dtype);
        created.push(tensor);
        tensors.set(name.slice(prefix.length + 1), tensor);
      }
    }
    return tensors;
  };
  try {
    const carried = group('states');
    const state: TrainingState = {
      epoch: json.epoch,
      position: json.position,
      step: json.step,
      weights: group('weights'),
      optimizer: { step: json.optimizerStep, slots: group('optimizer') },
      ...(json.schedule ? { schedule: json.schedule } : {}),
      ...(json.best ? { best: { ...json.best, weights: group('best') } } : {}),
      badEpochs: json.badEpochs,
      history: json.history,
    };
    if (json.states) {
      state.states = Object.fromEntries(
        json.states.map(({ layer, c }) => {
          const h = carried.get(`${layer}/h`);
          const cell = carried.get(`${layer}/c`);
          if (!h || (c && !cell)) {
            throw new Error(`checkpoint: the carried state of layer "${layer}" is missing`);
          }
          return [layer, c ? { h, c: cell as tf.Tensor } : { h }];
        }),
      );
    } else {
      tf.dispose([...carried.values()]);
    }
    return state;
  } catch (error) {
    tf.dispose(created);
    throw error;
  }
}

/** The sink a run saves into: each checkpoint replaces the previous one under `key`. */
export function storeSink(store: CheckpointStore, key: string): CheckpointSink {
  return { save: async (state) => store.set(key, await encodeState(state)) };
}
