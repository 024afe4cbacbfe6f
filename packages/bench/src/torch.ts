// PyTorch reference: torch_reference.py (the team's shared/bench folder; not part of this
// repository), one process per workload and thread count: 1 thread as its header says, and the
// all-cores columns' count (OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=n). Its path is --torch-script,
// or the shared folder beside the repository when that exists. It does not depend on our backend,
// so it runs once per bench run (before ours, not alongside: two busy processes on a 2-core
// machine would disturb both).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorText, type Outcome, summarize } from './measure.js';

const python = '/usr/bin/python3';

export interface TorchRun {
  outcome: Outcome;
  system?: string;
  threads?: number;
}

/** Where the script is looked for without --torch-script: shared/bench beside the repository. */
export function defaultTorchScripts(): string[] {
  return [
    // .bench/run.mjs -> packages/bench -> packages -> repository -> its parent
    new URL('../../../../shared/bench/torch_reference.py', import.meta.url),
    // `pnpm bench` runs in packages/bench
    new URL('../../../shared/bench/torch_reference.py', `file://${process.cwd()}/`),
  ].map((url) => fileURLToPath(url));
}

/** The script to run: the one named by --torch-script, else the first default that exists. */
export function torchScript(named: string | undefined): string | undefined {
  return named ?? defaultTorchScripts().find((path) => existsSync(path));
}

/** Why PyTorch cannot run, or undefined when it can. */
export function torchUnavailable(named: string | undefined): string | undefined {
  if (!torchScript(named)) {
    const looked = [...new Set(defaultTorchScripts())].join(', ');
    return `no torch_reference.py (looked in ${looked}): pass --torch-script PATH (the script is in the team's shared/bench folder), or --no-torch`;
  }
  const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
  if (probe.status !== 0) {
    return `${python} cannot import torch (apt-get install python3-torch libopenblas0-pthread)`;
  }
  return undefined;
}

/**
 * PyTorch's script times each run alone: for workloads whose run takes tens of milliseconds (W3,
 * W5, W6) it gets more reps and warm-ups, so that its median is as steady as ours (measure.ts
 * times such runs in groups).
 */
const shortWorkloads = new Set(['W3', 'W5', 'W6']);

/**
 * Seconds per run of `workload` in PyTorch on `threads` threads (3 reps at least after 2
 * warm-ups; 30 after 5 for short workloads).
 */
export function runTorch(
  workload: string,
  reps: number,
  named: string | undefined,
  threads = 1,
): TorchRun {
  const script = torchScript(named);
  if (!script) return { outcome: { error: 'torch_reference.py not found' } };
  const short = shortWorkloads.has(workload);
  const args = [String(Math.max(reps, short ? 30 : 3)), short ? '5' : '2'];
  const child = spawnSync(python, [script, workload, ...args], {
    encoding: 'utf8',
    timeout: 600_000,
    env: {
      ...process.env,
      OMP_NUM_THREADS: String(threads),
      OPENBLAS_NUM_THREADS: String(threads),
    },
  });
  if (child.error || child.status !== 0) {
    const why = child.error ? errorText(child.error) : child.stderr.trim().split('\n').pop();
    return {
      outcome: { error: `torch_reference.py ${workload} (${threads} threads) failed: ${why}` },
    };
  }
  try {
    const result = JSON.parse(child.stdout.trim().split('\n').pop() as string) as {
      system: string;
      threads: number;
      times: number[];
    };
    if (result.threads !== threads) {
      return {
        outcome: {
          error: `torch_reference.py ran on ${result.threads} threads where ${threads} were asked`,
        },
      };
    }
    // Seconds per run, converted to the metric by the workload as ours are.
    return {
      outcome: { measure: summarize(result.times) },
      system: result.system,
      threads: result.threads,
    };
  } catch (error) {
    return { outcome: { error: `unreadable torch_reference.py output: ${errorText(error)}` } };
  }
}
