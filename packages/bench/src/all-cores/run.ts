// The bench process's side of the all-cores measurement: runs the child (child.ts, built as
// .bench/all-cores.mjs) for one backend and reads its replies. Our own process waits meanwhile,
// so nothing else of ours runs while the child measures.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorText } from '../measure.js';
import { type AllCores, cell, speedup } from '../results.js';
import { minScaling } from '../targets.js';
import type { TorchRun } from '../torch.js';
import type { Workload } from '../workloads/index.js';
import { headroomText } from './headroom.js';
import {
  type AllCoresReply,
  type AllCoresRequest,
  type AllCoresWorkload,
  allCoresWorkloads,
  type HeadroomReply,
} from './protocol.js';

/** Backends where a training step runs on one core, so threads can add cores (as threads.ts). */
export const threadedBackends = ['cpu', 'wasm'];

export const isAllCoresWorkload = (id: string): id is AllCoresWorkload =>
  (allCoresWorkloads as readonly string[]).includes(id);

/** The newest modification time of the files under `dir` (0 when there is none). */
function newest(dir: string, skip: RegExp): number {
  if (!existsSync(dir)) return 0;
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || skip.test(entry.name)) continue;
    time = Math.max(time, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return time;
}

/**
 * The packages the child runs from dist/ whose sources changed since their last build (or that
 * were never built): `pnpm bench` at the root builds them first, `pnpm --filter` does not.
 */
export function staleBuilds(backend: string): string[] {
  const packages = [
    '@recurrent/core',
    `@recurrent/backend-${backend}`,
    '@recurrent/task-generation',
    '@recurrent/task-classification',
  ];
  const require = createRequire(import.meta.url);
  const stale: string[] = [];
  for (const name of packages) {
    let root: string;
    try {
      root = dirname(require.resolve(`${name}/package.json`));
    } catch {
      continue; // not resolvable from here: the child reports it
    }
    const built = newest(join(root, 'dist'), /\.tsbuildinfo$/);
    if (built === 0 || newest(join(root, 'src'), /\.test\.ts$/) > built) stale.push(name);
  }
  return stale;
}

export interface AllCoresReplies {
  replies: Map<AllCoresWorkload, AllCoresReply>;
  headroom: HeadroomReply['headroom'];
}

/**
 * One reply per requested workload, and the machine's headroom; a child that fails gives each
 * the same error.
 */
export function measureAllCores(request: AllCoresRequest): AllCoresReplies {
  const replies = new Map<AllCoresWorkload, AllCoresReply>();
  let headroom: HeadroomReply['headroom'] | undefined;
  const script = fileURLToPath(new URL('./all-cores.mjs', import.meta.url));
  const child = spawnSync(process.execPath, [script, JSON.stringify(request)], {
    encoding: 'utf8',
    // Progress and warnings show as they come; replies are the JSON lines on stdout.
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
    // A hung worker pool must not hang the bench: 20 minutes a workload is far beyond any step.
    timeout: request.workloads.length * 1_200_000,
  });
  for (const line of (child.stdout ?? '').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const reply = JSON.parse(line) as AllCoresReply | HeadroomReply;
      if ('headroom' in reply) headroom = reply.headroom;
      else replies.set(reply.workload, reply);
    } catch {
      // Not a reply (a stray log line): ignored.
    }
  }
  const why = child.error
    ? errorText(child.error)
    : `exited with ${child.signal ?? `code ${child.status}`} (after ${replies.size} of ${request.workloads.length} workloads; is every package built? \`pnpm bench\` at the repository root builds them)`;
  for (const workload of request.workloads) {
    if (replies.has(workload)) continue;
    const failed = { error: `all-cores process ${why}` };
    replies.set(workload, {
      workload,
      threads: request.threads,
      oneThread: failed,
      allCores: failed,
    });
  }
  return { replies, headroom: headroom ?? { error: `all-cores process ${why}` } };
}

/** The row's all-cores columns from the child's reply and PyTorch on as many threads. */
export function allCoresColumns(
  reply: AllCoresReply,
  workload: Workload,
  torch: TorchRun | undefined,
): AllCores {
  const ours = cell(reply.allCores, workload, reply.threads);
  const columns: AllCores = {
    threads: reply.threads,
    ours,
    oneThread: cell(reply.oneThread, workload, 1),
  };
  if (reply.scaling !== undefined) columns.scaling = reply.scaling;
  if (reply.ratios?.length) columns.pairRatios = reply.ratios;
  if (torch) {
    columns.torch = cell(torch.outcome, workload, torch.threads ?? reply.threads);
    const vsTorch = speedup({ ours, higherIsBetter: workload.higherIsBetter }, columns.torch);
    if (vsTorch !== undefined) columns.vsTorch = vsTorch;
  }
  return columns;
}

/** The table's line on the machine's headroom: the ceiling of the all-cores columns' scaling. */
export function headroomNote(headroom: HeadroomReply['headroom']): string {
  if ('error' in headroom) return `headroom not measured: ${headroom.error}`;
  const { threads, oneThread, allThreads, scaling } = headroom;
  const disturbed =
    scaling > threads * 1.05
      ? `; clearly above ${threads}x, so the machine's load changed between windows: not a ceiling this run`
      : scaling < minScaling
        ? `; under the ${minScaling}x target itself: the machine is not giving its ${threads} cores now (other load on the host), and no data-parallel step can reach the target in this run`
        : '';
  return `headroom: ${threads} threads of independent ${headroomText} ran at ${scaling.toFixed(2)}x one thread (medians ${allThreads.toFixed(1)} vs ${oneThread.toFixed(1)} GFLOP/s): the ceiling of "N thr / 1 thr" on this machine now${disturbed}`;
}
