// A recurrent layer right after an embedding reads the embedding's table when the table has fewer
// rows than the batch has tokens (model.ts, RecurrentLayer.forwardTokens): the same outputs and
// gradients as the embedding's lookup followed by the layer, which is what the layers give when
// run one after the other (the independent path here).
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Random } from '../init/random.js';
import type { ForwardContext, Layer } from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent/recurrent-layer.js';
import { parameterGradients } from '../train/optimizer.js';
import { compile } from './compile.js';
import type { Model } from './model.js';

interface Case {
  name: string;
  recurrent: Record<string, unknown>;
  embedding?: Record<string, unknown>;
  lengths?: number[];
  training: boolean;
}

const B = 4;
const T = 6;
const V = 9; // < B * T = 24 tokens: the table path
const cases: Case[] = [
  { name: 'gru', recurrent: { type: 'gru', hiddenSize: 5 }, training: false },
  {
    name: 'lstm, 2 layers, bidirectional, dropout between layers, lengths',
    recurrent: { type: 'lstm', hiddenSize: 4, numLayers: 2, bidirectional: true, dropout: 0.3 },
    lengths: [6, 2, 5, 1],
    training: true,
  },
  {
    name: 'rnn without bias, padding row and word dropout',
    recurrent: { type: 'rnn', hiddenSize: 3, bias: false, bidirectional: true },
    embedding: { paddingIdx: 0, unknownIdx: 1, wordDropout: 0.25 },
    lengths: [3, 6, 6, 4],
    training: true,
  },
];

function specFor(c: Case) {
  return {
    version: 1,
    name: 'table',
    task: 'generation',
    input: { tokenizer: { type: 'char' } },
    layers: [
      { type: 'embedding', embeddingDim: 3, numEmbeddings: V, ...c.embedding },
      { returnSequences: true, ...c.recurrent },
      { type: 'dense', units: V },
    ],
    training: { optimizer: { type: 'adam', lr: 0.01 }, seed: 11 },
  };
}

/** Token ids with padding (id 0) past each row's length and every id below V present. */
function tokens(lengths: number[] | undefined): tf.Tensor2D {
  const ids = new Int32Array(B * T);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) ids[b * T + t] = t < (lengths?.[b] ?? T) ? (b * 7 + t * 3) % V : 0;
  return tf.tensor2d(ids, [B, T], 'int32');
}

/** The layers run one after the other (embedding lookup, then the layer on its vectors). */
function layerByLayer(model: Model, ids: tf.Tensor2D, c: Case): tf.Tensor {
  const context: ForwardContext = {
    training: c.training,
    lengths: c.lengths ? Int32Array.from(c.lengths) : undefined,
    random: new Random(5),
    initialStates: new Map(),
    finalStates: new Map(),
    inputs: new Map([['tokens', ids]]),
  };
  return model.layers.reduce((x: tf.Tensor, layer: Layer) => layer.forward(x, context), ids);
}

function gradients(model: Model, run: () => tf.Tensor, probe: tf.Tensor) {
  const { value, grads } = parameterGradients(model.parameters(), () =>
    tf.sum(tf.mul(run(), probe)),
  );
  return { value, grads: model.parameters().map((p) => grads.get(p) as tf.Tensor) };
}

function relativeDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => {
    const scale = Math.max(1, tf.max(tf.abs(b)).dataSync()[0] as number);
    return (tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number) / scale;
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(cases)('table input: $name', (c) => {
  it('equals the embedding lookup followed by the layer (values and every gradient)', async () => {
    const model = await compile(specFor(c));
    const spy = vi.spyOn(RecurrentLayer.prototype, 'forwardTokens');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const ids = tokens(c.lengths);
      const probe = tf.randomNormal([B, T, V], 0, 1, 'float32', 3);
      const inputs = { tokens: ids, lengths: c.lengths };
      const options = { training: c.training, random: new Random(5) };
      const table = gradients(model, () => model.forward(inputs, options).output, probe);
      expect(spy).toHaveBeenCalledTimes(1);
      const plain = gradients(model, () => layerByLayer(model, ids, c), probe);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(relativeDiff(table.value, plain.value)).toBeLessThan(1e-6);
      for (const [k, parameter] of model.parameters().entries()) {
        const diff = relativeDiff(table.grads[k] as tf.Tensor, plain.grads[k] as tf.Tensor);
        expect(diff, parameter.name).toBeLessThan(2e-6);
      }
      const padding = c.embedding?.paddingIdx;
      if (typeof padding === 'number') {
        // No gradient for the padding row (as PyTorch's padding_idx), on both paths.
        const row = (g: tf.Tensor) => tf.slice(g, [padding, 0], [1, 3]).dataSync();
        expect(Array.from(row(table.grads[0] as tf.Tensor))).toEqual([0, 0, 0]);
        expect(Array.from(row(plain.grads[0] as tf.Tensor))).toEqual([0, 0, 0]);
      }
    });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('table input: when it is taken', () => {
  it('not when the table has as many rows as the batch has tokens', async () => {
    const spy = vi.spyOn(RecurrentLayer.prototype, 'forwardTokens');
    const model = await compile(specFor(cases[0] as Case));
    const few = tf.zeros([2, 4], 'int32'); // 8 tokens < 9 rows: the lookup, then the layer
    tf.dispose(model.forward({ tokens: few }).output);
    expect(spy).not.toHaveBeenCalled();
    const many = tf.zeros([2, 5], 'int32');
    tf.dispose(model.forward({ tokens: many }).output);
    expect(spy).toHaveBeenCalledTimes(1);
    tf.dispose([few, many]);
    model.dispose();
  });

  it('checks what it is given', async () => {
    const model = await compile(specFor(cases[0] as Case));
    const layer = model.layers[1] as RecurrentLayer;
    const context: ForwardContext = {
      training: false,
      lengths: undefined,
      random: new Random(1),
      initialStates: new Map(),
      finalStates: new Map(),
    };
    const ids = tf.zeros([2, 3], 'int32') as tf.Tensor2D;
    const wrong = tf.zeros([V, 4]);
    expect(() => layer.forwardTokens(ids, wrong, null, context)).toThrow(
      /expects int32 ids \[batch, time\] and a table \[rows, 3\], got int32 \[2, 3\] and \[9, 4\]/,
    );
    tf.dispose([ids, wrong]);
    model.dispose();
  });
});
