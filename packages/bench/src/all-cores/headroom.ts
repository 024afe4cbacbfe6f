// How much the machine's cores add right now, as a ceiling for the all-cores columns: n threads
// each multiplying matrices of their own (no exchange, nothing shared) against one thread alone,
// on the backend measured. On a VM whose vCPUs share physical cores (SMT siblings the hypervisor
// does not show), or beside a busy neighbour, n threads give less than n× however good our data
// parallelism is. Measured in pairs of windows, one thread alone then all at once, the ratio taken
// within each pair (so that a change in the machine's load between pairs cancels) and its median
// over the pairs reported.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { median } from '../measure.js';

/** One product per call: a training step's size (256 rows through a 1024 × 1024 weight). */
const [M, K, N] = [256, 1024, 1024];
const flopsPerProduct = 2 * M * K * N;
/** Length of one measuring window, and pairs of windows (one thread, then all). */
const windowMs = 500;
const windows = 5;

export interface Headroom {
  threads: number;
  /** GFLOP/s of one thread alone, and of all threads together (median windows). */
  oneThread: number;
  allThreads: number;
  /**
   * The median over the pairs of windows of all threads' rate over the one thread's just before:
   * at most `threads` on a steady machine; above it, the load changed between windows.
   */
  scaling: number;
}

interface WorkerSetup {
  headroomWorker: true;
  backend: string;
  backendModule: string;
}

/** Products completed in `ms`, and the time they took (the last one ends after the window). */
function productsFor(ms: number): { count: number; seconds: number } {
  return tf.tidy(() => {
    const a = tf.randomNormal([M, K]);
    const b = tf.randomNormal([K, N]);
    tf.matMul(a, b).dataSync(); // packs b before the window opens
    const start = performance.now();
    let count = 0;
    while (performance.now() - start < ms) {
      // A block, not `() => ...dataSync()`: tidy walks whatever it returns, element by element.
      tf.tidy(() => {
        tf.matMul(a, b).dataSync();
      });
      count++;
    }
    return { count, seconds: (performance.now() - start) / 1000 };
  });
}

/** The worker side: answers each window request with its products per second. */
async function serveWindows(setup: WorkerSetup): Promise<void> {
  await import(setup.backendModule);
  await useBackend(setup.backend);
  parentPort?.on('message', (ms: number) => {
    const { count, seconds } = productsFor(ms);
    parentPort?.postMessage(count / seconds);
  });
  parentPort?.postMessage('ready');
}

/** Measures `threads` threads against one (this one); the backend must be in use here already. */
export async function measureHeadroom(
  threads: number,
  backend: string,
  backendModule: string,
): Promise<Headroom> {
  const setup: WorkerSetup = { headroomWorker: true, backend, backendModule };
  const workers = Array.from(
    { length: threads - 1 },
    () => new Worker(new URL(import.meta.url), { workerData: setup }),
  );
  const next = (w: Worker) =>
    new Promise<unknown>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  try {
    await Promise.all(workers.map(next));
    const alone: number[] = [];
    const together: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < windows; i++) {
      const own = productsFor(windowMs);
      alone.push(own.count / own.seconds);
      const theirs = workers.map((w) => {
        const rate = next(w);
        w.postMessage(windowMs);
        return rate;
      });
      const mine = productsFor(windowMs);
      const rates = (await Promise.all(theirs)) as number[];
      together.push(rates.reduce((sum, r) => sum + r, mine.count / mine.seconds));
      ratios.push((together.at(-1) as number) / (alone.at(-1) as number));
    }
    const oneThread = (median(alone) * flopsPerProduct) / 1e9;
    const allThreads = (median(together) * flopsPerProduct) / 1e9;
    return { threads, oneThread, allThreads, scaling: median(ratios) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The description of the measurement, for the table. */
export const headroomText = `${M}×${K}×${N} matMuls, one stream per thread`;

// This module is also the workers' script (bundled into the all-cores child, it is that file).
if (!isMainThread && (workerData as Partial<WorkerSetup> | undefined)?.headroomWorker) {
  await serveWindows(workerData as WorkerSetup);
}
