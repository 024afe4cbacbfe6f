// Checkpoint files: a round trip of every part of a training state, refusals that name what is
// wrong, and a failed save that leaves the previous checkpoint intact.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { disposeTrainingState } from '../train/run.js';
import type { TrainingState } from '../train/types.js';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
import { writeSafetensors } from './safetensors.js';

function sampleState(): TrainingState {
  return {
    epoch: 2,
    position: 5,
    step: 17,
    weights: new Map([['lstm.weight_ih_l0', tf.tensor2d([1, 2, 3, 4], [2, 2])]]),
    optimizer: {
      step: 17,
      slots: new Map([['lstm.weight_ih_l0/m', tf.tensor2d([0.5, 0, 0, -1], [2, 2])]]),
    },
    schedule: { plateauLr: 0.05, best: Number.POSITIVE_INFINITY, badEpochs: 1 },
    best: {
      loss: 1.25,
      epoch: 1,
      weights: new Map([['lstm.weight_ih_l0', tf.tensor2d([9, 8, 7, 6], [2, 2])]]),
    },
    badEpochs: 1,
    history: [{ epoch: 0, trainLoss: 2, validationLoss: 1.5, lr: 0.1, seconds: 3 }],
  };
}

const folder = () => mkdtempSync(join(tmpdir(), 'checkpoint-'));

describe('checkpoint files', () => {
  it('round-trips positions, tensors, schedule state (infinite best included) and history', async () => {
    const path = join(folder(), 'c.safetensors');
    const state = sampleState();
    await saveCheckpoint(path, state, { specHash: 'abc' });
    const { state: read, extra } = await loadCheckpoint(path);
    expect(extra).toEqual({ specHash: 'abc' });
    expect([read.epoch, read.position, read.step, read.optimizer.step, read.badEpochs]).toEqual([
      2, 5, 17, 17, 1,
    ]);
    expect(read.schedule).toEqual(state.schedule);
    expect(read.history).toEqual(state.history);
    expect(read.best?.loss).toBe(1.25);
    expect(Array.from(read.weights.get('lstm.weight_ih_l0')?.dataSync() ?? [])).toEqual([
      1, 2, 3, 4,
    ]);
    expect(Array.from(read.optimizer.slots.get('lstm.weight_ih_l0/m')?.dataSync() ?? [])).toEqual([
      0.5, 0, 0, -1,
    ]);
    expect(Array.from(read.best?.weights.get('lstm.weight_ih_l0')?.dataSync() ?? [])).toEqual([
      9, 8, 7, 6,
    ]);
    disposeTrainingState(read);
    disposeTrainingState(state);
  });

  it('round-trips carried recurrent states as version 2; a state without them stays version 1', async () => {
    const dir = folder();
    const version = (path: string) => {
      const bytes = readFileSync(path);
      const headerLength = Number(
        new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true),
      );
      const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
      return header.__metadata__.formatVersion;
    };
    const plain = sampleState();
    await saveCheckpoint(join(dir, 'plain.safetensors'), plain);
    expect(version(join(dir, 'plain.safetensors'))).toBe('1');
    const { state: plainRead } = await loadCheckpoint(join(dir, 'plain.safetensors'));
    expect(plainRead.states).toBeUndefined();
    disposeTrainingState(plainRead);

    // An LSTM's h and c and a GRU's h, [layers, B, H]: values that say where they came from.
    const carried = {
      ...sampleState(),
      states: {
        lstm: {
          h: tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3]),
          c: tf.tensor3d([-1, -2, -3, -4, -5, -6], [1, 2, 3]),
        },
        gru: { h: tf.tensor3d([7, 8, 9, 10], [2, 2, 1]) },
      },
    };
    const path = join(dir, 'carried.safetensors');
    await saveCheckpoint(path, carried);
    expect(version(path)).toBe('2');
    const { state: read } = await loadCheckpoint(path);
    expect(Object.keys(read.states ?? {})).toEqual(['lstm', 'gru']);
    expect(read.states?.lstm?.h.shape).toEqual([1, 2, 3]);
    expect(Array.from(read.states?.lstm?.h.dataSync() ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(read.states?.lstm?.c?.dataSync() ?? [])).toEqual([-1, -2, -3, -4, -5, -6]);
    expect(read.states?.gru?.c).toBeUndefined();
    expect(read.states?.gru?.h.shape).toEqual([2, 2, 1]);
    expect(Array.from(read.states?.gru?.h.dataSync() ?? [])).toEqual([7, 8, 9, 10]);
    const before = tf.memory().numTensors;
    disposeTrainingState(read); // states included
    expect(tf.memory().numTensors).toBe(before - 3 - 3); // weights, slot, best; h, c, h
    disposeTrainingState(carried);
    disposeTrainingState(plain);
  });

  it('refuses carried states that do not match their list', async () => {
    const dir = folder();
    const json = (states: unknown) =>
      JSON.stringify({
        epoch: 0,
        position: 1,
        step: 1,
        optimizerStep: 1,
        badEpochs: 0,
        history: [],
        states,
      });
    const h = { dtype: 'F32' as const, shape: [1, 1, 1], data: new Float32Array([1]) };
    const cases: Array<[string, Uint8Array, string]> = [
      [
        'missing.safetensors',
        writeSafetensors(
          { 'states/lstm/h': h },
          {
            format: 'recurrent-checkpoint',
            formatVersion: '2',
            state: json([{ layer: 'lstm', c: true }]),
          },
        ),
        'the carried states do not match their list ("states/lstm/c" missing)',
      ],
      [
        'unlisted.safetensors',
        writeSafetensors(
          { 'states/lstm/h': h, 'states/gru/h': h },
          {
            format: 'recurrent-checkpoint',
            formatVersion: '2',
            state: json([{ layer: 'lstm', c: false }]),
          },
        ),
        'the carried states do not match their list ("states/gru/h" not listed)',
      ],
    ];
    const before = tf.memory().numTensors;
    for (const [name, bytes, message] of cases) {
      writeFileSync(join(dir, name), bytes);
      const error = await loadCheckpoint(join(dir, name)).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(CheckpointError);
      expect((error as Error).message, name).toContain(message);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses what is not a readable checkpoint, saying why', async () => {
    const dir = folder();
    const cases: Array<[string, Uint8Array | string, RegExp]> = [
      ['truncated.safetensors', new Uint8Array([1, 2, 3]), /too short/],
      [
        'weights-only.safetensors',
        writeSafetensors({}, { format: 'pt' }),
        /not a Recurrent checkpoint \(format "pt"\)/,
      ],
      [
        'newer.safetensors',
        writeSafetensors({}, { format: 'recurrent-checkpoint', formatVersion: '9', state: '{}' }),
        /format version 9 is newer than this Recurrent reads \(2\)/,
      ],
    ];
    for (const [name, bytes, message] of cases) {
      writeFileSync(join(dir, name), bytes);
      const error = await loadCheckpoint(join(dir, name)).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(CheckpointError);
      expect((error as Error).message, name).toMatch(message);
    }
    await expect(loadCheckpoint(join(dir, 'absent.safetensors'))).rejects.toThrow(
      'no checkpoint there',
    );
  });

  it('a save that fails leaves the previous checkpoint as it was', async () => {
    const path = join(folder(), 'c.safetensors');
    const first = sampleState();
    await saveCheckpoint(path, first);
    const before = readFileSync(path);
    const broken = sampleState();
    (broken.weights.get('lstm.weight_ih_l0') as tf.Tensor).dispose(); // reading it will throw
    await expect(saveCheckpoint(path, { ...broken, step: 99 })).rejects.toThrow();
    expect(readFileSync(path).equals(before)).toBe(true);
    const { state } = await loadCheckpoint(path);
    expect(state.step).toBe(17);
    disposeTrainingState(state);
    disposeTrainingState(first);
    tf.dispose([...broken.optimizer.slots.values(), ...(broken.best?.weights.values() ?? [])]);
  });
});
