// Prints one table per backend, with footnotes for capped measurements, tfjs-layers' embedding
// gradient and every error (a failed cell says "error"; the message follows the table).
import type { Cell, Row } from './results.js';
import { gemmBound, gemmShare } from './targets.js';

const capMark = '*';
/** tfjs-layers' embedding gradient, where it is not tfjs's stock one: mark and description. */
const embeddingFixes: Record<string, [string, string]> = {
  'scatter-add': ['†', "tfjs-layers + our embedding gradient (a scatter-add, as Recurrent's)"],
  'UnsortedSegmentSum kernel': [
    '‡',
    "tfjs-layers + our embedding-gradient kernel (UnsortedSegmentSum, under tfjs's gather gradient)",
  ],
};

export function formatNumber(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

function formatCell(c: Cell | undefined, mark = ''): string {
  if (!c) return 'n/a';
  if (c.value === undefined || c.low === undefined || c.high === undefined) return 'error';
  let spread = `${Math.round(((c.high - c.low) / c.value) * 100)}%`;
  if (c.reps === 1) spread = c.fromWarmUp ? 'warm-up' : '1 rep';
  return `${formatNumber(c.value)}${mark} (${spread})${c.capped ? capMark : ''}`;
}

const ratio = (r: number | undefined) => (r === undefined ? '-' : `${r.toFixed(2)}x`);

function met(target: Row['target']): string {
  if (!target) return '';
  if (target.met === undefined) return '?';
  return target.met ? 'yes' : `NO${target.failed ? ` (${target.failed.join('; ')})` : ''}`;
}

function printGrid(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of body) console.log(line(r));
}

/** The all-cores columns: ours on n threads, its ratio to our one thread, PyTorch on n, ratio. */
function allCoresCells(r: Row, withTorch: boolean): string[] {
  const a = r.allCores;
  if (!a) return ['', '', ...(withTorch ? ['', ''] : [])];
  return [
    formatCell(a.ours),
    ratio(a.scaling),
    ...(withTorch ? [formatCell(a.torch), ratio(a.vsTorch)] : []),
  ];
}

/** How close each training workload is to the GEMM limit: its PyTorch ratio over W5's. */
function gemmNote(rows: Row[], backend: string): string | undefined {
  const bound = gemmBound(rows, backend);
  if (bound === undefined) return undefined;
  const w5 = bound / gemmShare;
  const shares = rows
    .filter((r) => r.unit !== 'GFLOP/s' && r.vsTorch !== undefined && r.workload !== 'W3')
    .map((r) => `${r.workload} ${((r.vsTorch as number) / w5).toFixed(2)}`);
  return `GEMM limit: W5 (our matMul) runs at ${ratio(w5)} OpenBLAS's, so one-thread training steps aim at >= ${ratio(bound)} PyTorch; ratio to PyTorch / W5's: ${shares.join(', ')}`;
}

export function printBackendTable(
  backend: string,
  rows: Row[],
  options: { withTorch: boolean; allCoresThreads: number; maxSeconds: number; notes: string[] },
): void {
  const allCores = rows.some((r) => r.allCores);
  const n = rows.find((r) => r.allCores)?.allCores?.threads ?? options.allCoresThreads;
  const header = [
    'workload',
    'unit',
    'recurrent 1 thr',
    'tfjs-layers',
    'vs layers',
    ...(options.withTorch ? ['pytorch 1 thr', 'vs torch'] : []),
    ...(allCores
      ? [
          `recurrent ${n} thr`,
          'vs 1 thr',
          ...(options.withTorch ? [`pytorch ${n} thr`, 'vs torch'] : []),
        ]
      : []),
    'target',
    'met',
  ];
  const body = rows.map((r) => [
    r.title,
    r.unit,
    formatCell(r.ours),
    formatCell(r.layers, embeddingFixes[r.layers?.embeddingGradient ?? '']?.[0] ?? ''),
    ratio(r.vsLayers),
    ...(options.withTorch ? [formatCell(r.torch), ratio(r.vsTorch)] : []),
    ...(allCores ? allCoresCells(r, options.withTorch) : []),
    r.target?.text ?? '',
    met(r.target),
  ]);
  console.log(`\n== ${backend} ==`);
  printGrid(header, body);
  const footnotes: string[] = [...options.notes];
  if (rows.some((r) => r.ours.capped || r.layers?.capped)) {
    footnotes.push(
      `${capMark} capped: fewer timed reps than --reps, to keep each measurement within --max-seconds ${options.maxSeconds}; "warm-up": one run took longer than that, so its warm-up is the measurement`,
    );
  }
  const fixes = new Map<string, { mark: string; ids: string[]; text: string }>();
  for (const r of rows) {
    const fix = embeddingFixes[r.layers?.embeddingGradient ?? ''];
    if (!fix || !r.layers) continue;
    const text = `${fix[1]}: ${r.layers.why}`;
    const entry = fixes.get(text) ?? { mark: fix[0], ids: [], text };
    entry.ids.push(r.workload);
    fixes.set(text, entry);
  }
  for (const { mark, ids, text } of fixes.values())
    footnotes.push(`${mark} ${ids.join(', ')}: ${text}`);
  for (const r of rows) {
    for (const [who, c] of [
      ['recurrent', r.ours],
      ['tfjs-layers', r.layers],
      ['pytorch', r.torch],
    ] as const) {
      if (c?.error) footnotes.push(`${r.workload} ${who} error: ${c.error}`);
    }
  }
  const withAllCores = rows.filter((r) => r.allCores);
  if (withAllCores.length) {
    const bases = withAllCores.map(
      (r) => `${r.workload} ${formatCell(r.allCores?.oneThread)} ${r.unit}`,
    );
    const pairRatios = withAllCores.map(
      (r) =>
        `${r.workload} ${r.allCores?.pairRatios?.map((x) => x.toFixed(2)).join(' ') ?? 'none'}`,
    );
    footnotes.push(
      `recurrent ${n} thr: data-parallel training (core's threads(${n}) with the task's training target, parallel.gradients + Adam) in a process on the built packages, timed in pairs of windows of >= 2 s (the same target's step on one thread and the data-parallel one, in alternating order); "vs 1 thr" is the median over the pairs of the ratio within each (pairs: ${pairRatios.join('; ')}; 1 thread: ${bases.join('; ')})`,
    );
  }
  const gemm = gemmNote(rows, backend);
  if (gemm) footnotes.push(gemm);
  for (const r of rows) {
    if (r.target?.unjudged?.length) {
      footnotes.push(`${r.workload} target not judged: ${r.target.unjudged.join('; ')}`);
    }
    const a = r.allCores;
    for (const [who, c] of [
      [`recurrent ${a?.threads} threads`, a?.ours],
      [`pytorch ${a?.threads} threads`, a?.torch],
    ] as const) {
      // The one-thread base fails with the same setup error as `ours` when the pool cannot start.
      if (c?.error) footnotes.push(`${r.workload} ${who} error: ${c.error}`);
    }
  }
  for (const note of footnotes) console.log(`  ${note}`);
}
