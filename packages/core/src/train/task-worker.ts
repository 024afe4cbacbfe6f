// The generic worker thread of data-parallel training (see threads.ts): it imports the modules it
// is given (the backend's and the task plug-in's, which register themselves), then serves the
// gradients of the task's training target on the same backend.
import { serveGradients } from './data-parallel.js';
import { taskTrainingTarget } from './task-parallel.js';
import type { TaskWorkerConfig } from './threads.js';

serveGradients(async (config) => {
  const { modules, ...setup } = config as TaskWorkerConfig;
  for (const module of modules) await import(module);
  return taskTrainingTarget(setup, 'pass the module that registers it to threads(n, { modules })');
});
