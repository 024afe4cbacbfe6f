// createTask(spec | modelDir, { backend }): one factory for every task, transformers.js-style. A
// spec (object) creates an untrained task of its `task`; a model folder (path) loads a trained one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFileError } from '../io/model-files.js';
import { findTask, TaskError } from './registry.js';

export async function createTask<T = unknown>(
  specOrDir: unknown,
  options: { backend?: string } = {},
): Promise<T> {
  if (typeof specOrDir === 'string') {
    const path = join(specOrDir, 'model.json');
    let file: { spec?: { task?: unknown } };
    try {
      file = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new ModelFileError(
        `${path}: cannot read the model description (${(error as Error).message})`,
      );
    }
    const task = file.spec?.task;
    if (typeof task !== 'string') throw new ModelFileError(`${path}: the spec names no task`);
    return (await findTask(task).load(specOrDir, options)) as T;
  }
  const task = (specOrDir as { task?: unknown } | null)?.task;
  if (typeof task !== 'string') throw new TaskError('createTask: the spec has no "task"');
  return (await findTask(task).create(specOrDir, options)) as T;
}
