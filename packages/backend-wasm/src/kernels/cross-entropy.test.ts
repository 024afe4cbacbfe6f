// RecurrentSoftmaxCrossEntropy on wasm: core's crossEntropy with the fused kernels against the same
// loss with them removed (the ops path: softmax, maxima, log, products and sums as tfjs ops), in
// value and gradient, for each reduction, with ignored and masked rows, class counts with and
// without a four-lane tail, and logits far apart; the gates module's SIMD passes against core's
// reference loops (the kernels' other route); no leaks.
import {
  crossEntropy,
  fusedCrossEntropyAvailable,
  softmaxCrossEntropyGradKernel,
  softmaxCrossEntropyKernel,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import '../index.js';
import { random } from '../../test/helpers.js';
import { setCrossEntropySimdRoute } from './cross-entropy.js';

const kernels = [softmaxCrossEntropyKernel, softmaxCrossEntropyGradKernel].map(
  (name) => tf.getKernel(name, 'wasm') as tf.KernelConfig,
);

beforeAll(async () => {
  await tf.setBackend('wasm');
});

afterEach(() => {
  for (const k of kernels) if (!tf.getKernel(k.kernelName, 'wasm')) tf.registerKernel(k);
  setCrossEntropySimdRoute(true);
});

type Reduction = 'mean' | 'sum' | 'none';

interface Case {
  N: number;
  C: number;
  /** Multiplies the logits: 40 puts rows' logits hundreds apart (exp underflows to 0). */
  spread: number;
  reduction: Reduction;
  mask?: boolean;
}

/** The loss and the gradient of Σ loss · w (w fixed weights) with respect to the logits. */
function lossAndGradient(c: Case, fused: boolean): { loss: number[]; grad: number[] } {
  if (!fused) for (const k of kernels) tf.unregisterKernel(k.kernelName, 'wasm');
  expect(fusedCrossEntropyAvailable()).toBe(fused);
  try {
    return tf.tidy(() => {
      const logits = tf.mul(tf.tensor(random([c.N, c.C], c.C).values, [c.N, c.C]), c.spread);
      // Every 5th row ignored (ignoreIndex -100), the others a class from the seeded values.
      const ids = random([c.N], 7).values.map((v, i) =>
        i % 5 === 3 ? -100 : Math.floor(((v + 1) / 2) * c.C),
      );
      const targets = tf.tensor1d(Int32Array.from(ids), 'int32');
      const mask = c.mask
        ? tf.tensor1d(
            Array.from({ length: c.N }, (_, i) => (i % 3 === 1 ? 0 : 1)),
            'float32',
          )
        : undefined;
      // The gradient of Σ w · loss: dy = w (fixed weights, one per row for "none").
      const dy = tf.tensor(
        random(c.reduction === 'none' ? [c.N] : [], 3).values.slice(
          0,
          c.reduction === 'none' ? c.N : 1,
        ),
        c.reduction === 'none' ? [c.N] : [],
      );
      const options = { reduction: c.reduction, ...(mask ? { mask } : {}) };
      const grad = tf.grad((z: tf.Tensor) => crossEntropy(z, targets, options))(logits, dy);
      const loss = crossEntropy(logits, targets, {
        reduction: c.reduction,
        ...(mask ? { mask } : {}),
      });
      return { loss: Array.from(loss.dataSync()), grad: Array.from(grad.dataSync()) };
    });
  } finally {
    if (!fused) for (const k of kernels) tf.registerKernel(k);
  }
}

function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i] as number;
    // assert_close's float32 defaults: 1e-5 absolute plus 1.3e-6 of the expected magnitude.
    expect(
      Math.abs((actual[i] as number) - e),
      `${what} [${i}]: ${actual[i]} vs ${e}`,
    ).toBeLessThanOrEqual(1e-5 + 1.3e-6 * Math.abs(e));
  }
}

describe('cross-entropy from logits as two wasm kernels', () => {
  const cases: Record<string, Case> = {
    'mean, 65 classes (a tail of 1)': { N: 37, C: 65, spread: 3, reduction: 'mean' },
    'sum, 8 classes (no tail)': { N: 20, C: 8, spread: 3, reduction: 'sum' },
    'none, 3 classes (tail only), masked rows': {
      N: 23,
      C: 3,
      spread: 3,
      reduction: 'none',
      mask: true,
    },
    'mean, logits hundreds apart': { N: 16, C: 10, spread: 400, reduction: 'mean' },
  };
  for (const [name, c] of Object.entries(cases)) {
    it(`equals the ops path: ${name}`, () => {
      const before = tf.memory().numTensors;
      const ops = lossAndGradient(c, false);
      const fused = lossAndGradient(c, true);
      expectClose(fused.loss, ops.loss, 'loss');
      expectClose(fused.grad, ops.grad, 'gradient');
      // Ignored and masked rows have no gradient at all: zeros, signed as the ops path's (toBe
      // tells −0 from +0).
      const dropped = (r: number) => r % 5 === 3 || (c.mask === true && r % 3 === 1);
      for (let r = 0; r < c.N; r++) {
        if (!dropped(r)) continue;
        for (let k = 0; k < c.C; k++) {
          expect(Math.abs(fused.grad[r * c.C + k] as number)).toBe(0);
          expect(fused.grad[r * c.C + k]).toBe(ops.grad[r * c.C + k]);
        }
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("runs the gates module's passes as core's reference loops do", () => {
    const c: Case = { N: 29, C: 65, spread: 5, reduction: 'none' };
    const simd = lossAndGradient(c, true);
    setCrossEntropySimdRoute(false);
    const loops = lossAndGradient(c, true);
    expectClose(simd.loss, loops.loss, 'loss');
    expectClose(simd.grad, loops.grad, 'gradient');
  });

  it('keeps a NaN logit in its row', () => {
    const loss = tf.tidy(() => {
      const z = tf.tensor2d([
        [1, Number.NaN, 2, 0, 1],
        [0, 1, 2, 3, 4],
      ]);
      return Array.from(
        crossEntropy(z, tf.tensor1d([0, 4], 'int32'), { reduction: 'none' }).dataSync(),
      );
    });
    expect(loss[0]).toBeNaN();
    expect(loss[1]).toBeCloseTo(
      Math.log(1 + Math.E ** -1 + Math.E ** -2 + Math.E ** -3 + Math.E ** -4),
      6,
    );
  });
});
