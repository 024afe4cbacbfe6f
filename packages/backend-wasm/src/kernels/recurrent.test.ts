// The fused recurrent kernels on wasm with the cell arithmetic in our gates module against the same
// kernels with core's JavaScript loops (the module switched off), through tfjs as the layers call
// them: every cell × direction × mask, forward and backward outputs, and no tensor left behind.
// (gates/loops.test.ts compares the loops themselves in detail; the conformance suite compares the
// kernels with the cpu backend.)
import {
  type FusedCellName,
  fusedGateCount,
  recurrentBackwardKernel,
  recurrentForwardKernel,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../index.js';
import { random } from '../../test/helpers.js';
import { gateKernels, setGateKernelsEnabled } from './gates/module.js';
import type { BackendWasm } from './wasm-heap.js';

const T = 4;
const B = 3;
const H = 6;

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterAll(() => setGateKernelsEnabled(true));

/** As gates/loops.test.ts: float32 per operation against double rounded once (see there). */
function expectAllClose(actual: Float32Array, expected: Float32Array, what: string) {
  expect(actual.length, what).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k] as number;
    const e = expected[k] as number;
    if (!(Math.abs(a - e) <= 1e-6 + 1.3e-6 * Math.abs(e))) {
      expect.fail(`${what}[${k}]: module ${a}, JavaScript loop ${e}`);
    }
  }
}

/** A fused kernel as core's layers call it (core's runFused, which is internal to core). */
function runFused(
  kernel: string,
  inputs: Record<string, tf.Tensor | undefined>,
  cell: FusedCellName,
  reverse: boolean,
): tf.Tensor[] {
  const given = Object.fromEntries(Object.entries(inputs).filter(([, x]) => x !== undefined));
  const attrs = { cell, reverse, saveForBackward: true } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(kernel, given as tf.NamedTensorMap, attrs) as tf.Tensor[];
}

function run(cell: FusedCellName, reverse: boolean, masked: boolean, useModule: boolean) {
  setGateKernelsEnabled(useModule);
  try {
    return tf.tidy(() => {
      const GH = fusedGateCount(cell) * H;
      const t = (shape: number[], seed: number, scale = 1) =>
        tf.mul(tf.tensor(random(shape, seed).values, shape), scale);
      const lengths = [4, 2, 1];
      const mask = masked
        ? tf.tensor2d(
            Array.from({ length: T }, (_, s) => lengths.map((n) => (s < n ? 1 : 0))),
            [T, B],
          )
        : undefined;
      const forwardInputs = {
        xw: t([T, B, GH], 1, 2),
        whh: t([GH, H], 2, 0.7),
        bhh: cell === 'gru' ? t([GH], 3, 0.3) : undefined,
        h0: t([B, H], 4),
        c0: cell === 'lstm' ? t([B, H], 5) : undefined,
        mask,
      };
      const forward = runFused(recurrentForwardKernel, forwardInputs, cell, reverse);
      const [output, hLast, cLast, gates, extra, hPrev, cPrev] = forward as tf.Tensor[];
      const backward = runFused(
        recurrentBackwardKernel,
        {
          dOut: t([T, B, H], 6),
          dhLast: t([B, H], 7),
          dcLast: cell === 'lstm' ? t([B, H], 8) : undefined,
          gates,
          extra,
          hPrev,
          cPrev,
          whh: forwardInputs.whh,
          mask,
        },
        cell,
        reverse,
      );
      const names = ['output', 'hLast', 'cLast', 'gates', 'extra', 'hPrev', 'cPrev'];
      const backNames = ['dGatesX', 'dGatesH', 'dh0', 'dc0', 'dWhh', 'dBhh', 'dBih'];
      return [
        ...[output, hLast, cLast, gates, extra, hPrev, cPrev].map((x, k) => ({
          name: names[k] as string,
          values: (x as tf.Tensor).dataSync() as Float32Array,
        })),
        ...backward.map((x, k) => ({
          name: backNames[k] as string,
          values: x.dataSync() as Float32Array,
        })),
      ];
    });
  } finally {
    setGateKernelsEnabled(true);
  }
}

describe('wasm recurrent kernels: gates module = JavaScript loops', () => {
  it('the module runs here (Node has WebAssembly SIMD)', () => {
    const backend = tf.backend() as unknown as BackendWasm;
    const memory = backend.wasm.asm?.memory;
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    expect(gateKernels(memory as WebAssembly.Memory)).toBeDefined();
  });

  for (const cell of ['lstm', 'gru', 'rnn-tanh', 'rnn-relu'] as const) {
    for (const reverse of [false, true]) {
      for (const masked of [false, true]) {
        it(`${cell}, ${reverse ? 'reverse' : 'forward'}, ${masked ? 'masked' : 'no mask'}`, () => {
          const before = tf.memory().numTensors;
          const withModule = run(cell, reverse, masked, true);
          const javascript = run(cell, reverse, masked, false);
          expect(tf.memory().numTensors).toBe(before);
          for (const [k, got] of withModule.entries()) {
            const expected = javascript[k] as (typeof javascript)[number];
            expectAllClose(got.values, expected.values, got.name);
          }
        });
      }
    }
  }
});
