// Data-parallel threads for any task (Node): `threads(n)` is a ParallelFactory a task's `train`
// takes as `parallel`. Each worker thread runs core's generic worker module, which imports the
// task's plug-in module (and the backend's) and asks the plug-in for its training target, so no
// one writes a worker module of their own.
import { availableParallelism } from 'node:os';
import { listBackends } from '../backends/registry.js';
import type { ParallelFactory } from '../tasks/contract.js';
import { TaskError } from '../tasks/registry.js';
import { GradientWorkers } from './data-parallel.js';
import { type TaskWorkerSetup, taskParallel } from './task-parallel.js';

export interface ThreadsOptions {
  /**
   * Modules each worker imports before building the model, e.g. the one that registers your
   * backends. A backend plug-in that declares its `module` is imported without being listed.
   */
  modules?: readonly (string | URL)[];
}

/** What the generic worker receives at start (see task-worker.ts). */
export interface TaskWorkerConfig extends TaskWorkerSetup {
  modules: string[];
}

/**
 * A module URL Node can run in a worker thread. This repository's tests read packages from their
 * TypeScript source (`src/x.ts`), which a plain worker thread cannot import; tsc emits each of them
 * as `dist/x.js`, so the built file stands in for it (build first).
 */
export function runnableModule(url: string | URL): string {
  const href = String(url);
  if (!href.startsWith('file:') || !href.endsWith('.ts')) return href;
  return href.replace(/\/src\/(?!.*\/src\/)/, '/dist/').replace(/\.ts$/, '.js');
}

const workerScript = new URL(
  runnableModule(
    new URL(
      import.meta.url.endsWith('.ts') ? './task-worker.ts' : './task-worker.js',
      import.meta.url,
    ),
  ),
);

/**
 * "auto": one thread per core, at most 4, on backends where a step runs on one core (cpu, wasm);
 * one elsewhere (a GPU backend runs each step on the device already), and one for a spec that
 * trains in truncated-BPTT chunks (each chunk starts from the state the previous one ended with,
 * so a batch cannot be split by rows; fit refuses that combination). Runs that carry the state
 * from batch to batch (generation's streams) split by rows, each thread carrying its rows' states.
 * What bounds the gain is each thread's half batch (on wasm one thread's step at batch 16 costs
 * 0.51-0.54 of batch 32 for the char-rnn model) and the optimizer step, which runs on this thread
 * alone; the threads' exchanges cost a few ms a step (see the README's data parallelism).
 */
export function defaultThreadCount(
  backend: string,
  spec?: { training?: { truncatedBptt?: number | undefined } },
): number {
  if (spec?.training?.truncatedBptt !== undefined) return 1;
  return backend === 'cpu' || backend === 'wasm' ? Math.min(4, availableParallelism()) : 1;
}

/** Splits each batch by rows over `count` threads: this one and `count - 1` worker threads. */
export function threads(count: number, options: ThreadsOptions = {}): ParallelFactory {
  return taskParallel('threads', count, ({ model, plugin, setup, workers }) => {
    if (!plugin.module) {
      throw new TaskError(
        `the ${plugin.name} plug-in declares no module URL for worker threads to import (a bundle without import.meta.url?)`,
      );
    }
    const backendModule = listBackends().find((b) => b.name === setup.backend)?.module;
    const modules = [
      ...(options.modules ?? []).map(String),
      ...(backendModule ? [backendModule] : []),
      plugin.module,
    ].map(runnableModule);
    const config: TaskWorkerConfig = { ...setup, modules };
    return GradientWorkers.start(model, { workers, script: workerScript, config });
  });
}
