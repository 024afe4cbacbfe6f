// The divergence guard on its own: finite values pass, NaN and infinities end the run with an
// error that names the step about to be taken, the epoch (1-based) and what was not finite.
import { describe, expect, it } from 'vitest';
import { fakeRun } from '../../../test/fake-run.js';
import { DivergenceError, DivergenceGuard } from './divergence-guard.js';

describe('DivergenceGuard', () => {
  it('lets finite losses and norms through', () => {
    const guard = new DivergenceGuard();
    const run = fakeRun();
    for (const value of [0, 1e30, -3]) {
      guard.onLoss(value, run);
      guard.onGradientNorm(value, run);
    }
  });

  it.each([
    ['onLoss', Number.NaN, 'training diverged at step 8 (epoch 3): the loss (NaN) is not finite'],
    [
      'onGradientNorm',
      Number.POSITIVE_INFINITY,
      'training diverged at step 8 (epoch 3): the gradient norm (Infinity) is not finite',
    ],
    ['onLoss', Number.NEGATIVE_INFINITY, 'the loss (-Infinity) is not finite'],
  ] as const)('refuses %s %s', (hook, value, message) => {
    const run = fakeRun();
    run.step = 7;
    run.epoch = 2;
    const guard = new DivergenceGuard();
    let error: unknown;
    try {
      guard[hook](value, run);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as DivergenceError).message).toContain(message);
    expect([(error as DivergenceError).step, (error as DivergenceError).epoch]).toEqual([8, 2]);
  });
});
