// The targets of BENCHMARKS.md ("ratios in one run on our machine"). Absolute figures were set on
// the 2-core reference machine; the ratio parts hold on any machine.
import type { Row } from './results.js';

type Check = [label: string, pass: boolean | undefined];

interface Target {
  backend: string;
  workload: string;
  text: string;
  checks: (row: Row) => Check[];
}

const atLeast = (value: number | undefined, bound: number) =>
  value === undefined ? undefined : value >= bound;
const atMost = (value: number | undefined, bound: number) =>
  value === undefined ? undefined : value <= bound;

const targets: Target[] = [
  {
    backend: 'wasm',
    workload: 'W1',
    text: '>= 4,500 tok/s, >= 10x layers, >= 0.3x torch',
    checks: (r) => [
      ['>= 4,500 tokens/s', atLeast(r.ours.value, 4500)],
      ['>= 10x tfjs-layers', atLeast(r.vsLayers, 10)],
      ['>= 0.3x PyTorch', atLeast(r.vsTorch, 0.3)],
    ],
  },
  {
    backend: 'wasm',
    workload: 'W4',
    text: '>= 5,500 tok/s',
    checks: (r) => [['>= 5,500 tokens/s', atLeast(r.ours.value, 5500)]],
  },
  {
    backend: 'wasm',
    workload: 'W2',
    text: '>= 70 seq/s',
    checks: (r) => [['>= 70 sequences/s', atLeast(r.ours.value, 70)]],
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
    backend: 'cpu',
    workload: 'W1',
    text: '>= 1.5x layers',
    checks: (r) => [['>= 1.5x tfjs-layers', atLeast(r.vsLayers, 1.5)]],
  },
];

/** The row's target and whether it is met (undefined: no target, or nothing to judge it by). */
export function judge(row: Row): Row['target'] {
  if (row.backend === 'webgpu') {
    // BENCHMARKS.md: on webgpu every workload must run; speed is judged only on a real GPU.
    return { text: 'runs', met: row.ours.value !== undefined };
  }
  const target = targets.find((t) => t.backend === row.backend && t.workload === row.workload);
  if (!target) return undefined;
  const checks = target.checks(row);
  const failed = checks.filter(([, pass]) => pass === false).map(([label]) => label);
  const judged = checks.some(([, pass]) => pass !== undefined);
  return {
    text: target.text,
    ...(row.ours.value === undefined || !judged ? {} : { met: failed.length === 0 }),
    ...(failed.length ? { failed } : {}),
  };
}
