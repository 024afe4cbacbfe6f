import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropyWithLogits, crossEntropyWithLogits } from './losses.js';

describe('crossEntropyWithLogits', () => {
  it('equals mean(logsumexp(z) - z[target]) and has gradient (softmax - onehot) / N', () => {
    const z = [
      [2, -1, 0.5],
      [0, 0, 0],
    ];
    const targets = [0, 2];
    const logits = tf.tensor2d(z);
    const ids = tf.tensor1d(targets, 'int32');
    const lse = (row: number[]) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    const expected =
      z.reduce((s, row, i) => s + lse(row) - (row[targets[i] as number] as number), 0) / 2;
    expect(crossEntropyWithLogits(logits, ids).dataSync()[0]).toBeCloseTo(expected, 6);
    const grad = tf
      .grad((l: tf.Tensor) => crossEntropyWithLogits(l, ids))(logits)
      .arraySync() as number[][];
    z.forEach((row, i) => {
      const total = row.reduce((s, v) => s + Math.exp(v), 0);
      row.forEach((v, c) => {
        expect(grad[i]?.[c]).toBeCloseTo((Math.exp(v) / total - (c === targets[i] ? 1 : 0)) / 2, 6);
      });
    });
    tf.dispose([logits, ids]);
  });

  it('names the shapes it got when they do not fit', () => {
    expect(() => crossEntropyWithLogits(tf.zeros([2, 3]), tf.zeros([3], 'int32'))).toThrow(
      'cross-entropy: expected logits [N, C] and int32 targets [N], got logits [2, 3] and int32 targets [3]',
    );
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  it('is stable for large logits and matches the definition', () => {
    const z = [-30, -1, 0, 2, 40];
    const y = [0, 1, 1, 0, 1];
    const expected =
      z.reduce(
        (s, v, i) => s + Math.max(v, 0) - v * (y[i] as number) + Math.log1p(Math.exp(-Math.abs(v))),
        0,
      ) / z.length;
    expect(binaryCrossEntropyWithLogits(tf.tensor1d(z), tf.tensor1d(y)).dataSync()[0]).toBeCloseTo(
      expected,
      5,
    );
    const grad = tf
      .grad((l: tf.Tensor) => binaryCrossEntropyWithLogits(l, tf.tensor1d(y)))(tf.tensor1d(z))
      .dataSync();
    z.forEach((v, i) => {
      expect(grad[i]).toBeCloseTo((1 / (1 + Math.exp(-v)) - (y[i] as number)) / z.length, 6);
    });
  });
});
