// The task platform on a small task (test/toy-task.ts): createTask typed by TaskTypes from a spec
// and from in-memory files, the one spec → fit mapping (each setting checked against the spec),
// progress events, an AbortSignal that stops like the time budget and resumes to the weights of an
// uninterrupted run, and no leaked tensors.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { ToyTask, toyData, toyLoss, toyPlugin, toySpec, weightsOf } from '../../test/toy-task.js';
import { ModelFileError } from '../io/model-files.js';
import { SpecValidationError } from '../model/compile.js';
import { validateSpec } from '../spec/validate.js';
import { openCheckpoint } from '../train/run-checkpoint.js';
import { runIdentity } from '../train/run-identity.js';
import type { TrainEvent } from './contract.js';
import { createTask } from './create-task.js';
import { findTask, registerTask, TaskError } from './registry.js';
import { fitOptionsFromSpec, runEngine } from './train-with-spec.js';

const data = toyData(64);
const validation = toyData(32, 2);

beforeAll(() => registerTask(toyPlugin));

describe('createTask', () => {
  it('returns the registered task type for a spec of its task, and loads it from its files', async () => {
    const task = await createTask(toySpec, { backend: 'cpu' });
    expectTypeOf(task).toEqualTypeOf<ToyTask>();
    expect(task).toBeInstanceOf(ToyTask);
    await task.train(data);
    const files = await task.save({ note: 'x' });
    const loaded = await createTask(files, { task: 'classification', backend: 'cpu' });
    expectTypeOf(loaded).toEqualTypeOf<ToyTask>();
    expect(weightsOf(loaded.model)).toEqual(weightsOf(task.model));
    task.dispose();
    loaded.dispose();
  });

  it.each([
    [
      'an invalid spec',
      () => createTask({ ...toySpec, layers: [] }),
      SpecValidationError,
      'invalid model spec',
    ],
    [
      'a spec of a task that is not registered',
      () =>
        createTask({
          ...toySpec,
          task: 'tagging',
          layers: [
            { type: 'embedding', embeddingDim: 4 },
            { type: 'gru', hiddenSize: 6 },
            { type: 'dense', units: 'auto' },
          ],
        }),
      TaskError,
      'task "tagging" is not registered: install @recurrent/task-tagging and import it once',
    ],
    [
      'files that are no model',
      () =>
        createTask({
          'model.json': '{"format":"keras"}',
          'weights.safetensors': new Uint8Array(8),
        }),
      ModelFileError,
      'model.json: not a Recurrent model (format is "keras")',
    ],
  ])('refuses %s by its error class', async (_name, create, kind, message) => {
    const error = await create().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(kind);
    expect((error as Error).message).toContain(message);
  });

  it('refuses files of another task than asked for', async () => {
    const task = await createTask(toySpec, { backend: 'cpu' });
    const files = await task.save();
    task.dispose();
    await expect(
      createTask(files, { task: 'text-generation' as 'classification' }),
    ).rejects.toThrow('model files: a model of task "classification", not "generation"');
  });
});

describe('fitOptionsFromSpec: every training setting reaches fit', () => {
  const result = validateSpec({
    ...toySpec,
    training: {
      ...toySpec.training,
      epochs: 7,
      seed: 9,
      clipNorm: 2,
      clipValue: 0.5,
      gradientAccumulation: 3,
      earlyStopping: { patience: 2, minDelta: 0.01, monitor: 'val_accuracy' },
      checkpoint: { everySteps: 5 },
      lrSchedule: { type: 'step', stepSize: 1, gamma: 0.5 },
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const spec = result.spec;
  const run = { spec, loss: toyLoss };
  const save = async () => {};

  it('maps the spec', () => {
    const engine = runEngine(spec);
    const options = fitOptionsFromSpec(run, { checkpoint: { save } }, engine);
    expect(options).toMatchObject({
      epochs: 7,
      seed: 9,
      clipNorm: 2,
      clipValue: 0.5,
      gradientAccumulation: 3,
      earlyStopping: { patience: 2, minDelta: 0.01, monitor: 'val_accuracy' },
      checkpoint: { everySteps: 5, save },
    });
    expect(options.maxTimeMs).toBeUndefined();
    expect(options.optimizer.lr).toBe(0.02); // the spec's optimizer
    // The schedule is the spec's: step decay halves the rate each epoch.
    expect(options.schedule?.lr({ epoch: 2, step: 0, totalSteps: 10 })).toBeCloseTo(0.02 / 4, 12);
    engine.optimizer.dispose();
  });

  it('lets the run options override epochs and checkpoint frequency, and adds the budget', () => {
    const engine = runEngine(spec);
    const options = fitOptionsFromSpec(
      run,
      { epochs: 2, maxTimeMs: 1000, checkpoint: { everySteps: 1, save } },
      engine,
    );
    expect(options).toMatchObject({ epochs: 2, maxTimeMs: 1000, checkpoint: { everySteps: 1 } });
    engine.optimizer.dispose();
  });

  it('refuses truncatedBptt for a task without a chunk loss, naming the setting', () => {
    const generation = validateSpec({
      version: 1,
      name: 'g',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'lstm', hiddenSize: 4 },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' }, truncatedBptt: 8 },
    });
    if (!generation.ok) throw new Error('invalid');
    const engine = runEngine(generation.spec);
    expect(() => fitOptionsFromSpec({ spec: generation.spec, loss: toyLoss }, {}, engine)).toThrow(
      new TaskError(
        'training.truncatedBptt: the generation task does not train in chunks; remove it',
      ),
    );
    engine.optimizer.dispose();
  });
});

describe('training through the contract', () => {
  const root = mkdtempSync(join(tmpdir(), 'toy-run-'));

  it('reports each batch and epoch as flat events, in order', async () => {
    const task = await createTask(toySpec, { backend: 'cpu' });
    const events: TrainEvent[] = [];
    const result = await task.train(data, { validation, onProgress: (e) => events.push(e) });
    expect(events.map((e) => e.type)).toEqual([
      ...Array(8).fill('batch'),
      'epoch',
      ...Array(8).fill('batch'),
      'epoch',
    ]);
    expect(events[0]).toMatchObject({ type: 'batch', epoch: 0, position: 1, batchCount: 8 });
    expect(events[8]).toMatchObject({
      type: 'epoch',
      epoch: 0,
      validationLoss: expect.any(Number),
    });
    expect(result).toMatchObject({ stoppedBy: 'epochs', step: 16 });
    task.dispose();
  });

  it('refuses threads for a task run that declares no worker setup', async () => {
    const model = (await createTask(toySpec, { backend: 'cpu' })).model;
    const { trainWithSpec } = await import('./train-with-spec.js');
    await expect(
      trainWithSpec(
        model,
        { batchCount: 0, batch: () => ({}) as never },
        { spec: validSpec(), loss: toyLoss },
        { parallel: async () => ({}) as never },
      ),
    ).rejects.toThrow(new TaskError('the classification task does not train on several threads'));
    model.dispose();
  });

  it('stops at the next batch when aborted, with a checkpoint that resumes to the uninterrupted weights', async () => {
    const before = tf.memory().numTensors;
    const whole = await createTask(toySpec, { backend: 'cpu' });
    await whole.train(data, { validation });
    const expected = weightsOf(whole.model);
    whole.dispose();

    const identity = await runIdentity({
      spec: toySpec,
      data: JSON.stringify(data),
      threads: 1,
      backend: 'cpu',
    });
    const path = join(root, 'checkpoint.safetensors');
    const first = await openCheckpoint(path, identity);
    const interrupted = await createTask(toySpec, { backend: 'cpu' });
    const abort = new AbortController();
    const result = await interrupted.train(data, {
      validation,
      checkpoint: first,
      signal: abort.signal,
      onProgress: (e) => {
        if (e.type === 'batch' && e.step === 11) abort.abort();
      },
    });
    expect(result).toMatchObject({ stoppedBy: 'aborted', step: 11 });
    interrupted.dispose();

    const second = await openCheckpoint(path, identity, { resume: true });
    expect(second.resume).toMatchObject({ epoch: 1, position: 3, step: 11 });
    const resumed = await createTask(toySpec, { backend: 'cpu' });
    const rest = await resumed.train(data, {
      validation,
      checkpoint: second,
      ...(second.resume ? { resume: second.resume } : {}),
    });
    expect(rest).toMatchObject({ stoppedBy: 'epochs', step: 16 });
    expect(weightsOf(resumed.model)).toEqual(expected);
    resumed.dispose();
    second.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

function validSpec() {
  const result = validateSpec(toySpec);
  if (!result.ok) throw new Error('invalid');
  return result.spec;
}

it('findTask finds the toy plug-in by the name of its task', () => {
  expect(findTask('sentiment-analysis').module).toMatch(/toy-task\.mjs$/);
});
