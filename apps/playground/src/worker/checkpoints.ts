// Checkpoints of the page's runs: core's TrainingState as the bytes of a checkpoint file
// (checkpointToBytes, structured-clone-safe), kept in a store under a key derived from
// the experiment, so that a reload can resume the same run. The store is an interface: IndexedDB
// in the worker (idb-store.ts), a Map in tests.
import {
  type CheckpointSink,
  checkpointFromBytes,
  checkpointToBytes,
  sha256Hex,
  type TrainingState,
} from '@recurrent/core';
import type { Experiment } from '../protocol.js';

/** A checkpoint as IndexedDB stores it: core's checkpoint bytes (those of a CLI checkpoint file). */
export interface StoredCheckpoint {
  /** Format of this record, so that a later playground can refuse an older one by name. */
  format: 'recurrent-playground-checkpoint-2';
  savedAt: number;
  /** `checkpointToBytes` of @recurrent/core: a safetensors file. */
  bytes: Uint8Array;
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

const format = 'recurrent-playground-checkpoint-2';

/**
 * The key of an experiment's checkpoint: the spec as written, the data (its name and a digest of
 * its text), the seed and the backend the run uses, with the wasm backend's thread count (a
 * page without cross-origin isolation runs one thread: other sums) and the number of
 * data-parallel threads when above 1 (each splits the batch's sums otherwise). Anything else would
 * resume another run (other data, other arithmetic); the same experiment gives the same key after
 * a reload.
 */
export async function checkpointKey(
  experiment: Experiment,
  dataText: string,
  backend: string,
  threads?: number,
  dataParallel = 1,
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
    ...(dataParallel > 1 && { dataParallel }),
  });
  return `checkpoint:${await sha256Hex(identity)}`;
}

/** `state` as a stored record; its tensors are read (copied), not kept or disposed. */
export async function encodeState(state: TrainingState): Promise<StoredCheckpoint> {
  return { format, savedAt: Date.now(), bytes: await checkpointToBytes(state) };
}

/** The TrainingState of a stored checkpoint; its tensors belong to the caller (disposeTrainingState). */
export function decodeState(stored: StoredCheckpoint): TrainingState {
  if (stored.format !== format) {
    throw new Error(
      `checkpoint: format "${String(stored.format)}" is not this playground's (${format}); train without resuming`,
    );
  }
  return checkpointFromBytes(stored.bytes, 'the saved checkpoint').state;
}

/** The sink a run saves into: each checkpoint replaces the previous one under `key`. */
export function storeSink(store: CheckpointStore, key: string): CheckpointSink {
  return { save: async (state) => store.set(key, await encodeState(state)) };
}
