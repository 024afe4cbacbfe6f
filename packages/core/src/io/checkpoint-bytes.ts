// A training checkpoint as bytes: one safetensors file holding the weights, the optimizer's state
// tensors, the best weights so far and (runs that carry the state, mid-epoch) the recurrent states
// the next batch starts from as tensors, and everything else (position, step, schedule, history) as
// JSON in the header's metadata. No Node APIs: a page keeps the same bytes (IndexedDB, a download)
// that `saveCheckpoint` writes to a file (checkpoint-file.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { States, TrainingState } from '../train/types.js';
import {
  readSafetensors,
  SafetensorsError,
  type WritableTensor,
  writeSafetensors,
} from './safetensors.js';

export const checkpointFormat = 'recurrent-checkpoint';
/**
 * The newest version this reads. Version 2 adds the carried recurrent states; a checkpoint without
 * them is still written as version 1, so that older readers keep reading it.
 */
export const checkpointFormatVersion = 2;

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

interface CheckpointJson {
  epoch: number;
  position: number;
  step: number;
  optimizerStep: number;
  schedule?: TrainingState['schedule'];
  best?: { loss: number; epoch: number };
  badEpochs: number;
  history: TrainingState['history'];
  /**
   * Version 2: the carried states' layers, each with or without a cell state (tensors
   * `states/<layer>/h` and `states/<layer>/c`).
   */
  states?: Array<{ layer: string; c: boolean }>;
  /** The caller's own data (e.g. the spec's hash, to refuse a checkpoint of another model). */
  extra?: Record<string, unknown>;
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

async function tensorEntries(prefix: string, tensors: ReadonlyMap<string, tf.Tensor>) {
  const entries: Record<string, WritableTensor> = {};
  for (const [name, tensor] of tensors) {
    entries[`${prefix}/${name}`] = {
      dtype: 'F32',
      shape: tensor.shape,
      data: (await tensor.data()) as Float32Array,
    };
  }
  return entries;
}

/**
 * `state` as the bytes of a checkpoint file; its tensors are read, not kept or disposed. `extra` is
 * the caller's own data (e.g. the spec's hash, to refuse a checkpoint of another model).
 */
export async function checkpointToBytes(
  state: TrainingState,
  extra?: Record<string, unknown>,
): Promise<Uint8Array> {
  const json: CheckpointJson = {
    epoch: state.epoch,
    position: state.position,
    step: state.step,
    optimizerStep: state.optimizer.step,
    ...(state.schedule ? { schedule: state.schedule } : {}),
    ...(state.best ? { best: { loss: state.best.loss, epoch: state.best.epoch } } : {}),
    badEpochs: state.badEpochs,
    history: state.history,
    ...(state.states
      ? {
          states: Object.entries(state.states).map(([layer, s]) => ({ layer, c: Boolean(s.c) })),
        }
      : {}),
    ...(extra ? { extra } : {}),
  };
  const carried = new Map<string, tf.Tensor>();
  for (const [layer, s] of Object.entries(state.states ?? {})) {
    carried.set(`${layer}/h`, s.h);
    if (s.c) carried.set(`${layer}/c`, s.c);
  }
  const tensors = {
    ...(await tensorEntries('weights', state.weights)),
    ...(await tensorEntries('optimizer', state.optimizer.slots)),
    ...(state.best ? await tensorEntries('best', state.best.weights) : {}),
    ...(await tensorEntries('states', carried)),
  };
  return writeSafetensors(tensors, {
    format: checkpointFormat,
    formatVersion: state.states ? '2' : '1',
    state: encode(json),
  });
}

/**
 * The TrainingState in a checkpoint's bytes; its tensors belong to the caller
 * (disposeTrainingState frees them). `source` names the bytes in errors (a path, a store key).
 */
export function checkpointFromBytes(
  bytes: Uint8Array,
  source = 'checkpoint',
): { state: TrainingState; extra?: Record<string, unknown> } {
  let file: ReturnType<typeof readSafetensors>;
  try {
    file = readSafetensors(bytes, source);
  } catch (error) {
    if (error instanceof SafetensorsError) throw new CheckpointError(error.message);
    throw error;
  }
  const { format, formatVersion, state: text } = file.metadata;
  if (format !== checkpointFormat || text === undefined) {
    throw new CheckpointError(
      `${source}: not a Recurrent checkpoint (format "${format ?? 'none'}")`,
    );
  }
  if (Number(formatVersion) > checkpointFormatVersion) {
    throw new CheckpointError(
      `${source}: checkpoint format version ${formatVersion} is newer than this Recurrent reads (${checkpointFormatVersion}); upgrade @recurrent/core`,
    );
  }
  const json = decode(text) as CheckpointJson;
  // Every tensor made so far: bytes that turn out malformed must not leave them behind.
  const created: tf.Tensor[] = [];
  const group = (prefix: string) => {
    const tensors = new Map<string, tf.Tensor>();
    for (const name of file.names()) {
      if (!name.startsWith(`${prefix}/`)) continue;
      const entry = file.entry(name);
      const tensor = tf.tensor(file.float32(name), [...entry.shape]);
      created.push(tensor);
      tensors.set(name.slice(prefix.length + 1), tensor);
    }
    return tensors;
  };
  try {
    const states = json.states ? carriedStates(json.states, group('states'), source) : undefined;
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
      ...(states ? { states } : {}),
    };
    return { state, ...(json.extra ? { extra: json.extra } : {}) };
  } catch (error) {
    tf.dispose(created);
    throw error;
  }
}

/** The carried states the JSON lists, from the `states/` tensors (each one must be there). */
function carriedStates(
  listed: NonNullable<CheckpointJson['states']>,
  tensors: Map<string, tf.Tensor>,
  path: string,
): States {
  const names = listed.flatMap(({ layer, c }) => [`${layer}/h`, ...(c ? [`${layer}/c`] : [])]);
  const missing = names.filter((name) => !tensors.has(name));
  const unlisted = [...tensors.keys()].filter((name) => !names.includes(name));
  if (missing.length > 0 || unlisted.length > 0) {
    throw new CheckpointError(
      `${path}: the carried states do not match their list (${[
        ...missing.map((n) => `"states/${n}" missing`),
        ...unlisted.map((n) => `"states/${n}" not listed`),
      ].join(', ')})`,
    );
  }
  const at = (name: string) => tensors.get(name) as tf.Tensor;
  return Object.fromEntries(
    listed.map(({ layer, c }) => [
      layer,
      c ? { h: at(`${layer}/h`), c: at(`${layer}/c`) } : { h: at(`${layer}/h`) },
    ]),
  );
}
