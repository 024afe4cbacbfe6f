// Every loss, reduction, ignore index, label smoothing and Huber delta against PyTorch 1.13
// (test/fixtures/make_loss_fixtures.py → losses.json): the value and the gradient with respect to
// the input of sum(loss · weights), within float32 rounding.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// tfjs's gradients for the test's own weighting (sum, mul); the losses bring their own.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { crossEntropy, huberLoss, maeLoss, mseLoss, nllLoss } from './losses.js';

interface Case {
  loss: 'cross-entropy' | 'nll' | 'mse' | 'mae' | 'huber';
  options: Record<string, unknown>;
  value: number | number[];
  grad: number[] | number[][];
  weights: number[] | null;
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../test/fixtures/losses.json'), 'utf8'),
) as {
  logits: number[][];
  targets: number[];
  pred: number[];
  target: number[];
  cases: Record<string, Case>;
};

function compute(c: Case, input: tf.Tensor): tf.Tensor {
  const options = c.options as never;
  switch (c.loss) {
    case 'cross-entropy':
      return crossEntropy(input, tf.tensor1d(fixture.targets, 'int32'), options);
    case 'nll':
      return nllLoss(input, tf.tensor1d(fixture.targets, 'int32'), options);
    case 'mse':
      return mseLoss(input, tf.tensor1d(fixture.target), options);
    case 'mae':
      return maeLoss(input, tf.tensor1d(fixture.target), options);
    case 'huber':
      return huberLoss(input, tf.tensor1d(fixture.target), options);
  }
}

function expectClose(actual: ArrayLike<number>, expected: number[], what: string) {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i], `${what}[${i}]`).toBeCloseTo(expected[i] as number, 5);
  }
}

describe('losses (PyTorch values and gradients)', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(name, () => {
      const before = tf.memory().numTensors;
      const classes = c.loss === 'cross-entropy' || c.loss === 'nll';
      const input =
        c.loss === 'nll'
          ? tf.tidy(() => tf.logSoftmax(tf.tensor2d(fixture.logits)))
          : classes
            ? tf.tensor2d(fixture.logits)
            : tf.tensor1d(fixture.pred);
      const weights = c.weights ? tf.tensor1d(c.weights) : undefined;
      const { value, grad } = tf.tidy(() => {
        const value = compute(c, input);
        const grad = tf.grad((x: tf.Tensor) => {
          const loss = compute(c, x);
          return (weights ? tf.sum(tf.mul(loss, weights)) : loss) as tf.Scalar;
        })(input);
        return { value, grad };
      });
      expectClose(value.dataSync(), [c.value].flat(), 'value');
      expectClose(grad.dataSync(), c.grad.flat(), 'gradient');
      tf.dispose([input, value, grad, ...(weights ? [weights] : [])]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a mask counts rows exactly as ignoring their targets would (padded sequences)', () => {
    const logits = tf.tensor2d(fixture.logits);
    const targets = tf.tensor1d(
      fixture.targets.map((t) => (t === -100 ? 0 : t)),
      'int32',
    );
    const mask = tf.tensor1d(fixture.targets.map((t) => (t === -100 ? 0 : 1)));
    for (const reduction of ['mean', 'sum'] as const) {
      const expected = fixture.cases[`cross-entropy ${reduction} smoothing 0.1`] as Case;
      const masked = crossEntropy(logits, targets, { mask, reduction, labelSmoothing: 0.1 });
      expect(masked.dataSync()[0]).toBeCloseTo(expected.value as number, 5);
      const grad = tf.grad(
        (x: tf.Tensor) =>
          crossEntropy(x, targets, { mask, reduction, labelSmoothing: 0.1 }) as tf.Scalar,
      )(logits);
      expectClose(grad.dataSync(), expected.grad.flat(), `${reduction} gradient`);
      tf.dispose([masked, grad]);
    }
    expect(() => crossEntropy(logits, targets, { mask: tf.ones([2]) })).toThrow(
      'cross-entropy: mask [2] must be [6], one entry per row',
    );
    tf.dispose([logits, targets, mask]);
  });

  it('gives NaN for a mean over only ignored rows, as PyTorch does', () => {
    const loss = crossEntropy(tf.tensor2d([[1, 2]]), tf.tensor1d([-100], 'int32'));
    expect(loss.dataSync()[0]).toBeNaN();
  });

  it('names mismatched shapes', () => {
    expect(() => mseLoss(tf.zeros([3]), tf.zeros([4]))).toThrow(
      'mse loss: predictions [3] and targets [4] differ in shape',
    );
    expect(() => nllLoss(tf.zeros([2, 3]), tf.zeros([2]))).toThrow(
      'nll: expected log-probabilities [N, C]',
    );
  });
});
