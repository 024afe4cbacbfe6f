// The task registry: importing the package registers "classification" (and its aliases) with
// core, and createTask builds a task from a spec or loads one from a model folder.
import '@recurrent/backend-cpu';
import { findTask, registeredTasks, TaskError, taskName } from '@recurrent/core';
import { createTask } from '@recurrent/core/node';
import { describe, expect, it } from 'vitest';
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
};

describe('task registry', () => {
  it('registers classification with its aliases', () => {
    expect(registeredTasks()).toContain('classification');
    expect(taskName('sentiment-analysis')).toBe('classification');
    expect(findTask('text-classification').name).toBe('classification');
  });

  it('createTask builds from a spec and loads from a model folder', async () => {
    const task = await createTask<ClassificationTask>(spec, { backend: 'cpu' });
    expect(task).toBeInstanceOf(ClassificationTask);
    await task.train({
      texts: ['good', 'bad', 'fine', 'awful'],
      labels: ['pos', 'neg', 'pos', 'neg'],
    });
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = join(mkdtempSync(join(tmpdir(), 'task-')), 'model');
    await task.save(dir);
    const loaded = await createTask<ClassificationTask>(dir, { backend: 'cpu' });
    expect(loaded.labels).toEqual(['neg', 'pos']);
    expect(await loaded.predict(['good'])).toEqual(await task.predict(['good']));
    task.dispose();
    loaded.dispose();
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
