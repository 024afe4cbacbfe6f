// Checkpoints as bytes (what a page keeps in IndexedDB or downloads): the same bytes a checkpoint
// file holds, a round trip, and refusals that name the source.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { disposeTrainingState } from '../train/run.js';
import type { TrainingState } from '../train/types.js';
import { CheckpointError, checkpointFromBytes, checkpointToBytes } from './checkpoint-bytes.js';
import { saveCheckpoint } from './checkpoint-file.js';

function sampleState(): TrainingState {
  return {
    epoch: 1,
    position: 3,
    step: 9,
    weights: new Map([['gru.weight_hh_l0', tf.tensor2d([1, -2, 3.5, 4], [2, 2])]]),
    optimizer: {
      step: 9,
      slots: new Map([['gru.weight_hh_l0/v', tf.tensor2d([1, 2, 3, 4], [2, 2])]]),
    },
    badEpochs: 0,
    history: [{ epoch: 0, trainLoss: 1.5, lr: 0.01, seconds: 2 }],
    states: { gru: { h: tf.tensor3d([0.25, -0.5], [1, 1, 2]) } },
  };
}

describe('checkpoint bytes', () => {
  it('are the bytes of the checkpoint file, and read back to the same state', async () => {
    const state = sampleState();
    const bytes = await checkpointToBytes(state, { specHash: 'f00' });
    const path = join(mkdtempSync(join(tmpdir(), 'checkpoint-bytes-')), 'c.safetensors');
    await saveCheckpoint(path, state, { specHash: 'f00' });
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);

    const { state: read, extra } = checkpointFromBytes(bytes, 'idb:run-1');
    expect(extra).toEqual({ specHash: 'f00' });
    expect([read.epoch, read.position, read.step, read.optimizer.step]).toEqual([1, 3, 9, 9]);
    expect(read.history).toEqual(state.history);
    expect(Array.from(read.weights.get('gru.weight_hh_l0')?.dataSync() ?? [])).toEqual([
      1, -2, 3.5, 4,
    ]);
    expect(Array.from(read.states?.gru?.h.dataSync() ?? [])).toEqual([0.25, -0.5]);
    disposeTrainingState(read);
    disposeTrainingState(state);
  });

  it('refuses bytes that are not a checkpoint, naming their source, and leaves no tensors', async () => {
    const state = sampleState();
    const bytes = await checkpointToBytes(state);
    disposeTrainingState(state);
    const before = tf.memory().numTensors;
    expect(() => checkpointFromBytes(bytes.subarray(0, 20), 'idb:run-2')).toThrow(CheckpointError);
    expect(() => checkpointFromBytes(bytes.subarray(0, 20), 'idb:run-2')).toThrow(/^idb:run-2/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
