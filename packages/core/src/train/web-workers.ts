// Data-parallel training in a page: `webWorkerThreads(n, { spawn })` is the ParallelFactory a
// task's `train` takes as `parallel`, starting n - 1 Web Workers through the pool Node's threads
// use (parallel/gradient-workers.ts), and `serveTaskGradients()` is what their module calls. A
// bundler must see everything a worker runs, so the worker module imports its backends and task
// plug-ins statically (nothing is imported by URL at run time, as Node's task-worker.ts does):
//
//   // gradient-worker.ts
//   import '@recurrent/backend-wasm';
//   import '@recurrent/task-classification';
//   import { serveTaskGradients } from '@recurrent/core';
//   serveTaskGradients();
//
//   // the page (or its training worker)
//   const parallel = webWorkerThreads(2, {
//     spawn: () => new Worker(new URL('./gradient-worker.ts', import.meta.url), { type: 'module' }),
//   });
//
// The weights and gradients live in SharedArrayBuffers, which a page has only when it is
// cross-origin isolated (served with COOP/COEP headers).
import type { ParallelFactory } from '../tasks/contract.js';
import { GradientWorkers, serveGradients } from './parallel/gradient-workers.js';
import {
  type WebWorker,
  type WebWorkerScope,
  webWorker,
  webWorkerPort,
} from './parallel/web-transport.js';
import { type TaskWorkerSetup, taskParallel, taskTrainingTarget } from './task-parallel.js';

export interface WebWorkerThreadsOptions {
  /** Starts one worker: a module worker whose module calls serveTaskGradients(). */
  spawn: () => WebWorker;
  /** How long the workers may take to load and build the model, in ms (default 120,000). */
  startTimeoutMs?: number;
}

/** Why this context cannot share memory with workers, or undefined when it can. */
export function sharedMemoryProblem(
  scope: { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean } = globalThis,
): string | undefined {
  if (typeof scope.SharedArrayBuffer === 'function' && scope.crossOriginIsolated !== false) {
    return undefined;
  }
  return 'data-parallel training in a page shares memory with its workers (SharedArrayBuffer), which a page has only when cross-origin isolated: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';
}

/** Splits each batch by rows over `count` threads: this one and `count - 1` Web Workers. */
export function webWorkerThreads(count: number, options: WebWorkerThreadsOptions): ParallelFactory {
  return taskParallel('webWorkerThreads', count, ({ model, setup, workers }) => {
    const problem = sharedMemoryProblem();
    if (problem) throw new Error(problem);
    return GradientWorkers.start(model, {
      workers,
      config: setup,
      ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
      transport: () => {
        let worker: WebWorker;
        try {
          worker = options.spawn();
        } catch (error) {
          throw new Error(
            `webWorkerThreads: a gradient worker failed to start: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        return webWorker(worker);
      },
    });
  });
}

/**
 * The worker side of webWorkerThreads: serves the gradients of the task's training target on the
 * run's backend. Call it from the worker module after importing (statically) the backends and
 * task plug-ins the page trains with. `scope`: this worker's global scope (default `self`).
 */
export function serveTaskGradients(
  scope: WebWorkerScope = globalThis as unknown as WebWorkerScope,
): void {
  serveGradients(
    (config) =>
      taskTrainingTarget(
        config as TaskWorkerSetup,
        'import the package that registers it in the gradient worker module',
      ),
    webWorkerPort(scope),
  );
}
