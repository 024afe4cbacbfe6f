// A run's checkpoint resumes only the run that wrote it: each part of the identity (spec, data,
// threads, backend, package versions) that differs is refused by name, nothing is loaded, and the
// file is left as it was.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../io/checkpoint-file.js';
import { CheckpointMismatchError, openCheckpoint } from './run-checkpoint.js';
import { type RunIdentity, runIdentity } from './run-identity.js';
import type { TrainingState } from './types.js';

const state = (): TrainingState => ({
  epoch: 1,
  position: 2,
  step: 9,
  weights: new Map([['w', tf.tensor([1, 2, 3])]]),
  optimizer: { step: 9, slots: new Map() },
  badEpochs: 0,
  history: [],
});

const identity = () =>
  runIdentity({ spec: { name: 'a' }, data: 'rows', threads: 2, backend: 'cpu' });

async function written(extra: Record<string, unknown> | undefined): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'run-')), 'checkpoint.safetensors');
  const s = state();
  await saveCheckpoint(path, s, extra);
  tf.dispose([...s.weights.values()]);
  return path;
}

describe('runIdentity', () => {
  it('is the same for the same run and names core and tfjs-core with their versions', async () => {
    const a = await identity();
    expect(await identity()).toEqual(a);
    expect(a.packages).toEqual([
      expect.stringMatching(/^@recurrent\/core@\d+\.\d+\.\d+/),
      '@tensorflow/tfjs-core@4.22.0',
    ]);
    expect(a.spec).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('openCheckpoint', () => {
  it('resumes the run that wrote the checkpoint, with its state', async () => {
    const id = await identity();
    const path = await written({ identity: id });
    const run = await openCheckpoint(path, id, { resume: true });
    expect(run.resume).toMatchObject({ epoch: 1, position: 2, step: 9 });
    expect(Array.from(run.resume?.weights.get('w')?.dataSync() ?? [])).toEqual([1, 2, 3]);
    run.dispose();
  });

  it('starts afresh without resume, or when there is no checkpoint yet', async () => {
    const id = await identity();
    const path = await written({ identity: id });
    expect((await openCheckpoint(path, id)).resume).toBeUndefined();
    const none = join(mkdtempSync(join(tmpdir(), 'run-')), 'checkpoint.safetensors');
    expect((await openCheckpoint(none, id, { resume: true })).resume).toBeUndefined();
  });

  const changed = (change: Partial<RunIdentity>) => async () => ({
    ...(await identity()),
    ...change,
  });
  it.each([
    [
      'threads',
      changed({ threads: 1 }),
      '2 threads (this run has 1; a run continues only on the thread count it started with: each thread draws its own dropout masks)',
    ],
    ['data', changed({ data: 'other' }), 'other data'],
    ['spec', changed({ spec: 'other' }), 'another spec'],
    ['backend', changed({ backend: 'wasm' }), 'backend cpu (this run uses wasm)'],
    [
      'package versions',
      changed({ packages: ['@recurrent/core@9.9.9'] }),
      'packages @recurrent/core@',
    ],
  ])(
    'refuses a checkpoint of another %s, by name, leaving it intact',
    async (_name, make, message) => {
      const path = await written({ identity: await identity() });
      const bytes = readFileSync(path);
      const before = tf.memory().numTensors;
      const error = await openCheckpoint(path, await make(), { resume: true }).catch((e) => e);
      expect(error).toBeInstanceOf(CheckpointMismatchError);
      expect(error.message).toContain(`${path}: this checkpoint was written by another run: `);
      expect(error.message).toContain(message);
      expect(error.message).toContain('train without --resume to start over');
      expect(tf.memory().numTensors).toBe(before);
      expect(readFileSync(path).equals(bytes)).toBe(true);
    },
  );

  it('refuses a checkpoint of an older Recurrent that recorded no identity', async () => {
    const path = await written({ spec: 'abc', data: 'def' });
    await expect(openCheckpoint(path, await identity(), { resume: true })).rejects.toThrow(
      'an older Recurrent (no run identity)',
    );
  });
});
