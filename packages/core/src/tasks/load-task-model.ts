// The start every task's `load(files)` shares: the model from its files (checked by modelFromFiles),
// refused when model.json's metadata names another task, and the spec's settings re-read with the
// task's own reader; then the task builds itself from the rest of the metadata. Whatever throws
// after the model is built disposes it, so a failed load leaves no tensors behind.
import { ModelFileError, type ModelFileSource, modelFromFiles } from '../io/model-files.js';
import type { Model } from '../model/model.js';
import type { ModelSpec } from '../spec/types.generated.js';
import type { ModelFiles, TaskOptions } from './contract.js';

/** A checked model of one task, what its metadata says, and how to name model.json in errors. */
export interface LoadedTaskModel<S> {
  model: Model;
  metadata: Record<string, unknown>;
  /** model.json's name in messages: the folder's path, or "model.json" for in-memory files. */
  where: string;
  /** The task's settings, read from the model's spec. */
  settings: S;
}

/**
 * Loads `files` as a model of `task` and returns what `build` makes of it. A model of another
 * task (metadata.task), a spec `settingsOf` refuses (its message prefixed with model.json's name)
 * or any error from `build` is a thrown error, with the model disposed.
 */
export async function loadTaskModel<S, T>(
  files: ModelFiles,
  task: string,
  options: TaskOptions & { source?: ModelFileSource },
  settingsOf: (spec: ModelSpec) => S,
  build: (loaded: LoadedTaskModel<S>) => T | Promise<T>,
): Promise<T> {
  const { backend, source } = options;
  const where = source?.json ?? 'model.json';
  const { model, metadata } = await modelFromFiles(files, {
    ...(backend ? { backend } : {}),
    ...(source ? { source } : {}),
  });
  try {
    if (metadata.task !== task) {
      throw new ModelFileError(
        `${where}: not a ${task} model (metadata.task is ${JSON.stringify(metadata.task)})`,
      );
    }
    let settings: S;
    try {
      settings = settingsOf(model.spec);
    } catch (error) {
      throw new ModelFileError(`${where}: ${(error as Error).message}`);
    }
    return await build({ model, metadata, where, settings });
  } catch (error) {
    model.dispose();
    throw error;
  }
}
