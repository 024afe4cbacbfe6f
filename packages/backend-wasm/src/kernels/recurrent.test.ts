// The fused wasm kernels against core's tfjs-ops loop on the cpu backend: outputs, final states
// and every gradient, for each cell with lengths, stacking and both directions.
import '@recurrent/backend-cpu';
import { compile } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../index.js';
import { expectClose, random, tensor } from '../../test/helpers.js';

const configs = [
  { type: 'lstm', numLayers: 2, bidirectional: true, lengths: [6, 2, 4] },
  { type: 'lstm', numLayers: 1, bidirectional: false, bias: false },
  { type: 'gru', numLayers: 2, bidirectional: true, lengths: [1, 6, 3] },
  { type: 'gru', numLayers: 1, bidirectional: false },
  { type: 'rnn', nonlinearity: 'tanh', numLayers: 2, bidirectional: false, lengths: [5, 6, 2] },
  { type: 'rnn', nonlinearity: 'relu', numLayers: 1, bidirectional: true },
] as const;

async function gradients(backend: string, config: (typeof configs)[number], fused: 'on' | 'off') {
  const { lengths, ...layer } = config as (typeof configs)[number] & { lengths?: number[] };
  const model = await compile(
    {
      version: 1,
      name: 'fused',
      task: 'feature-extraction',
      input: { features: 3 },
      layers: [{ ...layer, name: 'rnn', hiddenSize: 5 }],
      training: { optimizer: { type: 'adam' }, seed: 4 },
    },
    { backend, fusedKernels: fused },
  );
  const x = tensor(random([3, 6, 3], 9));
  const probe = tensor(random([3, 6, (layer.bidirectional ? 2 : 1) * 5], 10));
  const variables = model.parameters().map((p) => p.variable);
  const { value, grads } = tf.variableGrads(() => {
    const result = model.forward(x, lengths ? { lengths } : {});
    const h = result.states.rnn?.h as tf.Tensor;
    return tf.add(tf.sum(tf.mul(result.output, probe)), tf.sum(tf.square(h))) as tf.Scalar;
  }, variables);
  const out = {
    loss: (await value.data())[0] as number,
    grads: await Promise.all(
      variables.map(async (v) => grads[v.name]?.data() as Promise<Float32Array>),
    ),
  };
  tf.dispose([x, probe, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

describe('fused recurrent kernels on wasm', () => {
  for (const config of configs) {
    it(`${JSON.stringify(config)} matches the tfjs-ops loop on cpu`, async () => {
      const expected = await gradients('cpu', config, 'off');
      const before = tf.memory().numTensors;
      const actual = await gradients('wasm', config, 'on');
      expect(tf.memory().numTensors).toBe(before);
      expect(actual.loss).toBeCloseTo(expected.loss, 4);
      expect(actual.grads.length).toBe(expected.grads.length);
      for (const [i, g] of actual.grads.entries()) {
        expectClose(g, expected.grads[i] as Float32Array, 4);
      }
    });
  }
});
