import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from '../model/compile.js';
import { checkpointWeightProblems } from './checkpoint-weights.js';

const spec = {
  version: 1,
  name: 'tiny',
  task: 'feature-extraction',
  input: { features: 3 },
  layers: [{ type: 'gru', hiddenSize: 4 }],
  training: { optimizer: { type: 'adam', lr: 0.01 } },
};

describe('checkpointWeightProblems', () => {
  it('is empty for the model’s own weights and names each missing, misshapen and extra one', async () => {
    const model = await compile(spec);
    const own = new Map(model.parameters().map((p) => [p.name, p.variable as tf.Tensor]));
    expect(checkpointWeightProblems(model, own)).toEqual([]);
    const wrong = tf.zeros([2, 2]);
    const extra = tf.zeros([1]);
    const edited = new Map(own);
    edited.delete('gru.bias_hh_l0');
    edited.set('gru.weight_ih_l0', wrong);
    edited.set('head.weight', extra);
    expect(checkpointWeightProblems(model, edited)).toEqual([
      `"gru.weight_ih_l0" is [2, 2], the model's is [12, 3]`,
      'no weights for "gru.bias_hh_l0"',
      '"head.weight" is not a parameter of the model',
    ]);
    tf.dispose([wrong, extra]);
    model.dispose();
  });
});
