// Tasks and model folders (Node): createTask that also takes a folder path, and saveTask to write a
// task's files to a folder atomically.
import { join } from 'node:path';
import { ModelFileError, modelTask } from '../io/model-files.js';
import { readModelFolder, writeModelFolder } from '../io/model-folder.js';
import type { ModelSpec } from '../spec/types.generated.js';
import type { AnyTask, ModelFiles, Task, TaskName, TaskTypes } from './contract.js';
import {
  type CreateTaskOptions,
  createTask as createFromSpecOrFiles,
  isModelFiles,
  pluginFor,
  type TaskSpec,
} from './create-task.js';

/**
 * createTask from core's main entry, and from a model folder: `createTask("models/sst2")` loads
 * the task its model.json names (`{ task }` refuses another one).
 */
export function createTask<K extends TaskName>(
  spec: TaskSpec<K> | (ModelSpec & { task: K }),
  options?: CreateTaskOptions<K>,
): Promise<TaskTypes[K]>;
export function createTask<K extends TaskName>(
  filesOrDir: ModelFiles | string,
  options: CreateTaskOptions<K> & { task: K },
): Promise<TaskTypes[K]>;
export function createTask(
  specOrFilesOrDir: ModelSpec | ModelFiles | string | object,
  options?: CreateTaskOptions,
): Promise<AnyTask>;
export async function createTask(
  specOrFilesOrDir: unknown,
  options: CreateTaskOptions = {},
): Promise<Task> {
  if (typeof specOrFilesOrDir !== 'string') {
    return createFromSpecOrFiles(specOrFilesOrDir as object, options) as Promise<Task>;
  }
  return loadTaskFolder(specOrFilesOrDir, options);
}

/** The task in the model folder `dir`; its errors name the folder's files. */
export async function loadTaskFolder(dir: string, options: CreateTaskOptions = {}): Promise<Task> {
  const { task: expected, ...taskOptions } = options;
  const { file, ...files } = await readModelFolder(dir);
  const jsonPath = join(dir, 'model.json');
  const plugin = pluginFor(modelTask(file, jsonPath), expected, dir);
  try {
    return await plugin.load(files, taskOptions);
  } catch (error) {
    // The task's own checks name "model.json"; the user knows the folder.
    if (error instanceof ModelFileError && !error.message.startsWith(dir)) {
      throw new ModelFileError(`${dir}: ${error.message}`);
    }
    throw error;
  }
}

/** Writes a task's model files to the folder `dir` (created if needed), atomically. */
export async function saveTask(
  task: Pick<Task, 'save'>,
  dir: string,
  metadata?: Record<string, unknown>,
): Promise<void> {
  await writeModelFolder(dir, await task.save(metadata));
}

export { isModelFiles };
