// Data-parallel threads for any task (Node): `threads(n)` is a ParallelFactory a task's `train`
// takes as `parallel`. Each worker thread runs core's generic worker module, which imports the
// task's plug-in module (and the backend's) and asks the plug-in for its training target, so no
// one writes a worker module of their own.
import { availableParallelism } from 'node:os';
import { listBackends } from '../backends/registry.js';
import type { ParallelFactory } from '../tasks/contract.js';
import { TaskError } from '../tasks/registry.js';
import { GradientWorkers } from './data-parallel.js';
import {
  defaultBatchSize,
  generationChunkLength,
  recurrentStepWork,
  type StepWorkSpec,
} from './step-work.js';
import { type TaskWorkerSetup, taskParallel } from './task-parallel.js';

export interface ThreadsOptions {
  /**
   * Modules each worker imports before building the model, e.g. the one that registers your
   * backends. A backend plug-in that declares its `module` is imported without being listed.
   */
  modules?: readonly (string | URL)[];
  /** How long the workers may take to import the modules and build the model, in ms (default 120,000). */
  startTimeoutMs?: number;
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
 * Below this many FLOPs in one time step's recurrent products over the batch
 * (recurrentStepWork), `auto` trains padded batches (every task but generation) on one thread.
 * Measured on our 2-core machine (wasm, epochs 2-4 of the example on 5,000 SST-2 sentences through
 * the CLI, their training seconds; 2 threads against 1), MFLOP → gain: forecasting-airline-lstm
 * 0.14 → 0.42-0.5×; sentiment-small 0.79 → 0.6×; classification-sentiment-gru 6.3 → 0.98-1.01×;
 * the same with GRU 96: 11.8 → 1.01-1.05×, with GRU 128: 18.9 → 1.07-1.10×; pos-bilstm 40 → 1.2×
 * (ATIS sentences are short: per-batch costs weigh more); W2 29.9 → 1.90-2.15× (`pnpm bench`).
 */
export const minSplitWork = 10e6;

/**
 * Below this many FLOPs in one batch's recurrent products (a time step's, recurrentStepWork, times
 * the chunk length), `auto` trains a generation spec on one thread. Its rows are full chunks of
 * input.maxLength tokens, never padded sentences a few tokens long, so the per-batch costs of
 * splitting (the exchanges, ~2 ms) are paid for by far less work a step. Measured as above
 * (epochs 2-3) on Tiny Shakespeare (400 or 150 KB), chunks of 64, MFLOP a batch → gain: batch 32:
 * GRU 32 19 → 0.92-0.95×, GRU 48 47 → 1.10-1.22×, GRU 64 (W6) 76 → 1.2×, GRU 128 250 →
 * 1.4-1.5×; batch 16: LSTM 64 50 → 1.3×; batch 8: GRU 96 38 → 0.95-0.98×, GRU 128 63 →
 * 1.07-1.09×; `pnpm bench`: W4 (2,600) 1.70-1.83×, W1 (3,500) 1.76-1.79×. Small batches gain
 * less for their work (each thread's rows fill less of a product), hence the margin above the
 * batch-32 break-even.
 */
export const minSplitChunkWork = 48e6;

export interface ThreadChoice {
  threads: number;
  /** Why, in words for a progress line. */
  reason: string;
}

/**
 * What "auto" picks, and why: one thread per core, at most 4, on backends where a step runs on
 * one core (cpu, wasm); one elsewhere (a GPU backend runs each step on the device already), for a
 * spec that trains in truncated-BPTT chunks (each chunk starts from the state the previous one
 * ended with, so a batch cannot be split by rows; fit refuses that combination), and for a spec
 * whose batches are too small to gain from splitting (minSplitWork; minSplitChunkWork for
 * generation); never more threads than a batch has rows. Runs that carry the state from batch to
 * batch (generation's streams) split by rows, each thread carrying its rows' states.
 * What bounds the gain is each thread's half batch (on wasm one thread's step at batch 16 costs
 * 0.51-0.54 of batch 32 for the char-rnn model) and the optimizer step, which runs on this thread
 * alone; the threads' exchanges cost a few ms a step (see the README's data parallelism).
 */
export function autoThreads(
  backend: string,
  spec?: StepWorkSpec & { training?: { truncatedBptt?: number | undefined } },
): ThreadChoice {
  if (backend !== 'cpu' && backend !== 'wasm')
    return { threads: 1, reason: `${backend} runs each step on its device` };
  if (spec?.training?.truncatedBptt !== undefined)
    return { threads: 1, reason: 'truncated-BPTT chunks cannot be split by rows' };
  const small = tooSmallToSplit(spec);
  if (small) return { threads: 1, reason: small };
  const cores = Math.min(4, availableParallelism());
  const rows = spec?.training?.batchSize ?? defaultBatchSize;
  if (rows < cores) return { threads: rows, reason: `one thread per row of a batch (${rows})` };
  return { threads: cores, reason: `one thread per core${cores === 4 ? ', at most 4' : ''}` };
}

const mflop = (n: number) => `${Number((n / 1e6).toPrecision(2))} MFLOP`;

/** Why a spec's batches are too small to gain from splitting, or undefined (see above). */
function tooSmallToSplit(spec: StepWorkSpec | undefined): string | undefined {
  const work = recurrentStepWork(spec);
  if (work === undefined) return undefined;
  const chunk = generationChunkLength(spec);
  if (chunk !== undefined) {
    const batchWork = work * chunk;
    if (batchWork >= minSplitChunkWork) return undefined;
    return `a batch's recurrent products (chunks of ${chunk} tokens) are ${mflop(batchWork)}, under the ${mflop(minSplitChunkWork)} that splitting batches needs to gain`;
  }
  if (work >= minSplitWork) return undefined;
  return `a time step's recurrent products over a batch are ${mflop(work)}, under the ${mflop(minSplitWork)} that splitting batches needs to gain`;
}

/** The thread count of autoThreads (`--threads auto`). */
export function defaultThreadCount(
  backend: string,
  spec?: StepWorkSpec & { training?: { truncatedBptt?: number | undefined } },
): number {
  return autoThreads(backend, spec).threads;
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
    return GradientWorkers.start(model, {
      workers,
      script: workerScript,
      config,
      ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
    });
  });
}
