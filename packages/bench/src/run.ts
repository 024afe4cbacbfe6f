// `pnpm bench`: the workloads of shared/design/BENCHMARKS.md on the cpu backend, Recurrent next to
// tfjs-layers measured in the same process (interleaved, medians with their spread), and PyTorch
// when it is installed. Ratios are what to read: machines are shared and noisy.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@recurrent/backend-cpu';
import { listBackends, useBackend } from '@recurrent/core';
import {
  type CharLmSizes,
  layersGenerator,
  layersTrainer,
  recurrentGenerator,
  recurrentTrainer,
  tokenBatch,
  w1,
  w4,
} from './workloads.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    only: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
  },
});
const reps = Number(args.reps);
const only = args.only ? new Set(args.only.toUpperCase().split(',')) : undefined;

interface Measure {
  median: number;
  low: number;
  high: number;
}

function summarize(values: number[]): Measure {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] as number,
    low: sorted[0] as number,
    high: sorted[sorted.length - 1] as number,
  };
}

/** Runs the competitors alternately `reps` times after one warm-up each; returns seconds per run. */
function interleaved(runs: Record<string, () => void>): Record<string, Measure> {
  const times: Record<string, number[]> = {};
  for (const [name, run] of Object.entries(runs)) {
    run();
    times[name] = [];
  }
  for (let r = 0; r < reps; r++) {
    for (const [name, run] of Object.entries(runs)) {
      const started = performance.now();
      run();
      times[name]?.push((performance.now() - started) / 1000);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, t]) => [name, summarize(t)]));
}

interface Row {
  workload: string;
  unit: string;
  ours: number;
  spread: string;
  layers: number;
  layersSpread: string;
  torch?: number;
  higherIsBetter: boolean;
}

const rows: Row[] = [];
const spread = (m: Measure) => `${Math.round(((m.high - m.low) / m.median) * 100)}%`;

async function trainingWorkload(id: string, sizes: CharLmSizes): Promise<void> {
  const ours = await recurrentTrainer(sizes);
  const theirs = layersTrainer(sizes);
  const { x, y } = tokenBatch(sizes, 1);
  const tokens = sizes.batch * sizes.steps;
  const result = interleaved({ ours: () => ours.step(x, y), layers: () => theirs.step(x, y) });
  const rate = (m: Measure) => tokens / m.median;
  rows.push({
    workload: `${id} ${sizes.cell.toUpperCase()} train step`,
    unit: 'tokens/s',
    ours: rate(result.ours as Measure),
    spread: spread(result.ours as Measure),
    layers: rate(result.layers as Measure),
    layersSpread: spread(result.layers as Measure),
    higherIsBetter: true,
  });
  tf.dispose([x, y]);
  ours.dispose();
  theirs.dispose();
}

async function generationWorkload(): Promise<void> {
  const tokens = 200;
  const ours = await recurrentTrainer(w1);
  const theirs = layersTrainer(w1);
  const generate = recurrentGenerator(ours.model, w1);
  const reference = layersGenerator(theirs.model, w1);
  const result = interleaved({
    ours: () => generate(tokens),
    layers: () => reference.generate(tokens),
  });
  const perToken = (m: Measure) => (m.median / tokens) * 1000;
  rows.push({
    workload: 'W3 generation (W1 model)',
    unit: 'ms/token',
    ours: perToken(result.ours as Measure),
    spread: spread(result.ours as Measure),
    layers: perToken(result.layers as Measure),
    layersSpread: spread(result.layers as Measure),
    higherIsBetter: false,
  });
  reference.dispose();
  ours.dispose();
  theirs.dispose();
}

function torchAvailable(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

function torchReference(workload: string): number | undefined {
  const script = join(process.cwd(), '../../../shared/bench/torch_reference.py');
  if (!existsSync(script)) return undefined;
  const output = execFileSync(
    '/usr/bin/python3',
    [script, workload, String(Math.max(reps, 3)), '2'],
    {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    },
  );
  const result = JSON.parse(output.trim().split('\n').pop() as string) as {
    median: number;
    unit: string;
  };
  // The reference reports a rate for every workload; W3 is shown here as ms/token.
  return workload === 'W3' && result.unit === 'tokens/s' ? 1000 / result.median : result.median;
}

function format(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

async function main(): Promise<void> {
  const backend = await useBackend('cpu');
  const described = await listBackends()
    .find((b) => b.name === backend)
    ?.describe();
  console.log(
    `Recurrent benchmarks on backend ${backend} ${JSON.stringify(described)}, tfjs ${tf.version_core}; ${reps} interleaved reps after a warm-up; median (spread)\n`,
  );
  if (!only || only.has('W1')) await trainingWorkload('W1', w1);
  if (!only || only.has('W4')) await trainingWorkload('W4', w4);
  if (!only || only.has('W3')) await generationWorkload();
  const withTorch = !args['no-torch'] && torchAvailable();
  if (withTorch) {
    for (const row of rows) {
      const median = torchReference(row.workload.slice(0, 2));
      if (median !== undefined) row.torch = median;
    }
  }
  const header = [
    'workload',
    'unit',
    'recurrent',
    'tfjs-layers',
    'vs tfjs-layers',
    ...(withTorch ? ['pytorch (1 thread)', 'vs pytorch'] : []),
  ];
  const table = rows.map((r) => {
    const ratio = (other: number) =>
      `${(r.higherIsBetter ? r.ours / other : other / r.ours).toFixed(2)}x`;
    return [
      r.workload,
      r.unit,
      `${format(r.ours)} (${r.spread})`,
      `${format(r.layers)} (${r.layersSpread})`,
      ratio(r.layers),
      ...(withTorch
        ? [
            r.torch === undefined ? '-' : format(r.torch),
            r.torch === undefined ? '-' : ratio(r.torch),
          ]
        : []),
    ];
  });
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.map((r) => (r[i] as string).length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of table) console.log(line(r));
  console.log('\nratios: above 1x means Recurrent is faster.');
  if (!withTorch)
    console.log(
      'PyTorch column omitted: /usr/bin/python3 cannot import torch (apt-get install python3-torch libopenblas0-pthread).',
    );
  console.log(
    "tfjs-layers trains its embedding through tfjs's generic gather gradient (UnsortedSegmentSum) on cpu.",
  );
}

await main();
