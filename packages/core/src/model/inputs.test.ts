// Named model inputs: what a compiled model says it takes, the same results whatever form the
// lengths come in, and a bad-input table whose errors name the model, the input, what was
// expected and what came.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import type { ModelInputs } from './inputs.js';

const text = {
  version: 1,
  name: 'reader',
  task: 'classification',
  input: { tokenizer: { type: 'word' } },
  layers: [
    { type: 'embedding', embeddingDim: 4, numEmbeddings: 10 },
    { type: 'gru', hiddenSize: 3 },
    { type: 'pool', mode: 'mean' },
    { type: 'dense', units: 2 },
  ],
  training: { optimizer: { type: 'adam' }, seed: 1 },
};
const numeric = {
  version: 1,
  name: 'sensor',
  task: 'feature-extraction',
  input: { features: 3 },
  layers: [{ type: 'lstm', hiddenSize: 2 }],
  training: { optimizer: { type: 'adam' } },
};

describe('model inputs', () => {
  it('are described by the compiled model', async () => {
    const reader = await compile(text);
    const sensor = await compile(numeric);
    expect(reader.inputs.map((i) => [i.name, i.dtype, i.shape, i.required])).toEqual([
      ['tokens', 'int32', ['batch', 'time'], true],
      ['lengths', 'int32', ['batch'], false],
    ]);
    expect(reader.inputs[1]?.lengthsOf).toBe('tokens');
    expect(sensor.inputs.map((i) => [i.name, i.dtype, i.shape, i.required])).toEqual([
      ['features', 'float32', ['batch', 'time', 3], true],
      ['lengths', 'int32', ['batch'], false],
    ]);
    reader.dispose();
    sensor.dispose();
  });

  it('take lengths as an array, an Int32Array or a 1-D tensor, with the same result', async () => {
    const model = await compile(text);
    const before = tf.memory().numTensors;
    const tokens = tf.tensor2d(
      [
        [1, 2, 3],
        [4, 5, 0],
      ],
      [2, 3],
      'int32',
    );
    const asTensor = tf.tensor1d([3, 2], 'int32');
    const values = (inputs: ModelInputs) =>
      tf.tidy(() => Array.from(model.forward(inputs).output.dataSync()));
    const outputs = [[3, 2], Int32Array.from([3, 2]), asTensor].map((lengths) =>
      values({ tokens, lengths }),
    );
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
    // Lengths matter: without them the padded step counts.
    expect(values({ tokens })).not.toEqual(outputs[0]);
    tf.dispose([tokens, asTensor]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it.each<[string, 'text' | 'numeric', (t: Record<string, tf.Tensor>) => ModelInputs, string]>([
    [
      'no tokens',
      'text',
      () => ({}),
      'model "reader": missing input "tokens" (token ids): int32 [batch, time]',
    ],
    [
      'an unknown input',
      'text',
      (t) => ({ tokens: t.ids as tf.Tensor, lenghts: [3, 2] }),
      'model "reader": unknown input "lenghts"; it takes "tokens": int32 [batch, time], "lengths" (optional): int32 [batch]',
    ],
    [
      'float token ids',
      'text',
      (t) => ({ tokens: t.floats as tf.Tensor }),
      'model "reader": input "tokens" (token ids) must be int32 [batch, time], got float32 [2, 3]',
    ],
    [
      'token ids of rank 3',
      'text',
      (t) => ({ tokens: t.ids3 as tf.Tensor }),
      'model "reader": input "tokens" (token ids) must be int32 [batch, time], got int32 [2, 3, 1]',
    ],
    [
      'lengths for another batch',
      'text',
      (t) => ({ tokens: t.ids as tf.Tensor, lengths: [3, 2, 1] }),
      'model "reader": input "lengths" has 3 rows but "tokens" has 2',
    ],
    [
      'lengths of rank 2',
      'text',
      (t) => ({ tokens: t.ids as tf.Tensor, lengths: t.ids as tf.Tensor }),
      'model "reader": input "lengths" (real length of each row of "tokens") must be a number[], an Int32Array or a 1-D tensor [batch], got a tensor [2, 3]',
    ],
    [
      'tokens given to a numeric model',
      'numeric',
      (t) => ({ tokens: t.ids as tf.Tensor }),
      'model "sensor": unknown input "tokens"; it takes "features": float32 [batch, time, 3], "lengths" (optional): int32 [batch]',
    ],
    [
      'features of the wrong width',
      'numeric',
      (t) => ({ features: t.wide as tf.Tensor }),
      'model "sensor": input "features" (features per step) must be float32 [batch, time, 3], got float32 [2, 3, 4]',
    ],
    [
      'a lengths value beyond the padded length',
      'numeric',
      (t) => ({ features: t.features as tf.Tensor, lengths: [3, 4] }),
      'lengths[1] is 4; each length must be between 1 and the padded length 3 (layer "lstm")',
    ],
  ])('refuse %s', async (_, kind, make, message) => {
    const model = await compile(kind === 'text' ? text : numeric);
    const tensors = {
      ids: tf.tensor2d(
        [
          [1, 2, 3],
          [4, 5, 0],
        ],
        [2, 3],
        'int32',
      ),
      ids3: tf.zeros([2, 3, 1], 'int32'),
      floats: tf.zeros([2, 3]),
      wide: tf.zeros([2, 3, 4]),
      features: tf.zeros([2, 3, 3]),
    };
    const before = tf.memory().numTensors;
    expect(() => model.forward(make(tensors))).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(tensors));
    model.dispose();
  });
});
