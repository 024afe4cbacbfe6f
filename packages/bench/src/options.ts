// Command-line options of `pnpm bench` (README.md lists them).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { WorkloadId } from './workloads/index.js';

export interface Options {
  reps: number;
  only: WorkloadId[];
  /** Undefined: every available backend that "auto" would consider. */
  backends: string[] | undefined;
  torch: boolean;
  /** --torch-script: PyTorch's reference script; undefined: look beside the repository. */
  torchScript: string | undefined;
  /** Budget for the timed reps of one competitor in one workload. */
  maxSeconds: number;
  /**
   * Threads of the all-cores columns (ours data-parallel, PyTorch's intra-op): the machine's
   * cores unless --threads; 1 leaves those columns out.
   */
  threads: number;
  /** Whether --threads was given (else it is the machine's core count). */
  threadsGiven: boolean;
}

const ids: WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'];
const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function parseOptions(argv = process.argv.slice(2)): Options {
  const { values } = parseArgs({
    args: argv,
    // `pnpm bench -- --reps 1` may pass the "--" through.
    allowPositionals: true,
    options: {
      reps: { type: 'string', default: '3' },
      only: { type: 'string' },
      backends: { type: 'string' },
      'no-torch': { type: 'boolean', default: false },
      'torch-script': { type: 'string' },
      'max-seconds': { type: 'string', default: '25' },
      threads: { type: 'string' },
    },
  });
  const reps = Number(values.reps);
  const maxSeconds = Number(values['max-seconds']);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps must be a positive integer`);
  if (!(maxSeconds > 0)) throw new Error(`--max-seconds must be a positive number`);
  const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`--threads must be a positive integer, got "${values.threads}"`);
  }
  const only = values.only ? list(values.only.toUpperCase()) : ids;
  const unknown = only.filter((id) => !ids.includes(id as WorkloadId));
  if (unknown.length) throw new Error(`--only: unknown workload ${unknown.join(', ')} (W1..W6)`);
  const torchScript = values['torch-script'] ? resolve(values['torch-script']) : undefined;
  if (torchScript && !existsSync(torchScript)) {
    throw new Error(`--torch-script: ${torchScript} does not exist`);
  }
  if (torchScript && values['no-torch']) {
    throw new Error('--torch-script and --no-torch contradict each other: give one');
  }
  return {
    reps,
    only: only as WorkloadId[],
    backends: values.backends ? list(values.backends.toLowerCase()) : undefined,
    torch: !values['no-torch'],
    torchScript,
    maxSeconds,
    threads,
    threadsGiven: values.threads !== undefined,
  };
}
