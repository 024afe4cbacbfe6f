// Real TensorFlow against cpu, wherever @tensorflow/tfjs-node (or -gpu) is installed. Elsewhere
// (it cannot install without access to storage.googleapis.com) the suite is skipped, and its title
// says why.
import '@recurrent/backend-cpu';
import { compile, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from './index.js';

const availability = await nodeBackend.isAvailable();
// The reason's first clause ("@tensorflow/tfjs-node not installed"); the fix that follows it is
// covered by probe.test.ts.
const title = availability.available
  ? 'backend-node with native TensorFlow'
  : `backend-node with native TensorFlow (skipped: ${availability.reason.split(':')[0]})`;

const spec = {
  version: 1,
  name: 'node-check',
  task: 'feature-extraction',
  input: { features: 3 },
  layers: [{ type: 'gru', hiddenSize: 4, numLayers: 2, bidirectional: true }],
  training: { optimizer: { type: 'adam' }, seed: 5 },
};

/** The same computations on whichever backend is active, read back as plain arrays. */
async function computations(): Promise<number[][]> {
  const model = await compile(spec, { backend: tf.getBackend() === 'tensorflow' ? 'node' : 'cpu' });
  const results = tf.tidy(() => {
    const a = tf.randomNormal([40, 50], 0, 1, 'float32', 1);
    const b = tf.randomNormal([50, 30], 0, 1, 'float32', 2);
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 3);
    return [
      tf.matMul(a, b),
      tf.sigmoid(a),
      tf.tanh(a),
      tf.sum(a, 0),
      tf.softmax(b),
      model.forward({ features: x, lengths: [5, 3] }).output,
    ];
  });
  const arrays = await Promise.all(results.map(async (t) => Array.from(await t.data())));
  tf.dispose(results);
  model.dispose();
  return arrays;
}

describe.skipIf(!availability.available)(title, () => {
  it('initializes tfjs-node\'s "tensorflow" backend and describes it', async () => {
    expect(await useBackend('node')).toBe('node');
    expect(tf.getBackend()).toBe('tensorflow');
    expect(await nodeBackend.describe()).toMatchObject({
      device: expect.stringMatching(/^(CPU|GPU \(CUDA)/),
      implementation: expect.stringMatching(/^@tensorflow\/tfjs-node(-gpu)?$/),
      tfjs: tf.version_core,
      tfjsNode: '4.22.0',
      tensorflow: expect.stringMatching(/^2\.\d+\.\d+/),
    });
  });

  it('is what "auto" picks', async () => {
    expect(await useBackend('auto')).toBe('node');
  });

  it('computes what cpu computes: ops and a bidirectional GRU with lengths', async () => {
    await useBackend('cpu');
    const expected = await computations();
    await useBackend('node');
    const actual = await computations();
    for (const [i, values] of actual.entries()) {
      const reference = expected[i] as number[];
      expect(values).toHaveLength(reference.length);
      const worst = Math.max(...values.map((v, j) => Math.abs(v - (reference[j] as number))));
      expect(worst, `result ${i}`).toBeLessThan(1e-4);
    }
  });

  it('leaves no tensors behind after forward and backward passes', async () => {
    await useBackend('node');
    const model = await compile(spec, { backend: 'node' });
    const x = tf.randomNormal([2, 5, 3]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(
        () =>
          tf.sum(
            model.forward({ features: x, lengths: [5, 2] }, { training: true }).output,
          ) as tf.Scalar,
      );
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
