// The fused cpu kernels must give what the tfjs-ops loop gives (which core's tests check against
// an autograd reference and PyTorch): outputs, final states and every gradient.
import { compile, type Model } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import './index.js';

const configs = [
  { type: 'lstm', numLayers: 2, bidirectional: true, lengths: [6, 2, 4] },
  { type: 'lstm', numLayers: 1, bidirectional: false, bias: false },
  { type: 'gru', numLayers: 2, bidirectional: true, lengths: [1, 6, 3] },
  { type: 'gru', numLayers: 1, bidirectional: false },
  { type: 'rnn', nonlinearity: 'tanh', numLayers: 3, bidirectional: false, lengths: [5, 6, 2] },
  { type: 'rnn', nonlinearity: 'relu', numLayers: 1, bidirectional: true },
] as const;

function spec(config: (typeof configs)[number]) {
  const { lengths: _lengths, ...layer } = config as (typeof configs)[number] & {
    lengths?: readonly number[];
  };
  return {
    version: 1,
    name: 'fused',
    task: 'feature-extraction',
    input: { features: 3 },
    layers: [{ ...layer, name: 'rnn', hiddenSize: 5 }],
    training: { optimizer: { type: 'adam' }, seed: 4 },
  };
}

function run(
  model: Model,
  x: tf.Variable,
  lengths: readonly number[] | undefined,
  h0: tf.Tensor,
  c0: tf.Tensor,
) {
  const withC = model.parameters()[0]?.variable.shape[0] === 4 * 5;
  return tf.tidy(() => {
    const parameters = model.parameters();
    let output: tf.Tensor | undefined;
    let h: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const result = model.forward(
        { features: x, lengths },
        { initialState: { rnn: withC ? { h: h0, c: c0 } : { h: h0 } } },
      );
      output = tf.keep(result.output);
      h = tf.keep(result.states.rnn?.h as tf.Tensor);
      const probe = tf.randomNormal(result.output.shape, 0, 1, 'float32', 7);
      let loss = tf.add(
        tf.sum(tf.mul(result.output, probe)),
        tf.sum(tf.square(result.states.rnn?.h as tf.Tensor)),
      );
      if (result.states.rnn?.c) loss = tf.add(loss, tf.sum(result.states.rnn.c));
      return loss as tf.Scalar;
    }, [x, ...parameters.map((p) => p.variable)]);
    return {
      value,
      output: output as tf.Tensor,
      h: h as tf.Tensor,
      grads: [x, ...parameters.map((p) => p.variable)].map((v) => grads[v.name] as tf.Tensor),
    };
  });
}

describe('fused recurrent kernels (cpu)', () => {
  it.each(configs)(
    '$type layers=$numLayers bidirectional=$bidirectional lengths=$lengths: same results as the tfjs-ops loop',
    async (config) => {
      const fused = await compile(spec(config), { fusedKernels: 'on' });
      const plain = await compile(spec(config), { fusedKernels: 'off' });
      const D = config.bidirectional ? 2 : 1;
      const x = tf.variable(tf.randomNormal([3, 6, 3], 0, 1, 'float32', 1));
      const h0 = tf.randomNormal([config.numLayers * D, 3, 5], 0, 1, 'float32', 2);
      const c0 = tf.randomNormal([config.numLayers * D, 3, 5], 0, 1, 'float32', 3);
      const lengths = 'lengths' in config ? config.lengths : undefined;
      const a = run(fused, x, lengths, h0, c0);
      const b = run(plain, x, lengths, h0, c0);
      const diff = (p: tf.Tensor, q: tf.Tensor) =>
        tf.tidy(() => tf.max(tf.abs(tf.sub(p, q))).dataSync()[0] as number);
      expect(diff(a.value, b.value)).toBeLessThan(1e-4);
      expect(diff(a.output, b.output)).toBeLessThan(1e-5);
      expect(diff(a.h, b.h)).toBeLessThan(1e-5);
      for (const [i, g] of a.grads.entries())
        expect(diff(g, b.grads[i] as tf.Tensor)).toBeLessThan(1e-4);
      tf.dispose([
        x,
        h0,
        c0,
        a.value,
        a.output,
        a.h,
        b.value,
        b.output,
        b.h,
        ...a.grads,
        ...b.grads,
      ]);
      fused.dispose();
      plain.dispose();
    },
  );

  it('leaves no tensors behind after training steps', async () => {
    const model = await compile(spec(configs[0]), { fusedKernels: 'on' });
    const x = tf.randomNormal([3, 6, 3]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const { value, grads } = tf.variableGrads(
        () =>
          tf.sum(
            model.forward({ features: x, lengths: [6, 2, 4] }, { training: true }).output,
          ) as tf.Scalar,
      );
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
