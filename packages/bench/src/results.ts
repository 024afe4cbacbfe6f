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
  error?: string;
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
  target?: { text: string; met?: boolean; failed?: string[] };
}

export function cell(outcome: Outcome, workload: Workload): Cell {
  if (!outcome.measure) return { error: outcome.error };
  const { median, low, high, reps, capped, fromWarmUp } = outcome.measure;
  const [a, b] = [workload.metric(low), workload.metric(high)];
  return {
    value: workload.metric(median),
    low: Math.min(a, b),
    high: Math.max(a, b),
    reps,
    capped,
    ...(fromWarmUp ? { fromWarmUp } : {}),
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
