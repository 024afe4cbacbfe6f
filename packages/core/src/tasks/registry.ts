// Task plug-ins: a task package (e.g. @recurrent/task-classification) registers how to create its
// task from a spec and load it from model files; core never imports a task. Names follow the
// spec's `task`, and common aliases find the same task (as transformers.js pipelines do).
import type { AnyTask, Task, TaskName, TaskPlugin, TaskTypes } from './contract.js';

const defaultAliases: Record<string, string> = {
  'sentiment-analysis': 'classification',
  'text-classification': 'classification',
  'text-generation': 'generation',
  'language-modeling': 'generation',
  'time-series-forecasting': 'forecasting',
  'token-classification': 'tagging',
  'pos-tagging': 'tagging',
  'machine-translation': 'translation',
};

/** The package that provides each task, for "how to fix" messages. */
const taskPackages: Record<string, string> = {
  classification: '@recurrent/task-classification',
  generation: '@recurrent/task-generation',
  translation: '@recurrent/task-translation',
  forecasting: '@recurrent/task-forecasting',
  tagging: '@recurrent/task-tagging',
};

const tasks = new Map<string, TaskPlugin>();
const aliases = new Map<string, string>(Object.entries(defaultAliases));

/** A task that is not registered, a spec or files of another task than asked, a missing tool. */
export class TaskError extends Error {
  override name = 'TaskError';
}

/**
 * Registers a task package's plug-in (its entry does this when imported). Registering the same
 * name again replaces it: a package's `/node` entry re-registers its plug-in with file readers.
 */
export function registerTask<K extends TaskName>(plugin: TaskPlugin<K, TaskTypes[K] & Task>): void {
  tasks.set(plugin.name, plugin as unknown as TaskPlugin);
  for (const alias of plugin.aliases ?? []) aliases.set(alias, plugin.name);
}

/** The task's name for a name or alias ("sentiment-analysis" → "classification"). */
export function taskName(nameOrAlias: string): string {
  return aliases.get(nameOrAlias) ?? nameOrAlias;
}

/** The registered plug-in for a task name or alias; the error says which package provides it. */
export function findTask<K extends TaskName>(nameOrAlias: K): TaskPlugin<K, TaskTypes[K] & Task>;
export function findTask(nameOrAlias: string): TaskPlugin<string, AnyTask & Task>;
export function findTask(nameOrAlias: string): TaskPlugin {
  const name = taskName(nameOrAlias);
  const plugin = tasks.get(name);
  if (plugin) return plugin;
  const pkg = taskPackages[name];
  throw new TaskError(
    pkg
      ? `task "${nameOrAlias}"${name !== nameOrAlias ? ` (${name})` : ''} is not registered: install ${pkg} and import it once`
      : `unknown task "${nameOrAlias}": the tasks are ${Object.keys(taskPackages).join(', ')} (aliases: ${[...aliases.keys()].join(', ')})`,
  );
}

/** Every registered task name. */
export function registeredTasks(): string[] {
  return [...tasks.keys()];
}

/** Every registered plug-in (e.g. for the CLI to offer each task's options). */
export function registeredPlugins(): TaskPlugin[] {
  return [...tasks.values()];
}
