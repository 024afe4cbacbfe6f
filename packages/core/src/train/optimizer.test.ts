import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Parameter } from '../layers/layer.js';
import { Adam, clipGradNorm, clipGradValue } from './optimizer.js';

function parameter(values: number[]): Parameter {
  return { name: 'p', variable: tf.variable(tf.tensor1d(values)), trainable: true };
}

/** PyTorch's Adam on one scalar, written out in float64 from the torch.optim.Adam docs. */
function adamByHand(
  p0: number,
  grads: number[],
  lr: number,
  [b1, b2]: [number, number],
  eps: number,
  wd = 0,
  decoupled = false,
): number {
  let p = p0;
  let m = 0;
  let v = 0;
  grads.forEach((g0, i) => {
    const t = i + 1;
    if (decoupled) p *= 1 - lr * wd;
    const g = decoupled ? g0 : g0 + wd * p;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const denom = Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps;
    p -= (lr / (1 - b1 ** t)) * (m / denom);
  });
  return p;
}

describe('Adam (PyTorch update rule)', () => {
  const grads = [2, -1, 0.5, 3e-4, -7];
  it.each([
    ['adam', 0, false],
    ['adam + L2 weight decay', 0.1, false],
    ['adamw (decoupled)', 0.1, true],
  ] as const)('%s matches the closed-form steps', (_name, weightDecay, decoupled) => {
    const p = parameter([1.5]);
    const adam = new Adam({
      lr: 0.1,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay,
      decoupledWeightDecay: decoupled,
    });
    for (const g of grads) {
      const gradient = tf.tensor1d([g]);
      adam.step(new Map([[p, gradient]]));
      gradient.dispose();
    }
    expect(p.variable.dataSync()[0]).toBeCloseTo(
      adamByHand(1.5, grads, 0.1, [0.9, 0.999], 1e-8, weightDecay, decoupled),
      5,
    );
    expect(adam.stepCount).toBe(grads.length);
    adam.dispose();
    p.variable.dispose();
  });

  it('the first step moves every weight by about lr, whatever its gradient scale', () => {
    const p = parameter([0, 0, 0]);
    const adam = new Adam({ lr: 0.01 });
    const gradient = tf.tensor1d([1e-3, -5, 1e3]);
    adam.step(new Map([[p, gradient]]));
    expect(Array.from(p.variable.dataSync()).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([
      -0.01, 0.01, -0.01,
    ]);
    tf.dispose([gradient, p.variable]);
    adam.dispose();
  });
});

describe('clipGradNorm (torch.nn.utils.clip_grad_norm_)', () => {
  it('scales all gradients by max_norm / (total_norm + 1e-6) when above max_norm', () => {
    const grads = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([3, 0])],
      ['b', tf.tensor2d([[0, 4]])],
    ]);
    const { grads: clipped, totalNorm } = clipGradNorm(grads, 1);
    expect(totalNorm.dataSync()[0]).toBeCloseTo(5, 6);
    const scale = 1 / (5 + 1e-6);
    expect(Array.from(clipped.get('a')?.dataSync() ?? [])).toEqual([Math.fround(3 * scale), 0]);
    expect(Array.from(clipped.get('b')?.dataSync() ?? [])).toEqual([0, Math.fround(4 * scale)]);
    tf.dispose([...clipped.values(), totalNorm]);
  });

  it('leaves gradients below max_norm unchanged (scaled by exactly 1), with nothing leaked', () => {
    const before = tf.memory().numTensors;
    const g = tf.tensor1d([0.3, 0.4]);
    const { grads, totalNorm } = clipGradNorm(new Map([['a', g]]), 1);
    expect(totalNorm.dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(g.isDisposed).toBe(true);
    expect(Array.from(grads.get('a')?.dataSync() ?? [])).toEqual([
      Math.fround(0.3),
      Math.fround(0.4),
    ]);
    tf.dispose([...grads.values(), totalNorm]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('clipGradValue (torch.nn.utils.clip_grad_value_)', () => {
  it('clamps every value to [-clip, clip] and frees the inputs', () => {
    const before = tf.memory().numTensors;
    const g = tf.tensor1d([-3, -0.5, 0, 0.25, 2]);
    const clipped = clipGradValue(new Map([['a', g]]), 1);
    expect(g.isDisposed).toBe(true);
    expect(Array.from(clipped.get('a')?.dataSync() ?? [])).toEqual([-1, -0.5, 0, 0.25, 1]);
    tf.dispose([...clipped.values()]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
