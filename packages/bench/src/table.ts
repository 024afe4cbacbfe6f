// Prints one table per backend, with footnotes for capped measurements, tfjs-layers' embedding
// gradient and every error (a failed cell says "error"; the message follows the table).
import type { Cell, Row } from './results.js';

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

export function printBackendTable(
  backend: string,
  rows: Row[],
  options: { withTorch: boolean; maxSeconds: number; notes: string[] },
): void {
  const header = [
    'workload',
    'unit',
    'recurrent',
    'tfjs-layers',
    'vs layers',
    ...(options.withTorch ? ['pytorch 1 thread', 'vs torch'] : []),
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
  for (const note of footnotes) console.log(`  ${note}`);
}
