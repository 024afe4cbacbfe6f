// Every optimizer and epoch schedule against trajectories PyTorch 1.13 computed
// (test/fixtures/make_optimizer_fixtures.py → optimizers.json): five steps from the same start with
// the same gradients, each parameter value within 1e-6. The spec's defaults are PyTorch's, so the
// optimizers are built from specs with only the settings each case names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Parameter } from '../layers/layer.js';
import type { LrScheduleSpec, OptimizerSpec } from '../spec/types.generated.js';
import { validateSpec } from '../spec/validate.js';
import { createOptimizer } from './create-optimizer.js';
import { LrScheduler } from './lr-schedule.js';

interface Fixture {
  p0: number[];
  grads: number[][];
  optimizers: Record<string, { spec: Record<string, unknown>; expected: number[][] }>;
  schedules: Record<
    string,
    { spec: Record<string, unknown>; baseLr: number; expected: number[]; losses?: number[] }
  >;
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../test/fixtures/optimizers.json'), 'utf8'),
) as Fixture;

/** The training section of a minimal valid spec, with the schema's defaults filled in. */
function training(extra: Record<string, unknown>) {
  const result = validateSpec({
    version: 1,
    name: 'optimizer-check',
    task: 'feature-extraction',
    input: { features: 1 },
    layers: [{ type: 'gru', hiddenSize: 1 }],
    training: extra,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.spec.training;
}

describe('optimizers (PyTorch trajectories)', () => {
  for (const [name, { spec, expected }] of Object.entries(fixture.optimizers)) {
    it(name, () => {
      const before = tf.memory().numTensors;
      const optimizer = createOptimizer(training({ optimizer: spec }).optimizer as OptimizerSpec);
      const parameter: Parameter = {
        name: 'p',
        variable: tf.tidy(() => tf.variable(tf.tensor1d(fixture.p0))),
        trainable: true,
      };
      for (const [step, g] of fixture.grads.entries()) {
        const grad = tf.tensor1d(g);
        optimizer.step(new Map([[parameter, grad]]));
        grad.dispose();
        const values = Array.from(parameter.variable.dataSync());
        const want = expected[step] as number[];
        for (const [i, v] of values.entries()) {
          expect(v, `step ${step + 1}, element ${i}`).toBeCloseTo(want[i] as number, 6);
        }
      }
      expect(optimizer.stepCount).toBe(fixture.grads.length);
      optimizer.dispose();
      parameter.variable.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('refuses Nesterov without momentum, as PyTorch does', () => {
    expect(() =>
      createOptimizer({
        ...training({ optimizer: { type: 'sgd', lr: 0.1 } }).optimizer,
        nesterov: true,
      } as OptimizerSpec),
    ).toThrow(/Nesterov momentum requires momentum > 0/);
  });
});

describe('learning-rate schedules', () => {
  for (const [name, { spec, baseLr, expected, losses }] of Object.entries(fixture.schedules)) {
    it(`${name} matches torch's scheduler epoch by epoch`, () => {
      const schedule = training({ optimizer: { type: 'sgd', lr: baseLr }, lrSchedule: spec })
        .lrSchedule as LrScheduleSpec;
      const scheduler = new LrScheduler(schedule, baseLr);
      const rates = expected.map((_, epoch) => {
        const lr = scheduler.lr({ epoch, step: epoch, totalSteps: expected.length });
        scheduler.endEpoch(losses?.[epoch]);
        return lr;
      });
      for (const [epoch, lr] of rates.entries()) {
        expect(lr, `epoch ${epoch}`).toBeCloseTo(expected[epoch] as number, 12);
      }
    });
  }

  it('warms up linearly to the base rate, then follows a cosine to minLr (hand-computed)', () => {
    const scheduler = new LrScheduler({ type: 'cosine', warmupSteps: 4, minLr: 0.01 }, 0.1);
    const at = (step: number) => scheduler.lr({ epoch: 0, step, totalSteps: 14 });
    for (const [step, lr] of [0.025, 0.05, 0.075, 0.1].entries())
      expect(at(step)).toBeCloseTo(lr, 12);
    // After warmup: progress (step - 4) / 10; halfway (step 9) is the mean of 0.1 and 0.01.
    expect(at(4)).toBeCloseTo(0.1, 12);
    expect(at(9)).toBeCloseTo(0.055, 12);
    expect(at(14)).toBeCloseTo(0.01, 12);
    expect(at(20)).toBeCloseTo(0.01, 12); // past the end it stays at minLr
  });

  it('linear-warmup rises then stays; constant never moves', () => {
    const warmup = new LrScheduler({ type: 'linear-warmup', warmupSteps: 2 }, 0.2);
    const rates = [0, 1, 2, 50].map((step) => warmup.lr({ epoch: 3, step, totalSteps: 100 }));
    expect(rates).toEqual([0.1, 0.2, 0.2, 0.2]);
    const constant = new LrScheduler(undefined, 0.3);
    constant.endEpoch(1);
    expect(constant.lr({ epoch: 9, step: 99, totalSteps: 100 })).toBe(0.3);
  });

  it('reduce-on-plateau resumes exactly from its saved state', () => {
    const spec = {
      type: 'reduce-on-plateau',
      factor: 0.5,
      patience: 0,
      threshold: 0,
      minLr: 0,
    } as const;
    const a = new LrScheduler(spec, 1);
    for (const loss of [1, 1, 0.5, 0.6]) a.endEpoch(loss);
    const b = new LrScheduler(spec, 1);
    b.restore(a.state());
    a.endEpoch(0.7);
    b.endEpoch(0.7);
    expect(b.lr({ epoch: 5, step: 0, totalSteps: 1 })).toBe(
      a.lr({ epoch: 5, step: 0, totalSteps: 1 }),
    );
    expect(a.lr({ epoch: 5, step: 0, totalSteps: 1 })).toBe(0.125);
  });
});

describe('optimizer state (checkpoints)', () => {
  for (const name of ['sgd-momentum', 'rmsprop-centered-momentum-wd', 'adam-amsgrad-wd']) {
    it(`${name}: a restored copy continues exactly like the original`, () => {
      const before = tf.memory().numTensors;
      const spec = training({ optimizer: fixture.optimizers[name]?.spec })
        .optimizer as OptimizerSpec;
      const makeParameter = (): Parameter => ({
        name: 'layer.weight',
        variable: tf.tidy(() => tf.variable(tf.tensor1d(fixture.p0))),
        trainable: true,
      });
      const original = createOptimizer(spec);
      const p = makeParameter();
      const stepWith = (optimizer: typeof original, parameter: Parameter, g: number[]) => {
        const grad = tf.tensor1d(g);
        optimizer.step(new Map([[parameter, grad]]));
        grad.dispose();
      };
      stepWith(original, p, fixture.grads[0] as number[]);
      stepWith(original, p, fixture.grads[1] as number[]);
      const copy = createOptimizer(spec);
      const q = makeParameter();
      q.variable.assign(p.variable);
      copy.restore([q], original.state());
      expect(copy.stepCount).toBe(2);
      stepWith(original, p, fixture.grads[2] as number[]);
      stepWith(copy, q, fixture.grads[2] as number[]);
      expect(Array.from(q.variable.dataSync())).toEqual(Array.from(p.variable.dataSync()));
      original.dispose();
      copy.dispose();
      tf.dispose([p.variable, q.variable]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('names state that belongs to no parameter, or has the wrong shape', () => {
    const optimizer = createOptimizer(
      training({ optimizer: { type: 'sgd', lr: 0.1, momentum: 0.5 } }).optimizer as OptimizerSpec,
    );
    const parameter: Parameter = {
      name: 'a',
      variable: tf.variable(tf.zeros([2])),
      trainable: true,
    };
    const stray = tf.zeros([2]);
    expect(() =>
      optimizer.restore([parameter], { step: 1, slots: new Map([['b/momentum', stray]]) }),
    ).toThrow('optimizer state: "b/momentum" belongs to no parameter of this model');
    const wrong = tf.zeros([3]);
    expect(() =>
      optimizer.restore([parameter], { step: 1, slots: new Map([['a/momentum', wrong]]) }),
    ).toThrow('optimizer state: "a/momentum" is [3], the parameter is [2]');
    tf.dispose([stray, wrong, parameter.variable]);
    optimizer.dispose();
  });
});
