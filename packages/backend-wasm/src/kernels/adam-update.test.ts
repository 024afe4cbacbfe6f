// RecurrentAdamUpdate on wasm: core's Adam with the fused kernel against the same Adam with the
// kernel removed (the ops path, tfjs ops on wasm), bit for bit, on each of the kernel's routes (one
// pass of our gates module with SIMD; without, one JavaScript pass for small parameters and the
// chain of wasm kernels for large ones); PyTorch's
// trajectories (core's optimizer fixtures); no leaks; new data for the weight at every step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Adam,
  type AdamOptions,
  adamUpdateKernel,
  createOptimizer,
  fusedAdamAvailable,
  type OptimizerSpec,
  type Parameter,
  validateSpec,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import '../index.js';
import { random } from '../../test/helpers.js';
import { javascriptPassLimit, setAdamSimdRoute } from './adam-update.js';

const fused = tf.getKernel(adamUpdateKernel, 'wasm') as tf.KernelConfig;

beforeAll(async () => {
  await tf.setBackend('wasm');
});

afterEach(() => {
  if (!tf.getKernel(adamUpdateKernel, 'wasm')) tf.registerKernel(fused);
  setAdamSimdRoute(true);
});

const settings: Record<string, AdamOptions> = {
  adam: { lr: 1e-3 },
  'adam-l2': { lr: 0.01, weightDecay: 0.05, betas: [0.8, 0.99], eps: 1e-6 },
  adamw: { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true },
  'adam-amsgrad-l2': { lr: 0.01, weightDecay: 0.05, amsgrad: true },
  'adamw-amsgrad': { lr: 0.003, decoupledWeightDecay: true, amsgrad: true },
};

/** Four Adam steps of one parameter [rows, 5]; the values and state after each step. */
function trajectory(options: AdamOptions, rows: number, withKernel: boolean): number[][][] {
  if (!withKernel) tf.unregisterKernel(adamUpdateKernel, 'wasm');
  expect(fusedAdamAvailable()).toBe(withKernel);
  const shape = [rows, 5];
  const start = random(shape, 1).values;
  const parameter: Parameter = {
    name: 'w',
    variable: tf.tidy(() => tf.variable(tf.tensor(start, shape))),
    trainable: true,
  };
  const adam = new Adam(options);
  const seen: number[][][] = [];
  for (let step = 1; step <= 4; step++) {
    // A tiny gradient at step 3: the maximum of v (amsgrad) and eps matter.
    const scale = step === 3 ? 1e-4 : 2;
    const g = tf.tidy(() => tf.mul(tf.tensor(random(shape, 10 + step).values, shape), scale));
    adam.step(new Map([[parameter, g]]));
    g.dispose();
    const state = [...adam.state().slots.values()].map((t) => Array.from(t.dataSync()));
    seen.push([Array.from(parameter.variable.dataSync()), ...state]);
  }
  adam.dispose();
  parameter.variable.dispose();
  if (!withKernel) tf.registerKernel(fused);
  return seen;
}

describe('RecurrentAdamUpdate on wasm', () => {
  // Rows of 5: the SIMD pass's four lanes and its one-lane tail; without SIMD, the two others.
  const routes = {
    'one pass of the gates module (SIMD)': { rows: 7, simd: true },
    'one pass of the gates module (SIMD), large': { rows: 1001, simd: true },
    'one JavaScript pass': { rows: 7, simd: false },
    'chain of wasm kernels': { rows: 1000, simd: false },
  };
  it('routes as the sizes here assume', () => {
    expect(7 * 5).toBeLessThanOrEqual(javascriptPassLimit);
    expect(1000 * 5).toBeGreaterThan(javascriptPassLimit);
  });

  for (const [route, { rows, simd }] of Object.entries(routes)) {
    for (const [name, options] of Object.entries(settings)) {
      it(`${route}, ${name}: equals the ops path bit for bit, without leaks`, () => {
        const before = tf.memory().numTensors;
        setAdamSimdRoute(simd);
        const withKernel = trajectory(options, rows, true);
        setAdamSimdRoute(true);
        expect(tf.memory().numTensors).toBe(before);
        const ops = trajectory(options, rows, false);
        expect(withKernel.length).toBe(4);
        for (const [step, values] of withKernel.entries()) {
          expect(values.length, `step ${step + 1}: value, m, v (and vMax)`).toBe(
            options.amsgrad ? 4 : 3,
          );
          for (const [k, array] of values.entries()) {
            expect(array, `step ${step + 1}, array ${k}`).toEqual(ops[step]?.[k]);
          }
        }
      });
    }
  }

  it('gives the weight new data at every step (XNNPACK and transposes are cached by data)', () => {
    const parameter: Parameter = {
      name: 'w',
      variable: tf.tidy(() => tf.variable(tf.ones([4, 3]))),
      trainable: true,
    };
    const x = tf.ones([2, 4]);
    const adam = new Adam({ lr: 0.1 });
    const g = tf.ones([4, 3]);
    const before = tf.tidy(() => tf.matMul(x, parameter.variable)); // packs the weight
    const dataBefore = parameter.variable.dataId;
    adam.step(new Map([[parameter, g]]));
    expect(parameter.variable.dataId).not.toBe(dataBefore);
    const after = tf.tidy(() => tf.matMul(x, parameter.variable));
    // Adam's first step moves every weight by lr: 0.9 each, times 4 inputs of 1.
    expect(Array.from(before.dataSync())).toEqual([4, 4, 4, 4, 4, 4]);
    for (const v of after.dataSync()) expect(v).toBeCloseTo(3.6, 5);
    tf.dispose([x, g, before, after, parameter.variable]);
    adam.dispose();
  });

  it('names a gradient whose shape differs from the parameter', () => {
    const parameter: Parameter = {
      name: 'w',
      variable: tf.tidy(() => tf.variable(tf.ones([4, 3]))),
      trainable: true,
    };
    const g = tf.ones([3, 4]);
    const adam = new Adam();
    expect(() => adam.step(new Map([[parameter, g]]))).toThrow(
      'RecurrentAdamUpdate on wasm: grad must be float32 [4, 3] like the parameter, got float32 [3, 4]',
    );
    tf.dispose([g, parameter.variable]);
    adam.dispose();
  });
});

interface Fixture {
  p0: number[];
  grads: number[][];
  optimizers: Record<string, { spec: Record<string, unknown>; expected: number[][] }>;
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../core/test/fixtures/optimizers.json'), 'utf8'),
) as Fixture;

describe('Adam on wasm with the fused kernel follows PyTorch (core fixtures)', () => {
  for (const name of ['adam-amsgrad-wd', 'adamw']) {
    it(name, () => {
      const { spec, expected } = fixture.optimizers[name] as Fixture['optimizers'][string];
      const result = validateSpec({
        version: 1,
        name: 'optimizer-check',
        task: 'feature-extraction',
        input: { features: 1 },
        layers: [{ type: 'gru', hiddenSize: 1 }],
        training: { optimizer: spec },
      });
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      const optimizer = createOptimizer(result.spec.training.optimizer as OptimizerSpec);
      expect(fusedAdamAvailable()).toBe(true);
      const parameter: Parameter = {
        name: 'p',
        variable: tf.tidy(() => tf.variable(tf.tensor1d(fixture.p0))),
        trainable: true,
      };
      for (const [step, g] of fixture.grads.entries()) {
        const grad = tf.tensor1d(g);
        optimizer.step(new Map([[parameter, grad]]));
        grad.dispose();
        const want = expected[step] as number[];
        for (const [i, v] of parameter.variable.dataSync().entries()) {
          expect(v, `step ${step + 1}, element ${i}`).toBeCloseTo(want[i] as number, 6);
        }
      }
      optimizer.dispose();
      parameter.variable.dispose();
    });
  }
});
