// The softmax tagging loss against an independent computation: the mean over real tokens of
// -log softmax(scores)[gold] (with label smoothing: PyTorch's (1-ε)·onehot + ε/K target), each
// row's scores from a forward pass of that row alone; whatever sits in padded positions (word ids
// and tag ids) changes nothing; gradients at padded positions are zero.
import '@recurrent/backend-wasm';
import { compile, type Model, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { taggingSpec } from '../test/atis.js';
import { softmaxTaggingLoss } from './training-target.js';

let model: Model;
beforeAll(async () => {
  await useBackend('wasm');
  model = await compile(taggingSpec(), { vocabularySize: 12, outputSize: 5 });
});

const rows = [
  { ids: [4, 5, 6, 7], tags: [0, 1, 2, 3] },
  { ids: [8, 9], tags: [4, 4] },
  { ids: [10], tags: [2] },
];

/** -Σ q·log softmax(z) per real token, each row run alone (no padding at all). */
function expectedLoss(smoothing: number): number {
  let sum = 0;
  let count = 0;
  for (const row of rows) {
    const logp = tf.tidy(() =>
      tf.logSoftmax(
        model.forward({ tokens: tf.tensor2d([row.ids], [1, row.ids.length], 'int32') }).output,
      ),
    );
    const values = logp.dataSync();
    logp.dispose();
    row.tags.forEach((tag, t) => {
      let mean = 0;
      for (let k = 0; k < 5; k++) mean += (values[t * 5 + k] as number) / 5;
      sum -= (1 - smoothing) * (values[t * 5 + tag] as number) + smoothing * mean;
      count++;
    });
  }
  return sum / count;
}

function batch(padWord: number, padTag: number) {
  const T = 4;
  const ids = rows.flatMap((r) => [...r.ids, ...new Array(T - r.ids.length).fill(padWord)]);
  const tags = rows.flatMap((r) => [...r.tags, ...new Array(T - r.tags.length).fill(padTag)]);
  return {
    inputs: {
      tokens: tf.tensor2d(ids, [rows.length, T], 'int32'),
      lengths: rows.map((r) => r.ids.length),
    },
    targets: tf.tensor2d(tags, [rows.length, T], 'int32'),
  };
}

describe('the softmax tagging loss', () => {
  it.each([0, 0.1])(
    'is the mean over real tokens (label smoothing %s), padding ignored',
    (smoothing) => {
      const before = tf.memory().numTensors;
      const loss = softmaxTaggingLoss({
        ...model.spec,
        training: { ...model.spec.training, labelSmoothing: smoothing },
      });
      const expected = expectedLoss(smoothing);
      for (const [padWord, padTag] of [
        [0, 0],
        [11, 3],
      ] as const) {
        const b = batch(padWord, padTag);
        const value = tf.tidy(() => loss(model, b, undefined).dataSync()[0] as number);
        expect(value).toBeCloseTo(expected, 5);
        tf.dispose([b.inputs.tokens, b.targets]);
      }
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('gives padded positions no gradient', () => {
    const b = batch(11, 3);
    const scores = tf.tidy(() => model.forward(b.inputs).output);
    const lossOf = softmaxTaggingLoss(model.spec);
    // The loss as a function of the head's scores: a model stand-in whose forward returns them.
    const grad = tf.grad((s: tf.Tensor) =>
      lossOf({ forward: () => ({ output: s, states: {} }) } as unknown as Model, b, undefined),
    )(scores);
    const values = grad.arraySync() as number[][][];
    rows.forEach((row, r) => {
      for (let t = row.ids.length; t < 4; t++) {
        expect(values[r]?.[t]).toEqual([0, 0, 0, 0, 0]);
      }
      expect(values[r]?.[0]?.some((g) => g !== 0)).toBe(true);
    });
    tf.dispose([grad, scores, b.inputs.tokens, b.targets]);
  });
});
