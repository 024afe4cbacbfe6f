// The result rows: each competitor's measurement converted to the workload's metric, the ratios,
// and the BENCHMARKS.md target. The table and results.json are both made from these.
import type { EmbeddingGradient } from './layers-embedding.js';
import type { Outcome } from './measure.js';
import type { Workload, WorkloadId } from './workloads/index.js';

/** One competitor's figure in the workload's unit (low..high over the reps), or its error. */
export interface Cell {
  value?: number;
  low?: number;
  high?: number;
  reps?: number;
  capped?: boolean;
  fromWarmUp?: boolean;
  /** Threads the figure was measured with (ours: the data-parallel threads; PyTorch: intra-op). */
  threads?: number;
  error?: string;
}

/**
 * The all-cores columns: our data-parallel training on `threads` threads (core's threads(n) with
 * the task's training target) and PyTorch on as many, measured in the same run.
 */
export interface AllCores {
  threads: number;
  ours: Cell;
  /**
   * The same training target's step on one thread, in the same process, in windows paired with
   * `ours`'s (all-cores/paired.ts): the base of `scaling`.
   */
  oneThread: Cell;
  /**
   * How much the threads add (1.7x is the target on 2 cores): the median over the pairs of
   * windows of one thread's seconds per step over all threads'.
   */
  scaling?: number;
  /** That ratio in each pair of windows. */
  pairRatios?: number[];
  torch?: Cell;
  /** Above 1: ours on `threads` threads is faster than PyTorch on as many. */
  vsTorch?: number;
}

export interface Row {
  backend: string;
  workload: WorkloadId;
  title: string;
  unit: string;
  higherIsBetter: boolean;
  ours: Cell;
  /** Undefined where tfjs-layers has no counterpart (W5). */
  layers?: Cell & {
    /** Kernels our plug-in replaced, swapped back to tfjs's own around tfjs-layers' runs. */
    stockKernels: string[];
    embeddingGradient?: EmbeddingGradient;
    why?: string;
  };
  torch?: Cell;
  /** Above 1: Recurrent is faster (ratios of throughput, or inverse ratios of latency). */
  vsLayers?: number;
  vsTorch?: number;
  /** Absent for workloads without data-parallel training, or with --threads 1. */
  allCores?: AllCores;
  target?: {
    text: string;
    met?: boolean;
    failed?: string[];
    /** Checks with nothing to judge them by (PyTorch or W5 not run, no all-cores columns). */
    unjudged?: string[];
  };
}

export function cell(outcome: Outcome, workload: Workload, threads?: number): Cell {
  if (!outcome.measure) return { error: outcome.error, ...(threads ? { threads } : {}) };
  const { median, low, high, reps, capped, fromWarmUp } = outcome.measure;
  const [a, b] = [workload.metric(low), workload.metric(high)];
  return {
    value: workload.metric(median),
    low: Math.min(a, b),
    high: Math.max(a, b),
    reps,
    capped,
    ...(fromWarmUp ? { fromWarmUp } : {}),
    ...(threads ? { threads } : {}),
  };
}

/** How many times faster ours is than `other`, or undefined when either is missing. */
export function speedup(
  row: Pick<Row, 'ours' | 'higherIsBetter'>,
  other?: Cell,
): number | undefined {
  const ours = row.ours.value;
  const theirs = other?.value;
  if (ours === undefined || theirs === undefined) return undefined;
  return row.higherIsBetter ? ours / theirs : theirs / ours;
}
