// createTask(spec | files, options): one factory for every task, transformers.js-style, typed by
// TaskTypes. A spec creates an untrained task of its `task`; in-memory model files (what `save()`
// returns) load a trained one. `@recurrent/core/node` adds model folders.
import { ModelFileError, modelTask, readModelJson } from '../io/model-files.js';
import { SpecValidationError } from '../model/compile.js';
import type { ModelSpec } from '../spec/types.generated.js';
import { validateSpec } from '../spec/validate.js';
import type {
  AnyTask,
  ModelFiles,
  Task,
  TaskName,
  TaskOptions,
  TaskPlugin,
  TaskTypes,
} from './contract.js';
import { findTask, TaskError, taskName } from './registry.js';

/** A spec (object or JSON text) of task K. */
export type TaskSpec<K extends string> = { task: K } & Record<string, unknown>;

/** Options of createTask: the backend, and (for files) the task the caller expects. */
export interface CreateTaskOptions<K extends string = string> extends TaskOptions {
  /** Refuse files (or a spec) of another task, with a TaskError naming both. */
  task?: K;
}

/** Whether `value` is in-memory model files rather than a spec. */
export function isModelFiles(value: unknown): value is ModelFiles {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<ModelFiles>)['model.json'] === 'string' &&
    (value as Partial<ModelFiles>)['weights.safetensors'] instanceof Uint8Array
  );
}

export function createTask<K extends TaskName>(
  spec: TaskSpec<K> | (ModelSpec & { task: K }),
  options?: CreateTaskOptions<K>,
): Promise<TaskTypes[K]>;
export function createTask<K extends TaskName>(
  files: ModelFiles,
  options: CreateTaskOptions<K> & { task: K },
): Promise<TaskTypes[K]>;
export function createTask(
  specOrFiles: ModelSpec | ModelFiles | object,
  options?: CreateTaskOptions,
): Promise<AnyTask>;
export async function createTask(
  specOrFiles: unknown,
  options: CreateTaskOptions = {},
): Promise<Task> {
  const { task: expected, ...taskOptions } = options;
  if (isModelFiles(specOrFiles)) {
    const name = modelTask(readModelJson(specOrFiles['model.json']));
    return (await pluginFor(name, expected, 'model files')).load(specOrFiles, taskOptions);
  }
  const result = validateSpec(specOrFiles);
  if (!result.ok) throw new SpecValidationError(result.errors);
  const plugin = pluginFor(result.spec.task, expected, 'spec');
  return plugin.create(result.spec, taskOptions);
}

/**
 * The plug-in for `name`, after checking it is the task the caller expects. `what` names what was
 * read: "spec", "model files" or a folder.
 */
export function pluginFor(name: string, expected: string | undefined, what: string): TaskPlugin {
  if (expected !== undefined && taskName(expected) !== name) {
    const message = `${what}: a model of task "${name}", not "${taskName(expected)}"`;
    throw what === 'spec' ? new TaskError(message) : new ModelFileError(message);
  }
  return findTask(name) as TaskPlugin;
}
