// `pnpm bench`: the workloads of shared/design/BENCHMARKS.md on each available backend, Recurrent
// next to tfjs-layers measured in the same process on the same backend (interleaved, medians with
// their spread), and PyTorch when it is installed; then the all-cores columns (all-cores/: our
// data-parallel training in a child process, PyTorch on as many threads). Ratios are what to
// read: machines are shared and noisy. One failing backend or workload is reported and the rest
// carry on.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { listBackends, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
// Bundled (build.mjs) so that these load: tfjs-layers needs tfjs's own gradients and chained ops.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { HeadroomReply } from './all-cores/protocol.js';
import {
  allCoresColumns,
  headroomNote,
  isAllCoresWorkload,
  measureAllCores,
  staleBuilds,
  threadedBackends,
} from './all-cores/run.js';
import { initOptions, type PlannedBackend, planBackends, registerPlugins } from './backends.js';
import { errorText } from './measure.js';
import { type Options, parseOptions } from './options.js';
import type { Row } from './results.js';
import { measureWorkload } from './runner.js';
import { recordStockKernels, replacedKernels } from './stock-kernels.js';
import { printBackendTable } from './table.js';
import { judge, targetList } from './targets.js';
import { runTorch, type TorchRun, torchUnavailable } from './torch.js';
import { workloads } from './workloads/index.js';

interface TorchReferences {
  /** One thread, every workload. */
  runs: Map<string, TorchRun>;
  /** On options.threads threads, the workloads with all-cores columns (none with --threads 1). */
  allCores: Map<string, TorchRun>;
  skipped?: string;
}

/** PyTorch does not depend on our backend: once per run, shown in every backend's table. */
function torchReferences(options: Options): TorchReferences {
  const references: TorchReferences = { runs: new Map(), allCores: new Map() };
  if (!options.torch) return { ...references, skipped: 'PyTorch not run (--no-torch)' };
  const why = torchUnavailable(options.torchScript);
  if (why) return { ...references, skipped: `PyTorch column omitted: ${why}` };
  const measure = (id: string, threads: number, into: Map<string, TorchRun>) => {
    const run = runTorch(id, options.reps, options.torchScript, threads);
    into.set(id, run);
    const result = run.outcome.measure
      ? `${run.outcome.measure.median.toFixed(4)} s/run`
      : run.outcome.error;
    console.error(`  .. pytorch ${id} (${threads} thread${threads > 1 ? 's' : ''}): ${result}`);
  };
  for (const id of options.only) measure(id, 1, references.runs);
  if (options.threads > 1) {
    for (const id of options.only.filter(isAllCoresWorkload)) {
      measure(id, options.threads, references.allCores);
    }
  }
  return references;
}

/**
 * The all-cores columns of `backend`'s rows: our data-parallel training (a child process on the
 * built packages) next to PyTorch on as many threads. Why a backend has none goes to its notes.
 */
function addAllCores(
  backend: PlannedBackend,
  rows: Row[],
  options: Options,
  torch: TorchReferences,
  notes: string[],
): HeadroomReply['headroom'] | undefined {
  const ids = options.only.filter(isAllCoresWorkload);
  if (ids.length === 0) return undefined;
  if (options.threads < 2) {
    notes.push('no all-cores columns: --threads 1 (or a 1-core machine)');
    return undefined;
  }
  if (!threadedBackends.includes(backend.name) || backend.software) {
    notes.push(
      `no all-cores columns: ${backend.name} runs a step on its device already (threads(n) is for ${threadedBackends.join(' and ')})`,
    );
    return undefined;
  }
  const stale = staleBuilds(backend.name);
  if (stale.length) {
    notes.push(
      `all-cores columns measure an OLD build: ${stale.join(', ')} changed since built (run \`pnpm bench\` at the repository root, which builds first)`,
    );
  }
  const { replies, headroom } = measureAllCores({
    backend: backend.name,
    threads: options.threads,
    workloads: ids,
    reps: options.reps,
    maxSeconds: options.maxSeconds,
  });
  for (const [id, reply] of replies) {
    const row = rows.find((r) => r.backend === backend.name && r.workload === id);
    const workload = workloads.find((w) => w.id === id);
    if (!row || !workload) continue;
    row.allCores = allCoresColumns(reply, workload, torch.allCores.get(id));
    const summary = row.allCores.scaling?.toFixed(2) ?? 'error';
    console.error(`  .. ${backend.name} ${id} on ${reply.threads} threads: ${summary}x one thread`);
  }
  notes.push(headroomNote(headroom));
  return headroom;
}

async function main(): Promise<void> {
  const started = performance.now();
  let options: Options;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
    return;
  }
  // A stray rejection inside a backend must not end the run: it is logged, and the measurement it
  // belonged to fails or times on its own.
  process.on('unhandledRejection', (error) => {
    console.error(`  .. unhandled rejection (the bench carries on): ${errorText(error)}`);
  });
  recordStockKernels();
  const plan = await planBackends(options.backends, await registerPlugins());
  const chosen = workloads.filter((w) => options.only.includes(w.id));
  console.log(
    `Recurrent benchmarks (BENCHMARKS.md ${options.only.join(', ')}), tfjs ${tf.version_core}; ` +
      `${options.reps} interleaved reps after a warm-up, at most ${options.maxSeconds} s of reps ` +
      'per measurement; median (spread)' +
      (options.threads > 1
        ? `; all-cores columns: up to ${Math.max(5, options.reps)} pairs of >= 2 s windows within the same budget`
        : ''),
  );
  for (const s of plan.skipped) console.log(`note: backend ${s.name} skipped: ${s.reason}`);
  const torch = torchReferences(options);
  const rows: Row[] = [];
  /** Per backend with all-cores columns: what n threads add on this machine now (headroom.ts). */
  const headrooms: Record<string, HeadroomReply['headroom']> = {};
  const notes = new Map(plan.run.map((b) => [b.name, [...b.notes]]));
  for (const backend of plan.run) {
    const backendNotes = notes.get(backend.name) as string[];
    try {
      await useBackend(backend.name, initOptions(backend.name));
      // Described again once initialized: what the plan saw before init (e.g. wasm's
      // cellArithmetic, set up by init) may have changed.
      const plugin = listBackends().find((b) => b.name === backend.name);
      if (plugin) backend.description = await plugin.describe();
    } catch (error) {
      backendNotes.push(`could not be activated: ${errorText(error)}`);
      console.error(`  .. ${backend.name}: could not be activated: ${errorText(error)}`);
      continue;
    }
    const replaced = replacedKernels(backend.name);
    if (replaced.length) {
      backendNotes.push(
        `tfjs-layers runs on tfjs's own ${replaced.join(', ')} kernels: our plug-in's replacements are swapped out around its runs`,
      );
    }
    for (const workload of chosen) {
      try {
        rows.push(await measureWorkload(backend, workload, options, torch.runs.get(workload.id)));
      } catch (error) {
        backendNotes.push(`${workload.id} failed outside its measurement: ${errorText(error)}`);
      }
    }
    const headroom = addAllCores(backend, rows, options, torch, backendNotes);
    if (headroom) headrooms[backend.name] = headroom;
  }
  for (const row of rows) {
    const target = judge(row, rows);
    if (target) row.target = target;
  }
  for (const backend of plan.run) {
    printBackendTable(
      backend.name,
      rows.filter((r) => r.backend === backend.name),
      {
        withTorch: torch.runs.size > 0,
        allCoresThreads: options.threads,
        maxSeconds: options.maxSeconds,
        notes: [
          `backend: ${JSON.stringify(backend.description ?? {})}`,
          ...(notes.get(backend.name) ?? []),
        ],
      },
    );
  }
  console.log('\nratios: above 1x means Recurrent is faster (for ms/token, the inverse ratio).');
  if (torch.skipped) console.log(torch.skipped);
  const seconds = (performance.now() - started) / 1000;
  console.log(`took ${Math.round(seconds)} s`);
  const torchSystem = [...torch.runs.values()].find((r) => r.system);
  const results = {
    date: new Date().toISOString(),
    tfjs: tf.version_core,
    options,
    seconds,
    machine: {
      cores: availableParallelism(),
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
    },
    // Every figure also carries its own `threads`.
    threads: {
      recurrent: 1,
      tfjsLayers: 1,
      pytorch: torch.runs.size > 0 ? 1 : undefined,
      allCores: options.threads > 1 ? options.threads : undefined,
    },
    targets: targetList(),
    allCoresHeadroom: headrooms,
    backends: plan.run.map((b) => ({ ...b, notes: notes.get(b.name) })),
    skippedBackends: plan.skipped,
    pytorch: torchSystem
      ? {
          system: torchSystem.system,
          threads: torchSystem.threads,
          allCoresThreads: [...torch.allCores.values()].find((r) => r.threads)?.threads,
        }
      : { skipped: torch.skipped },
    rows,
  };
  // Next to the bundle: .bench/ is build output, ignored by git.
  const file = fileURLToPath(new URL('./results.json', import.meta.url));
  mkdirSync(fileURLToPath(new URL('.', import.meta.url)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${file}`);
}

await main();
