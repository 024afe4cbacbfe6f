// Data parallelism on Node's worker threads: the pool of parallel/gradient-workers.ts (the same
// on every platform) with Node's worker_threads as its default transport. The worker module calls
// serveGradients() with a factory building the model and the loss from a JSON config (see
// task-worker.ts); a page uses Web Workers instead (web-workers.ts), through the same pool.
import type { Model } from '../model/model.js';
import {
  serveGradients as serveOn,
  GradientWorkers as WorkerPool,
  type WorkerPoolOptions,
} from './parallel/gradient-workers.js';
import { nodeParentPort, nodeWorker } from './parallel/node-transport.js';
import type { WorkerPort, WorkerTransport } from './parallel/transport.js';

export { partShares, splitBatch, splitRows, splitStates } from './parallel/batch-parts.js';
export type { StepTimings, WorkerTimings } from './parallel/gradient-workers.js';

export interface GradientWorkersOptions extends Omit<WorkerPoolOptions, 'transport'> {
  /** The worker module (it calls serveGradients). */
  script: URL;
  /** Starts one worker (default: a Node worker thread running `script`). */
  transport?: () => WorkerTransport;
}

/** The pool of gradient-workers.ts; `start` defaults its transport to Node's worker threads. */
export type GradientWorkers = WorkerPool;
export const GradientWorkers = {
  /** Starts the workers (Node worker threads running `script` unless `transport` is given). */
  start(model: Model, options: GradientWorkersOptions): Promise<GradientWorkers> {
    const { script, transport, ...rest } = options;
    return WorkerPool.start(model, { ...rest, transport: transport ?? (() => nodeWorker(script)) });
  },
};

/** serveGradients of gradient-workers.ts, on this Node worker thread's parent port by default. */
export function serveGradients(
  setup: Parameters<typeof serveOn>[0],
  port: WorkerPort = nodeParentPort(),
): void {
  serveOn(setup, port);
}
