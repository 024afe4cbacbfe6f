// The targets of BENCHMARKS.md ("ratios in one run on our machine") and of issue 17 (training
// speed): on one thread, W1 and W4 as close to PyTorch as our matrix product (W5) is to
// OpenBLAS's (>= 0.9 x the W5 ratio); on all cores, >= 1.7x our one thread; W6 faster than
// PyTorch. Absolute figures were set on the 2-core reference machine; the ratio parts hold on any
// machine.
import type { Row } from './results.js';

type Check = [label: string, pass: boolean | undefined];

interface Target {
  backend: string;
  workload: string;
  text: string;
  /** `rows`: the backend's other rows (W5's ratio to PyTorch is a bound for W1 and W4). */
  checks: (row: Row, rows: readonly Row[]) => Check[];
}

const atLeast = (value: number | undefined, bound: number | undefined) =>
  value === undefined || bound === undefined ? undefined : value >= bound;
const atMost = (value: number | undefined, bound: number) =>
  value === undefined ? undefined : value <= bound;

/** Issue 17: a training step's ratio to PyTorch at least this share of the matMul's (W5). */
export const gemmShare = 0.9;
/** Issue 17: all cores at least this many times our one thread (on 2 cores). */
export const minScaling = 1.7;

/** W5's ratio to PyTorch times gemmShare: the one-thread bound for W1 and W4. */
export function gemmBound(rows: readonly Row[], backend: string): number | undefined {
  const w5 = rows.find((r) => r.backend === backend && r.workload === 'W5');
  return w5?.vsTorch === undefined ? undefined : w5.vsTorch * gemmShare;
}

const closeToGemm = (r: Row, rows: readonly Row[]): Check => [
  `>= ${gemmShare} x W5's ratio to PyTorch (${gemmBound(rows, r.backend)?.toFixed(2) ?? 'W5 not run'})`,
  atLeast(r.vsTorch, gemmBound(rows, r.backend)),
];
/** Undefined (not judged) without all-cores columns, e.g. --threads 1. */
const scales = (r: Row): Check => [
  `${r.allCores?.threads ?? 'n'} threads >= ${minScaling}x 1 thread`,
  atLeast(r.allCores?.scaling, minScaling),
];
const scalingText = `N thr >= ${minScaling}x 1 thr`;

const targets: Target[] = [
  {
    backend: 'wasm',
    workload: 'W1',
    text: `>= 4,500 tok/s, >= 10x layers, >= 0.3x torch, >= ${gemmShare} W5 ratio; ${scalingText}`,
    checks: (r, rows) => [
      ['>= 4,500 tokens/s', atLeast(r.ours.value, 4500)],
      ['>= 10x tfjs-layers', atLeast(r.vsLayers, 10)],
      ['>= 0.3x PyTorch', atLeast(r.vsTorch, 0.3)],
      closeToGemm(r, rows),
      scales(r),
    ],
  },
  {
    backend: 'wasm',
    workload: 'W4',
    text: `>= 5,500 tok/s, >= ${gemmShare} W5 ratio; ${scalingText}`,
    checks: (r, rows) => [
      ['>= 5,500 tokens/s', atLeast(r.ours.value, 5500)],
      closeToGemm(r, rows),
      scales(r),
    ],
  },
  {
    backend: 'wasm',
    workload: 'W2',
    text: `>= 70 seq/s; ${scalingText}`,
    checks: (r) => [['>= 70 sequences/s', atLeast(r.ours.value, 70)], scales(r)],
  },
  {
    backend: 'wasm',
    workload: 'W3',
    text: '<= 0.12 ms/tok, faster than torch',
    checks: (r) => [
      ['<= 0.12 ms/token', atMost(r.ours.value, 0.12)],
      ['faster than PyTorch', r.vsTorch === undefined ? undefined : r.vsTorch > 1],
    ],
  },
  {
    backend: 'wasm',
    workload: 'W6',
    text: 'faster than torch (1 thread)',
    checks: (r) => [['faster than PyTorch', r.vsTorch === undefined ? undefined : r.vsTorch > 1]],
  },
  {
    backend: 'cpu',
    workload: 'W1',
    text: '>= 1.5x layers',
    checks: (r) => [['>= 1.5x tfjs-layers', atLeast(r.vsLayers, 1.5)]],
  },
];

/**
 * The row's target and whether it is met (undefined: no target, or nothing to judge it by).
 * `rows`: every row of the run (judged once all of a backend's workloads are measured).
 */
export function judge(row: Row, rows: readonly Row[]): Row['target'] {
  if (row.backend === 'webgpu') {
    // BENCHMARKS.md: on webgpu every workload must run; speed is judged only on a real GPU.
    return { text: 'runs', met: row.ours.value !== undefined };
  }
  const target = targets.find((t) => t.backend === row.backend && t.workload === row.workload);
  if (!target) return undefined;
  const checks = target.checks(row, rows);
  const failed = checks.filter(([, pass]) => pass === false).map(([label]) => label);
  const unjudged = checks.filter(([, pass]) => pass === undefined).map(([label]) => label);
  const judged = checks.length > unjudged.length;
  return {
    text: target.text,
    ...(row.ours.value === undefined || !judged ? {} : { met: failed.length === 0 }),
    ...(failed.length ? { failed } : {}),
    ...(unjudged.length ? { unjudged } : {}),
  };
}

/** Every target, for results.json. */
export function targetList(): { backend: string; workload: string; text: string }[] {
  return targets.map(({ backend, workload, text }) => ({ backend, workload, text }));
}
