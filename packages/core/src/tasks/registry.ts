// Task plug-ins: a task package (e.g. @recurrent/task-classification) registers how to create its
// task from a spec and load it from a model folder; core never imports a task. Names follow the
// spec's `task`, and common aliases find the same task (as transformers.js pipelines do).

export interface TaskPlugin<T = unknown> {
  /** The spec's task name: "classification", "generation", ... */
  readonly name: string;
  readonly aliases?: readonly string[];
  create(spec: unknown, options: { backend?: string }): T | Promise<T>;
  load(dir: string, options: { backend?: string }): Promise<T>;
}

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

export class TaskError extends Error {
  override name = 'TaskError';
}

export function registerTask(plugin: TaskPlugin): void {
  tasks.set(plugin.name, plugin);
  for (const alias of plugin.aliases ?? []) aliases.set(alias, plugin.name);
}

/** The task's name for a name or alias ("sentiment-analysis" → "classification"). */
export function taskName(nameOrAlias: string): string {
  return aliases.get(nameOrAlias) ?? nameOrAlias;
}

/** The registered plug-in for a task name or alias; the error says which package provides it. */
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
