// On wasm, a recurrent layer right after an embedding with fewer rows than the batch has tokens
// reads the table (core's model.ts: the first layer's input projection on the table's rows, then
// picked by id; its gradients scatter-added by id) through the fused kernels. It must give what the
// layers give run one after the other (embedding lookup, then the layer): the independent path.
import {
  compile,
  type ForwardContext,
  type Layer,
  type Model,
  parameterGradients,
  Random,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import './index.js';

const B = 8;
const T = 12;
const V = 13;

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const cases = [
  { type: 'gru', hiddenSize: 6 },
  { type: 'lstm', hiddenSize: 5, numLayers: 2, bidirectional: true },
];

describe.each(cases)('table input on wasm: $type', (recurrent) => {
  it('gives the lookup-then-layer values and gradients, and leaves no tensor behind', async () => {
    const spec = {
      version: 1,
      name: 'table',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim: 7, numEmbeddings: V, paddingIdx: 0 },
        { returnSequences: true, ...recurrent },
        { type: 'dense', units: V },
      ],
      training: { optimizer: { type: 'adam', lr: 0.01 }, seed: 4 },
    };
    const model = await compile(spec, { backend: 'wasm' });
    const lengths = [12, 3, 7, 12, 1, 9, 12, 5];
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const values = Int32Array.from({ length: B * T }, (_, k) =>
        k % T < (lengths[Math.floor(k / T)] as number) ? (k * 5) % V : 0,
      );
      const ids = tf.tensor2d(values, [B, T], 'int32');
      const probe = tf.randomNormal([B, T, V], 0, 1, 'float32', 2);
      const table = gradients(model, probe, () => model.forward({ tokens: ids, lengths }).output);
      const plain = gradients(model, probe, () => layerByLayer(model, ids, lengths));
      expect(close(table.value, plain.value)).toBeLessThan(1e-6);
      for (const [k, parameter] of model.parameters().entries()) {
        const diff = close(table.grads[k] as tf.Tensor, plain.grads[k] as tf.Tensor);
        expect(diff, parameter.name).toBeLessThan(2e-6);
      }
      const padRow = tf.slice(table.grads[0] as tf.Tensor, [0, 0], [1, 7]).dataSync();
      expect(Array.from(padRow)).toEqual(new Array(7).fill(0));
    });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

function layerByLayer(model: Model, ids: tf.Tensor, lengths: number[]): tf.Tensor {
  const context: ForwardContext = {
    training: false,
    lengths: Int32Array.from(lengths),
    random: new Random(1),
    initialStates: new Map(),
    finalStates: new Map(),
    inputs: new Map([['tokens', ids]]),
  };
  return model.layers.reduce((x: tf.Tensor, layer: Layer) => layer.forward(x, context), ids);
}

function gradients(model: Model, probe: tf.Tensor, run: () => tf.Tensor) {
  const { value, grads } = parameterGradients(model.parameters(), () =>
    tf.sum(tf.mul(run(), probe)),
  );
  return { value, grads: model.parameters().map((p) => grads.get(p) as tf.Tensor) };
}

/** Largest difference relative to the larger of 1 and the reference's largest magnitude. */
function close(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const scale = Math.max(1, tf.max(tf.abs(b)).dataSync()[0] as number);
  return (tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number) / scale;
}
