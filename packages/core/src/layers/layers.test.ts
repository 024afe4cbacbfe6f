// Dense, embedding, pooling, layer norm and dropout: forward values and hand-written gradients
// against tfjs autograd of plain primitive implementations.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { Random } from '../init/random.js';
import { denseOp } from './dense.js';
import { DropoutLayer } from './dropout.js';
import { EmbeddingLayer, embeddingLookup, wordDropout } from './embedding.js';
import type { ForwardContext } from './layer.js';
import { LayerNormLayer } from './layer-norm.js';
import { PoolLayer } from './pool.js';

const context = (lengths?: number[], training = false): ForwardContext => ({
  training,
  lengths: lengths ? Int32Array.from(lengths) : undefined,
  random: new Random(0),
  initialStates: new Map(),
  finalStates: new Map(),
});

function close(a: tf.Tensor, b: tf.Tensor, tolerance = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThanOrEqual(tolerance);
}

/** Value and gradients of sum(f(inputs) * probe) for both implementations, compared. */
function sameGradients(
  ours: (...x: tf.Tensor[]) => tf.Tensor,
  reference: (...x: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  tolerance = 1e-5,
): void {
  tf.tidy(() => {
    const probe = tf.randomNormal(ours(...inputs).shape, 0, 1, 'float32', 99);
    close(ours(...inputs), reference(...inputs), tolerance);
    const a = tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(ours(...x), probe)))(inputs);
    const b = tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(reference(...x), probe)))(inputs);
    for (const [i, g] of a.entries()) close(g, b[i] as tf.Tensor, tolerance);
  });
}

describe('dense', () => {
  const x = tf.randomNormal([2, 3, 5], 0, 1, 'float32', 1);
  const w = tf.randomNormal([4, 5], 0, 1, 'float32', 2);
  const b = tf.randomNormal([4], 0, 1, 'float32', 3);
  const reference = (activation: string) => (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => {
    const pre = tf.add(tf.matMul(tf.reshape(xs, [-1, 5]), ws, false, true), bs);
    const y =
      activation === 'relu'
        ? tf.relu(pre)
        : activation === 'tanh'
          ? tf.tanh(pre)
          : activation === 'sigmoid'
            ? tf.sigmoid(pre)
            : activation === 'gelu'
              ? tf.mul(pre, tf.mul(0.5, tf.add(1, tf.erf(tf.div(pre, Math.SQRT2)))))
              : pre;
    return tf.reshape(y, [2, 3, 4]);
  };
  it.each(['linear', 'relu', 'tanh', 'sigmoid', 'gelu'] as const)(
    '%s: value and gradients',
    (activation) => {
      sameGradients(
        (xs, ws, bs) => denseOp(xs as tf.Tensor, ws as tf.Tensor, bs, activation),
        reference(activation),
        [x, w, b],
      );
    },
  );

  it('gelu matches torch.nn.GELU() values', () => {
    // torch.nn.functional.gelu(torch.tensor([-3., -1., 0., 0.5, 2.]))
    const y = denseOp(
      tf.tensor2d([[-3], [-1], [0], [0.5], [2]]),
      tf.tensor2d([[1]]),
      undefined,
      'gelu',
    );
    const expected = [-0.0040496, -0.1586553, 0, 0.3457312, 1.9544997];
    for (const [i, v] of Array.from(y.dataSync()).entries())
      expect(v).toBeCloseTo(expected[i] as number, 6);
  });
});

describe('embedding', () => {
  it('gathers rows, and its scatter-add gradient skips the padding row', () => {
    const table = tf.randomNormal([6, 3], 0, 1, 'float32', 4);
    const ids = tf.tensor2d(
      [
        [1, 2, 2, 0],
        [5, 1, 0, 0],
      ],
      [2, 4],
      'int32',
    );
    const out = embeddingLookup(ids, table, 0);
    close(out, tf.reshape(tf.gather(table, tf.reshape(ids, [-1])), [2, 4, 3]), 0);
    const probe = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5);
    const [grad] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(ids, t, 0), probe)))([
      table,
    ]);
    const [reference] = tf.grads((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.reshape(tf.gather(t, tf.reshape(ids, [-1])), [2, 4, 3]), probe)),
    )([table]);
    const rows = tf.tensor2d([[0], [1], [1], [1], [1], [1]]); // row 0 (padding) gets nothing
    close(grad as tf.Tensor, tf.mul(reference as tf.Tensor, rows));
    expect(tf.sum(tf.abs(tf.slice(grad as tf.Tensor, [0, 0], [1, 3]))).dataSync()[0]).toBe(0);
  });

  it('starts the padding and unknown rows at zero, the others N(0, 1); unknownIdx null keeps unk random', () => {
    const spec = {
      type: 'embedding',
      embeddingDim: 8,
      paddingIdx: 0,
      unknownIdx: 1,
      wordDropout: 0,
    } as const;
    const zeroed = new EmbeddingLayer(
      'e',
      { ...spec, init: 'pytorch-default', trainable: true },
      50,
      new Random(3),
    );
    const values = zeroed.weight.variable.arraySync() as number[][];
    expect(values[0]).toEqual(new Array(8).fill(0));
    expect(values[1]).toEqual(new Array(8).fill(0));
    const rest = values.slice(2).flat();
    const mean = rest.reduce((a, v) => a + v, 0) / rest.length;
    const variance = rest.reduce((a, v) => a + (v - mean) ** 2, 0) / rest.length;
    expect(Math.abs(mean)).toBeLessThan(0.15); // 384 N(0, 1) draws: standard error 0.05
    expect(variance).toBeGreaterThan(0.75);
    expect(variance).toBeLessThan(1.3);
    const kept = new EmbeddingLayer(
      'e',
      { ...spec, unknownIdx: null, init: 'pytorch-default', trainable: true },
      50,
      new Random(3),
    );
    const keptRows = kept.weight.variable.arraySync() as number[][];
    expect(keptRows[1]?.some((v) => v !== 0)).toBe(true);
    expect(keptRows.slice(2)).toEqual(values.slice(2)); // same draws, only row 1 differs
    expect(
      () =>
        new EmbeddingLayer(
          'e',
          { ...spec, unknownIdx: 50, init: 'pytorch-default', trainable: true },
          50,
          new Random(3),
        ),
    ).toThrow('layer "e" (embedding): unknownIdx 50 is outside the table of 50 rows');
    tf.dispose([zeroed.weight.variable, kept.weight.variable]);
  });
});

describe('word dropout', () => {
  it('replaces each non-padding token by unk with the given probability, seeded; padding stays', () => {
    const rows = 40;
    const steps = 50;
    const values = Array.from({ length: rows * steps }, (_, k) =>
      k % steps < 40 ? 4 + (k % 97) : 0,
    );
    const ids = tf.tensor2d(values, [rows, steps], 'int32');
    const spec = { wordDropout: 0.25, unknownIdx: 1, paddingIdx: 0 };
    const dropped = wordDropout(ids, spec, new Random(7)).arraySync().flat();
    let replaced = 0;
    dropped.forEach((id, k) => {
      const original = values[k] as number;
      if (original === 0) expect(id).toBe(0);
      else if (id !== original) {
        expect(id).toBe(1);
        replaced++;
      }
    });
    // 1,600 real tokens at p = 0.25: 400 expected, standard deviation 17.
    expect(replaced).toBeGreaterThan(400 - 70);
    expect(replaced).toBeLessThan(400 + 70);
    expect(wordDropout(ids, spec, new Random(7)).arraySync().flat()).toEqual(dropped);
    expect(() => wordDropout(ids, { ...spec, unknownIdx: null }, new Random(7))).toThrow(
      /unknownIdx/,
    );
  });

  it('is active only in training', () => {
    const layer = new EmbeddingLayer(
      'e',
      {
        type: 'embedding',
        embeddingDim: 3,
        paddingIdx: 0,
        unknownIdx: 1,
        wordDropout: 0.9,
        init: 'pytorch-default',
        trainable: true,
      },
      10,
      new Random(1),
    );
    const ids = tf.tensor2d([[5, 6, 7, 8]], [1, 4], 'int32');
    const inference = layer.forward(ids, { ...context(undefined), training: false });
    close(inference, tf.reshape(tf.gather(layer.weight.variable, [5, 6, 7, 8]), [1, 4, 3]), 0);
    const training = layer.forward(ids, {
      ...context(undefined),
      training: true,
      random: new Random(2),
    });
    // Each step is its own row or the unk row (zero at init); at p = 0.9 some are unk.
    const trained = training.arraySync() as number[][][];
    const original = inference.arraySync() as number[][][];
    let unk = 0;
    trained[0]?.forEach((row, t) => {
      if (row.every((v) => v === 0)) unk++;
      else expect(row).toEqual(original[0]?.[t]);
    });
    expect(unk).toBeGreaterThan(0);
  });
});

describe('pool', () => {
  const x = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 6);
  const lengths = [5, 2, 3];
  const mask = tf.tensor3d(
    Array.from({ length: 15 }, (_, k) => (k % 5 < (lengths[Math.floor(k / 5)] as number) ? 1 : 0)),
    [3, 5, 1],
  );

  it("last: the output at each row's last real step", () => {
    const layer = new PoolLayer('p', { type: 'pool', mode: 'last' }, 4, new Random(0));
    sameGradients(
      (xs) => layer.forward(xs as tf.Tensor, context(lengths)),
      (xs) =>
        tf.stack(
          lengths.map((l, b) =>
            tf.reshape(tf.slice(xs as tf.Tensor, [b, l - 1, 0], [1, 1, 4]), [4]),
          ),
        ),
      [x],
    );
  });

  it('mean: over real steps only', () => {
    const layer = new PoolLayer('p', { type: 'pool', mode: 'mean' }, 4, new Random(0));
    sameGradients(
      (xs) => layer.forward(xs as tf.Tensor, context(lengths)),
      (xs) => tf.div(tf.sum(tf.mul(xs as tf.Tensor, mask), 1), tf.tensor2d(lengths, [3, 1])),
      [x],
    );
  });

  it('max: over real steps only, even when padding holds larger values', () => {
    const layer = new PoolLayer('p', { type: 'pool', mode: 'max' }, 4, new Random(0));
    const padded = tf.add(x, tf.mul(tf.sub(1, mask), 100));
    sameGradients(
      (xs) => layer.forward(xs as tf.Tensor, context(lengths)),
      (xs) => tf.max(tf.add(tf.mul(xs as tf.Tensor, mask), tf.mul(tf.sub(1, mask), -1e9)), 1),
      [padded],
    );
  });

  it('attention: softmax weights over real steps, with gradients for x and its parameters', () => {
    const layer = new PoolLayer(
      'att',
      { type: 'pool', mode: 'attention', attentionSize: 3 },
      4,
      new Random(2),
    );
    expect(layer.parameters.map((p) => [p.name, p.variable.shape])).toEqual([
      ['att.attention.weight', [3, 4]],
      ['att.attention.bias', [3]],
      ['att.context.weight', [1, 3]],
    ]);
    const [w, b, v] = layer.parameters.map((p) => p.variable as tf.Tensor) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
    const reference = (xs: tf.Tensor) => {
      const u = tf.tanh(tf.add(tf.matMul(tf.reshape(xs, [15, 4]), w, false, true), b));
      const scores = tf.reshape(tf.matMul(u, v, false, true), [3, 5]);
      const alpha = tf.softmax(tf.add(scores, tf.mul(tf.sub(1, tf.reshape(mask, [3, 5])), -1e9)));
      return tf.sum(tf.mul(tf.reshape(alpha, [3, 5, 1]), xs), 1);
    };
    sameGradients((xs) => layer.forward(xs as tf.Tensor, context(lengths)), reference, [x]);
    tf.tidy(() => {
      const probe = tf.randomNormal([3, 4], 0, 1, 'float32', 7);
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.forward(x, context(lengths)), probe)),
        layer.parameters.map((p) => p.variable),
      );
      const ref = tf.grads((ws: tf.Tensor, bs: tf.Tensor, vs: tf.Tensor) => {
        const u = tf.tanh(tf.add(tf.matMul(tf.reshape(x, [15, 4]), ws, false, true), bs));
        const alpha = tf.softmax(
          tf.add(
            tf.reshape(tf.matMul(u, vs, false, true), [3, 5]),
            tf.mul(tf.sub(1, tf.reshape(mask, [3, 5])), -1e9),
          ),
        );
        return tf.sum(tf.mul(tf.sum(tf.mul(tf.reshape(alpha, [3, 5, 1]), x), 1), probe));
      })([w, b, v]);
      for (const [i, p] of layer.parameters.entries())
        close(grads[p.variable.name] as tf.Tensor, ref[i] as tf.Tensor);
    });
  });
});

describe('layer norm', () => {
  it('matches (x - mean) / sqrt(var + eps) * weight + bias, with gradients', () => {
    const layer = new LayerNormLayer('ln', 1e-5, 'sequence', 6, new Random(0));
    const x = tf.randomNormal([2, 3, 6], 2, 3, 'float32', 8);
    const reference = (xs: tf.Tensor) => {
      const { mean, variance } = tf.moments(xs, -1, true);
      return tf.div(tf.sub(xs, mean), tf.sqrt(tf.add(variance, 1e-5)));
    };
    sameGradients((xs) => layer.forward(xs as tf.Tensor, context()), reference, [x], 1e-4);
  });
});

describe('dropout', () => {
  it('zeroes about `rate` of the values in training, scales the rest, and is the identity otherwise', () => {
    const layer = new DropoutLayer('d', 0.3, 'vector', 1000);
    const x = tf.ones([10, 1000]);
    expect(layer.forward(x, context())).toBe(x);
    const y = layer.forward(x, context(undefined, true)).dataSync();
    const zeros = Array.from(y).filter((v) => v === 0).length / y.length;
    expect(zeros).toBeGreaterThan(0.27);
    expect(zeros).toBeLessThan(0.33);
    expect(Array.from(y).every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
  });
});
