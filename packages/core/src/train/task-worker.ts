// The generic worker thread of data-parallel training (see threads.ts): it imports the modules it
// is given (the backend's and the task plug-in's, which register themselves), then serves the
// gradients of the task's training target on the same backend.
import { listBackends } from '../backends/registry.js';
import { findTask } from '../tasks/registry.js';
import { serveGradients } from './data-parallel.js';
import type { TaskWorkerConfig } from './threads.js';

serveGradients(async (config) => {
  const { modules, task, backend, target } = config as TaskWorkerConfig;
  for (const module of modules) await import(module);
  if (!listBackends().some((b) => b.name === backend)) {
    throw new Error(
      `backend "${backend}" is not registered in the worker thread: pass the module that registers it to threads(n, { modules })`,
    );
  }
  const plugin = findTask(task);
  if (!plugin.trainingTarget) throw new Error(`the ${task} task has no trainingTarget`);
  return plugin.trainingTarget(target, { backend });
});
