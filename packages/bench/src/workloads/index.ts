// Every workload of BENCHMARKS.md, in table order.
import { charLmTraining, generation } from './char-lm.js';
import { matrixProduct } from './matmul.js';
import { sentimentTraining } from './sentiment.js';
import type { Workload } from './workload.js';

export type { Workload, WorkloadContext, WorkloadId } from './workload.js';

export const workloads: Workload[] = [
  ...charLmTraining,
  sentimentTraining,
  generation,
  matrixProduct,
].sort((a, b) => a.id.localeCompare(b.id));
