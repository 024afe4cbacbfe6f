// The task registry: importing the package registers "classification" (and its aliases) with
// core, typed: createTask builds a ClassificationTask from a spec, loads one from in-memory files
// or (core/node) a model folder, and refuses files or folders of another task by their class.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@recurrent/backend-cpu';
import {
  createTask,
  findTask,
  ModelFileError,
  registeredTasks,
  TaskError,
  taskName,
} from '@recurrent/core';
import { createTask as createFromFolder, saveTask } from '@recurrent/core/node';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ClassificationTask } from './index.js';

const spec = {
  version: 1,
  name: 'tiny',
  task: 'classification',
  input: { tokenizer: { type: 'word' } },
  layers: [
    { type: 'embedding', embeddingDim: 4 },
    { type: 'gru', hiddenSize: 4, returnSequences: false },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 1, batchSize: 2, optimizer: { type: 'adam' }, seed: 1 },
} as const;
const data = { texts: ['good', 'bad', 'fine', 'awful'], labels: ['pos', 'neg', 'pos', 'neg'] };

describe('task registry', () => {
  it('registers classification with its aliases', () => {
    expect(registeredTasks()).toContain('classification');
    expect(taskName('sentiment-analysis')).toBe('classification');
    expect(findTask('text-classification').name).toBe('classification');
  });

  it('createTask returns a ClassificationTask, typed, from a spec and from its files', async () => {
    const task = await createTask(spec, { backend: 'cpu' });
    expectTypeOf(task).toEqualTypeOf<ClassificationTask>();
    expect(task).toBeInstanceOf(ClassificationTask);
    await task.train(data);
    const files = await task.save();
    const loaded = await createTask(files, { task: 'classification', backend: 'cpu' });
    expectTypeOf(loaded).toEqualTypeOf<ClassificationTask>();
    expect(loaded.labels).toEqual(['neg', 'pos']);
    expect(await loaded.predict(['good'])).toEqual(await task.predict(['good']));
    const dir = join(mkdtempSync(join(tmpdir(), 'task-')), 'model');
    await saveTask(task, dir);
    const fromFolder = await createFromFolder(dir, { task: 'sentiment-analysis', backend: 'cpu' });
    expect(fromFolder).toBeInstanceOf(ClassificationTask);
    expect(await fromFolder.predict(['good'])).toEqual(await task.predict(['good']));
    for (const t of [task, loaded, fromFolder]) t.dispose();
  });

  it('refuses files or a spec of another task than the one asked for', async () => {
    const task = await createTask(spec, { backend: 'cpu' });
    await task.train(data);
    const files = await task.save();
    task.dispose();
    await expect(createTask(files, { task: 'generation' as 'classification' })).rejects.toThrow(
      new ModelFileError('model files: a model of task "classification", not "generation"'),
    );
    await expect(createTask(spec, { task: 'generation' as 'classification' })).rejects.toThrow(
      TaskError,
    );
  });

  it('says which package provides a task that is not registered, or lists the tasks', () => {
    expect(() => findTask('time-series-forecasting')).toThrow(
      'task "time-series-forecasting" (forecasting) is not registered: install @recurrent/task-forecasting and import it once',
    );
    expect(() => findTask('summarization')).toThrow(TaskError);
    expect(() => findTask('summarization')).toThrow(
      'unknown task "summarization": the tasks are classification, generation',
    );
  });
});
