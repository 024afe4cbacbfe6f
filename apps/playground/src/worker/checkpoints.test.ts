// Checkpoint keys (stable for an experiment, different when anything that defines the run
// differs) and TrainingState ⇄ stored record (core's checkpoint bytes: values, shapes, non-finite
// numbers and carried states come back; nothing leaks).
import type { TrainingState } from '@recurrent/core';
import '@recurrent/backend-cpu';
import { useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Experiment } from '../protocol.js';
import {
  checkpointKey,
  decodeState,
  encodeState,
  MemoryCheckpointStore,
  storeSink,
} from './checkpoints.js';

const experiment: Experiment = {
  specText: '{ "version": 1 }',
  data: { kind: 'bundled', id: 'uci-sentiment' },
  backend: 'auto',
};

describe('checkpointKey', () => {
  it('is the same for the same experiment, data and backend (a reload finds it)', async () => {
    const a = await checkpointKey(experiment, 'text', 'wasm');
    const b = await checkpointKey(structuredClone(experiment), 'text', 'wasm');
    expect(a).toBe(b);
    expect(a).toMatch(/^checkpoint:[0-9a-f]{64}$/);
  });

  it('differs when the spec text, the data, the seed, the backend or its threads differ', async () => {
    const base = await checkpointKey(experiment, 'text', 'wasm');
    const others = await Promise.all([
      checkpointKey({ ...experiment, specText: '{ "version": 1 } ' }, 'text', 'wasm'),
      checkpointKey(experiment, 'texT', 'wasm'),
      checkpointKey(experiment, 'text ', 'wasm'),
      checkpointKey({ ...experiment, data: { kind: 'bundled', id: 'other' } }, 'text', 'wasm'),
      checkpointKey(
        { ...experiment, data: { kind: 'file', name: 'uci-sentiment', text: 'text' } },
        'text',
        'wasm',
      ),
      checkpointKey({ ...experiment, seed: 1 }, 'text', 'wasm'),
      checkpointKey({ ...experiment, seed: 2 }, 'text', 'wasm'),
      checkpointKey(experiment, 'text', 'webgpu'),
      checkpointKey(experiment, 'text', 'wasm', 1),
      checkpointKey(experiment, 'text', 'wasm', 4),
    ]);
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it('differs by the data-parallel threads above 1, and keeps the key of a 1-thread run', async () => {
    const keys = await Promise.all(
      [undefined, 1, 2, 3].map((n) => checkpointKey(experiment, 'text', 'wasm', 1, n)),
    );
    expect(keys[1]).toBe(keys[0]); // 1 thread: the key runs had before the setting
    expect(keys[0]).toBe(await checkpointKey(experiment, 'text', 'wasm', 1));
    expect(new Set(keys.slice(1)).size).toBe(3);
  });
});

describe('stored checkpoints', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  function state(): TrainingState {
    return {
      epoch: 1,
      position: 3,
      step: 15,
      weights: new Map<string, tf.Tensor>([
        [
          'embedding.weight',
          tf.tensor2d([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ],
        ['head.bias', tf.tensor1d([-0.5, 0.25])],
      ]),
      optimizer: {
        step: 15,
        slots: new Map([['head.bias/m', tf.tensor1d([0.1, 0.2])]]),
      },
      schedule: { plateauLr: 0.01, best: Number.POSITIVE_INFINITY, badEpochs: 0 },
      best: { loss: 0.5, epoch: 0, weights: new Map([['head.bias', tf.tensor1d([7, 8])]]) },
      badEpochs: 1,
      history: [{ epoch: 0, trainLoss: 0.7, validationLoss: 0.5, lr: 0.01, seconds: 1 }],
      states: {
        gru: { h: tf.tensor2d([[0.5, -0.5]]) },
        lstm: { h: tf.tensor2d([[1]]), c: tf.tensor2d([[2]]) },
      },
    };
  }

  async function values(map: Map<string, tf.Tensor>) {
    return Object.fromEntries(
      await Promise.all(
        [...map].map(async ([k, t]) => [k, { shape: t.shape, values: Array.from(await t.data()) }]),
      ),
    );
  }

  it('comes back as the same state, through a store that clones as IndexedDB does', async () => {
    const start = tf.memory().numTensors;
    const original = state();
    const before = tf.memory().numTensors;
    const store = new MemoryCheckpointStore();
    await storeSink(store, 'k').save(original);
    expect(tf.memory().numTensors).toBe(before); // encoding reads, never keeps or frees
    const back = decodeState((await store.get('k')) as never);
    expect(back.epoch).toBe(1);
    expect(back.position).toBe(3);
    expect(back.step).toBe(15);
    expect(back.badEpochs).toBe(1);
    expect(back.history).toEqual(original.history);
    expect(back.schedule).toEqual({
      plateauLr: 0.01,
      best: Number.POSITIVE_INFINITY,
      badEpochs: 0,
    });
    expect(await values(back.weights)).toEqual(await values(original.weights));
    expect(back.optimizer.step).toBe(15);
    expect(await values(back.optimizer.slots)).toEqual(await values(original.optimizer.slots));
    expect(back.best?.loss).toBe(0.5);
    expect(await values(back.best?.weights as Map<string, tf.Tensor>)).toEqual({
      'head.bias': { shape: [2], values: [7, 8] },
    });
    expect(Array.from((await back.states?.lstm?.c?.data()) ?? [])).toEqual([2]);
    expect(back.states?.gru?.c).toBeUndefined();
    expect(Array.from((await back.states?.gru?.h.data()) ?? [])).toEqual([0.5, -0.5]);
    for (const s of [original, back]) {
      tf.dispose([
        ...s.weights.values(),
        ...s.optimizer.slots.values(),
        ...(s.best?.weights.values() ?? []),
        ...Object.values(s.states ?? {}).flatMap((x) => [x.h, ...(x.c ? [x.c] : [])]),
      ]);
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('keeps the values it read when training goes on (data is copied)', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const s = state();
    s.weights.set('v', w);
    const stored = await encodeState(s);
    w.assign(tf.tensor1d([9, 9]));
    const back = decodeState(stored);
    expect(Array.from(back.weights.get('v')?.dataSync() ?? [])).toEqual([1, 2]);
    for (const x of [s, back]) {
      tf.dispose([
        ...x.weights.values(),
        ...x.optimizer.slots.values(),
        ...(x.best?.weights.values() ?? []),
        ...Object.values(x.states ?? {}).flatMap((t) => [t.h, ...(t.c ? [t.c] : [])]),
      ]);
    }
  });

  it('a corrupt record (cut short) is refused and leaks no tensor', async () => {
    const original = state();
    const stored = await encodeState(original);
    tf.dispose([
      ...original.weights.values(),
      ...original.optimizer.slots.values(),
      ...(original.best?.weights.values() ?? []),
      ...Object.values(original.states ?? {}).flatMap((x) => [x.h, ...(x.c ? [x.c] : [])]),
    ]);
    const start = tf.memory().numTensors;
    const cut = { ...stored, bytes: stored.bytes.subarray(0, stored.bytes.length - 8) };
    expect(() => decodeState(cut)).toThrow(/^the saved checkpoint/);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('refuses a record of another format by name', () => {
    expect(() =>
      decodeState({ format: 'other', savedAt: 0, bytes: new Uint8Array() } as never),
    ).toThrow(/format "other" is not this playground's/);
  });
});
