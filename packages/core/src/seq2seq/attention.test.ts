// Each attention's scores against the formula computed here in plain numbers, and the masked
// softmax against its definition (and its gradient against finite differences).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxDifference } from '../../test/seq2seq-specs.js';
import { registerGradients } from '../grad/register-gradients.js';
import { Random } from '../init/random.js';
import type { DenseLayer } from '../layers/dense.js';
import { type AttentionType, createAttention } from './attention.js';
import { maskedSoftmax } from './masked-softmax.js';

registerGradients();

type Matrix = number[][];

const seeded = (n: number, seed: number) => {
  const random = new Random(seed);
  return Array.from({ length: n }, () => random.uniform(-1, 1));
};
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
/** W x + b for a torch.nn.Linear's weight [out, in] and bias [out]. */
const apply = (w: Matrix, b: number[] | undefined, x: number[]) =>
  w.map((row, o) => dot(row, x) + (b?.[o] ?? 0));
const weightsOf = (layer: DenseLayer): { w: Matrix; b: number[] | undefined } => ({
  w: layer.weight.variable.arraySync() as Matrix,
  b: layer.bias ? (layer.bias.variable.arraySync() as number[]) : undefined,
});

/** score(q, k) by the formulas of the attention types, from its layers' weights. */
function expectedScore(
  type: AttentionType,
  layers: readonly DenseLayer[],
  q: number[],
  k: number[],
) {
  switch (type) {
    case 'bahdanau': {
      const [Wa, Ua, Va] = layers.map(weightsOf) as [
        ReturnType<typeof weightsOf>,
        ReturnType<typeof weightsOf>,
        ReturnType<typeof weightsOf>,
      ];
      const hidden = apply(Wa.w, Wa.b, q).map((x, i) =>
        Math.tanh(x + (apply(Ua.w, Ua.b, k)[i] as number)),
      );
      return apply(Va.w, Va.b, hidden)[0] as number;
    }
    case 'luong-dot':
      return dot(q, k);
    case 'luong-general': {
      const W = weightsOf(layers[0] as DenseLayer);
      return dot(q, apply(W.w, W.b, k));
    }
    case 'luong-concat': {
      const [W, v] = layers.map(weightsOf) as [
        ReturnType<typeof weightsOf>,
        ReturnType<typeof weightsOf>,
      ];
      const hidden = apply(W.w, W.b, [...q, ...k]).map(Math.tanh);
      return apply(v.w, v.b, hidden)[0] as number;
    }
    default:
      throw new Error(type);
  }
}

describe('attention scores', () => {
  const B = 2;
  const Q = 3;
  const S = 4;
  const H = 5;
  for (const type of ['bahdanau', 'luong-dot', 'luong-general', 'luong-concat'] as const) {
    it(`${type}: every query against every source position, as the formula`, () => {
      const M = type === 'luong-dot' ? H : 6;
      const attention = createAttention(
        type,
        'decoder.attention',
        { query: H, memory: M, size: 3 },
        new Random(1),
      );
      const query = seeded(B * Q * H, 2);
      const memory = seeded(B * S * M, 3);
      const scores = tf.tidy(() => {
        const keys = attention.keys(tf.tensor3d(memory, [B, S, M]));
        return attention.scores(tf.tensor3d(query, [B, Q, H]), keys);
      });
      expect(scores.shape).toEqual([B, Q, S]);
      const expected: number[] = [];
      for (let b = 0; b < B; b++)
        for (let i = 0; i < Q; i++)
          for (let s = 0; s < S; s++) {
            const q = query.slice((b * Q + i) * H, (b * Q + i + 1) * H);
            const k = memory.slice((b * S + s) * M, (b * S + s + 1) * M);
            expected.push(expectedScore(type, attention.layers, q, k));
          }
      expect(maxDifference(scores.dataSync(), expected)).toBeLessThan(1e-5);
      scores.dispose();
      for (const layer of attention.layers) for (const p of layer.parameters) p.variable.dispose();
    });
  }

  it('names its parameters as the PyTorch modules', () => {
    const names = (type: Exclude<AttentionType, 'none'>) =>
      createAttention(
        type,
        'decoder.attention',
        { query: 4, memory: 4, size: 3 },
        new Random(1),
      ).layers.flatMap((l) =>
        l.parameters.map((p) => `${p.name} [${p.variable.shape.join(', ')}]`),
      );
    expect(names('bahdanau')).toEqual([
      'decoder.attention.Wa.weight [3, 4]',
      'decoder.attention.Wa.bias [3]',
      'decoder.attention.Ua.weight [3, 4]',
      'decoder.attention.Ua.bias [3]',
      'decoder.attention.Va.weight [1, 3]',
      'decoder.attention.Va.bias [1]',
    ]);
    expect(names('luong-dot')).toEqual([]);
    expect(names('luong-general')).toEqual([
      'decoder.attention.W.weight [4, 4]',
      'decoder.attention.W.bias [4]',
    ]);
    expect(names('luong-concat')).toEqual([
      'decoder.attention.W.weight [3, 8]',
      'decoder.attention.W.bias [3]',
      'decoder.attention.v.weight [1, 3]',
    ]);
  });

  it('refuses luong-dot between different sizes', () => {
    expect(() => createAttention('luong-dot', 'a', { query: 4, memory: 6 }, new Random(1))).toThrow(
      'luong-dot attention compares decoder states (4) with encoder outputs (6) by dot product, so their sizes must match; use luong-general',
    );
  });
});

describe('maskedSoftmax', () => {
  const scores = [
    [2, -1, 0.5, 3],
    [1, 1, 1, 1],
  ];
  const mask = [
    [1, 1, 1, 0],
    [1, 0, 0, 0],
  ];

  it('is the softmax over the real positions and exactly 0 elsewhere', () => {
    const weights = tf.tidy(() =>
      maskedSoftmax(
        tf.tensor3d([scores[0] as number[], scores[1] as number[]].flat(), [2, 1, 4]),
        tf.tensor2d(mask),
      ),
    );
    const values = weights.arraySync() as number[][][];
    const z = Math.exp(2) + Math.exp(-1) + Math.exp(0.5);
    expect(
      maxDifference(values[0]?.[0] as number[], [
        Math.exp(2) / z,
        Math.exp(-1) / z,
        Math.exp(0.5) / z,
        0,
      ]),
    ).toBeLessThan(1e-7);
    expect(values[0]?.[0]?.[3]).toBe(0);
    expect(values[1]?.[0]).toEqual([1, 0, 0, 0]);
    weights.dispose();
  });

  it('has the gradient finite differences give', () => {
    const x = seeded(8, 4);
    const probe = seeded(8, 5);
    const f = (values: number[]) =>
      tf.tidy(() => {
        const w = maskedSoftmax(tf.tensor3d(values, [2, 1, 4]), tf.tensor2d(mask));
        return tf.sum(tf.mul(w, tf.tensor3d(probe, [2, 1, 4]))).dataSync()[0] as number;
      });
    const grad = tf.tidy(() =>
      tf
        .grad((input: tf.Tensor) =>
          tf.sum(
            tf.mul(
              maskedSoftmax(input as tf.Tensor3D, tf.tensor2d(mask)),
              tf.tensor3d(probe, [2, 1, 4]),
            ),
          ),
        )(tf.tensor3d(x, [2, 1, 4]))
        .dataSync(),
    );
    const eps = 1e-3;
    const numeric = x.map((_, i) => {
      const up = [...x];
      const down = [...x];
      up[i] = (up[i] as number) + eps;
      down[i] = (down[i] as number) - eps;
      return (f(up) - f(down)) / (2 * eps);
    });
    expect(maxDifference(grad, numeric)).toBeLessThan(1e-3);
    // Masked positions get no gradient at all.
    expect([grad[3], grad[5], grad[6], grad[7]].every((g) => g === 0)).toBe(true);
  });
});
