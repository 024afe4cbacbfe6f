// The fused Adam arithmetic (adamUpdateValues, what a backend's RecurrentAdamUpdate kernel runs)
// against Adam's ops path on the cpu backend: the same float32 operations in the same order, so the
// same bits, for every setting and across steps (the moments carry over).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Parameter } from '../layers/layer.js';
import { type AdamCoefficients, adamUpdateValues, fusedAdamAvailable } from './adam-update.js';
import { Adam, type AdamOptions } from './optimizer.js';

/** Deterministic values in [-scale, scale), with a few exact zeros and tiny values. */
function values(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  out[0] = 0;
  out[1] = 1e-30;
  return out;
}

const settings: Record<string, AdamOptions> = {
  adam: { lr: 1e-3 },
  'adam-l2': { lr: 0.01, weightDecay: 0.05, betas: [0.8, 0.99], eps: 1e-6 },
  adamw: { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true },
  'adam-amsgrad-l2': { lr: 0.01, weightDecay: 0.05, amsgrad: true },
  'adamw-amsgrad': { lr: 0.003, decoupledWeightDecay: true, amsgrad: true },
};

/** The coefficients Adam.step computes at `step` (1-based) with `options` (as optimizer.ts). */
function coefficients(options: AdamOptions, step: number): AdamCoefficients {
  const adam = new Adam(options);
  const [beta1, beta2] = adam.betas;
  const decays = adam.weightDecay !== 0;
  return {
    beta1,
    beta2,
    eps: adam.eps,
    stepSize: adam.lr / (1 - beta1 ** step),
    biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
    l2: decays && !adam.decoupled ? adam.weightDecay : 0,
    decayFactor: decays && adam.decoupled ? 1 - adam.lr * adam.weightDecay : 1,
    amsgrad: adam.amsgrad,
  };
}

describe('adamUpdateValues equals the ops path bit for bit (cpu backend)', () => {
  for (const [name, options] of Object.entries(settings)) {
    it(name, () => {
      expect(fusedAdamAvailable()).toBe(false); // the cpu test backend runs the ops path
      const before = tf.memory().numTensors;
      const n = 97;
      const start = values(n, 1, 1);
      const parameter: Parameter = {
        name: 'p',
        variable: tf.tidy(() => tf.variable(tf.tensor1d(start))),
        trainable: true,
      };
      const adam = new Adam(options);
      let param = Float32Array.from(start);
      let moments: { m: Float32Array; v: Float32Array; vMax?: Float32Array } | undefined;
      for (let step = 1; step <= 4; step++) {
        // Gradients of very different sizes, so that v, its maximum and eps all matter.
        const grad = values(n, 10 + step, step === 3 ? 1e-4 : 2);
        const g = tf.tensor1d(grad);
        adam.step(new Map([[parameter, g]]));
        g.dispose();
        const out = {
          param: new Float32Array(n),
          m: new Float32Array(n),
          v: new Float32Array(n),
          vMax: options.amsgrad ? new Float32Array(n) : undefined,
        };
        adamUpdateValues(coefficients(options, step), param, grad, moments, out);
        expect(Array.from(out.param), `step ${step}`).toEqual(
          Array.from(parameter.variable.dataSync()),
        );
        const state = adam.state().slots;
        expect(Array.from(out.m), `m, step ${step}`).toEqual(
          Array.from(state.get('p/m')?.dataSync() ?? []),
        );
        expect(Array.from(out.v), `v, step ${step}`).toEqual(
          Array.from(state.get('p/v')?.dataSync() ?? []),
        );
        if (out.vMax) {
          expect(Array.from(out.vMax), `vMax, step ${step}`).toEqual(
            Array.from(state.get('p/vMax')?.dataSync() ?? []),
          );
        }
        param = out.param;
        moments = out.vMax ? { m: out.m, v: out.v, vMax: out.vMax } : { m: out.m, v: out.v };
      }
      adam.dispose();
      parameter.variable.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
