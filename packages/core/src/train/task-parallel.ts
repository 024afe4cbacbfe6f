// What Node's `threads(n)` (threads.ts) and a page's `webWorkerThreads(n)` (web-workers.ts) share:
// the checks of a task's data-parallel run, the single-thread run, and the worker side's training
// target from the task's registered plug-in. Only how workers start differs between them.
import { listBackends } from '../backends/registry.js';
import type {
  ParallelFactory,
  ParallelRun,
  ParallelSetup,
  TaskPlugin,
  TrainingTarget,
} from '../tasks/contract.js';
import { findTask, TaskError } from '../tasks/registry.js';

/** What a task's worker is sent at start: the task, the backend and the trainingTarget config. */
export interface TaskWorkerSetup {
  task: string;
  backend: string;
  target: unknown;
}

/**
 * A factory splitting each batch over `count` threads: this one and `count - 1` workers started
 * by `start` for a task whose plug-in trains on several threads. `name` is the factory's, for errors.
 */
export function taskParallel(
  name: string,
  count: number,
  start: (run: {
    model: ParallelSetup['model'];
    plugin: TaskPlugin;
    setup: TaskWorkerSetup;
    workers: number;
  }) => Promise<ParallelRun>,
): ParallelFactory {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`${name}: expected a positive integer, got ${count}`);
  }
  return async ({ model, task, config }): Promise<ParallelRun> => {
    if (count === 1) {
      return {
        threads: 1,
        gradients: () => Promise.reject(new Error(`${name}(1) computes no gradients of its own`)),
        dispose: async () => {},
      };
    }
    const plugin = findTask(task);
    if (!plugin.trainingTarget) {
      throw new TaskError(`the ${plugin.name} task does not train on several threads`);
    }
    const setup = { task: plugin.name, backend: model.backend, target: config };
    return start({ model, plugin, setup, workers: count - 1 });
  };
}

/**
 * In a worker: the training target of the task's plug-in on the backend the run uses, both
 * registered in this worker (by `hint`'s means when they are not).
 */
export function taskTrainingTarget(setup: TaskWorkerSetup, hint: string): Promise<TrainingTarget> {
  const { task, backend, target } = setup;
  if (!listBackends().some((b) => b.name === backend)) {
    throw new Error(`backend "${backend}" is not registered in the worker thread: ${hint}`);
  }
  const plugin = findTask(task);
  if (!plugin.trainingTarget) throw new Error(`the ${task} task has no trainingTarget`);
  return plugin.trainingTarget(target, { backend });
}
