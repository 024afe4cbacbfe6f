// One workload on the active backend: builds Recurrent and tfjs-layers (each may fail on its own),
// times them interleaved, and turns the times into a result row with ratios (targets are judged
// once the backend's rows are all in: see targets.ts). Both run on this one thread.
import type { PlannedBackend } from './backends.js';
import { layersEmbeddingGradient, withScatterAddGather } from './layers-embedding.js';
import { type Competitor, errorText, interleaved, type Outcome } from './measure.js';
import type { Options } from './options.js';
import { cell, type Row, speedup } from './results.js';
import { replacedKernels, withStockKernels } from './stock-kernels.js';
import { formatNumber } from './table.js';
import type { TorchRun } from './torch.js';
import type { Workload } from './workloads/index.js';

type Built = Competitor | { error: string };

async function build(make: () => Promise<Competitor>): Promise<Built> {
  try {
    return await make();
  } catch (error) {
    return { error: `setup failed: ${errorText(error)}` };
  }
}

/** tfjs-layers as the reference: tfjs's own kernels, and the embedding gradient chosen for it. */
function asReference(built: Built, backend: string, scatterAdd: boolean): Built {
  if ('error' in built) return built;
  const run = scatterAdd ? () => withScatterAddGather(built.run) : built.run;
  return { run: () => withStockKernels(backend, run), dispose: built.dispose };
}

function summary(workload: Workload, outcome: Outcome | undefined): string {
  if (!outcome) return 'n/a';
  if (!outcome.measure) return 'error';
  return `${formatNumber(workload.metric(outcome.measure.median))} ${workload.unit}`;
}

export async function measureWorkload(
  backend: PlannedBackend,
  workload: Workload,
  options: Options,
  torch: TorchRun | undefined,
): Promise<Row> {
  const embedding = layersEmbeddingGradient(backend.name, workload.id);
  const competitors: Record<string, Built> = {
    ours: await build(() => workload.ours({ backend: backend.name })),
  };
  if (workload.layers) {
    competitors.layers = asReference(
      await build(workload.layers),
      backend.name,
      workload.layersTrainsEmbedding && embedding.gradient === 'scatter-add',
    );
  }
  const outcomes = await interleaved(competitors, {
    reps: backend.software ? 1 : options.reps,
    maxSeconds: options.maxSeconds,
  });
  for (const competitor of Object.values(competitors)) {
    try {
      if ('dispose' in competitor) competitor.dispose();
    } catch {
      // A backend that failed mid-run may not free cleanly; the next workload starts afresh.
    }
  }
  const row: Row = {
    backend: backend.name,
    workload: workload.id,
    title: workload.title,
    unit: workload.unit,
    higherIsBetter: workload.higherIsBetter,
    ours: cell(outcomes.ours as Outcome, workload, 1),
  };
  if (outcomes.layers) {
    row.layers = {
      ...cell(outcomes.layers, workload, 1),
      stockKernels: replacedKernels(backend.name),
      ...(workload.layersTrainsEmbedding
        ? { embeddingGradient: embedding.gradient, why: embedding.why }
        : {}),
    };
  }
  if (torch) row.torch = cell(torch.outcome, workload, torch.threads ?? 1);
  const vsLayers = speedup(row, row.layers);
  const vsTorch = speedup(row, row.torch);
  if (vsLayers !== undefined) row.vsLayers = vsLayers;
  if (vsTorch !== undefined) row.vsTorch = vsTorch;
  console.error(
    `  .. ${backend.name} ${workload.id}: recurrent ${summary(workload, outcomes.ours)}, tfjs-layers ${summary(workload, outcomes.layers)}`,
  );
  return row;
}
