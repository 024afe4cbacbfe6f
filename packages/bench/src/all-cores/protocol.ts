// What the bench process asks of the all-cores child process and what it answers: one JSON
// request on the command line, one JSON line per workload on stdout (progress goes to stderr).
import type { Outcome } from '../measure.js';
import type { Headroom } from './headroom.js';

/** The training workloads that have an all-cores column. */
export const allCoresWorkloads = ['W1', 'W2', 'W4', 'W6'] as const;
export type AllCoresWorkload = (typeof allCoresWorkloads)[number];

export interface AllCoresRequest {
  backend: string;
  threads: number;
  workloads: AllCoresWorkload[];
  reps: number;
  maxSeconds: number;
}

export interface AllCoresReply {
  workload: AllCoresWorkload;
  /** Threads the data-parallel run actually used (this one and its workers). */
  threads: number;
  /** The same task target's step on this thread alone, in windows paired with the parallel runs'. */
  oneThread: Outcome;
  allCores: Outcome;
  /** One thread's seconds per step over all threads', within each pair of windows (paired.ts). */
  ratios?: number[];
  /** The median of `ratios`: what the threads add. */
  scaling?: number;
  /** Setup failed (the worker pool, the target): no outcomes. */
  error?: string;
}

/** The child's first line: what the machine's threads add (headroom.ts), or why it is unknown. */
export interface HeadroomReply {
  headroom: Headroom | { error: string };
}
