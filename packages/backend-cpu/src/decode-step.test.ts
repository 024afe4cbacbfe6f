// The cpu DecodeStep kernel's own pieces: the polynomial sigmoid against Math.exp, the refusals of
// the kernel and of the model stepper around it. Its results against model.forward are checked by
// the conformance suite (conformance.test.ts).
import {
  compile,
  decodeStepAvailable,
  type Model,
  modelStepper,
  runDecodeStep,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sigmoidInto } from './fast-sigmoid.js';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('sigmoidInto', () => {
  it('is 1 / (1 + exp(-x)) to float32 precision, saturates, and keeps NaN', () => {
    const xs = [-1000, -88, -80, -30, -1e-9, 0, 1e-9, 0.5, 3, 17, 80, 1000];
    for (let x = -40; x <= 40; x += 0.013) xs.push(x);
    const pre = Float32Array.from(xs);
    const act = new Float32Array(pre.length);
    sigmoidInto(pre, act, pre.length);
    pre.forEach((x, i) => {
      const exact = 1 / (1 + Math.exp(-x));
      expect(Math.abs((act[i] as number) - exact)).toBeLessThanOrEqual(1.2e-7 * exact + 1e-34);
    });
    const nan = new Float32Array(1);
    sigmoidInto(Float32Array.of(Number.NaN), nan, 1);
    expect(nan[0]).toBeNaN();
  });
});

function languageModel(layers: Record<string, unknown>[]): Promise<Model> {
  return compile(
    {
      version: 1,
      name: 'lm',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [{ type: 'embedding', embeddingDim: 4 }, ...layers],
      training: { optimizer: { type: 'adam' } },
    },
    { backend: 'cpu', vocabularySize: 9, outputSize: 9 },
  );
}

describe('the model stepper on cpu', () => {
  it('uses the fused step for an embedding → recurrent → dense model', async () => {
    const model = await languageModel([
      { type: 'lstm', hiddenSize: 3 },
      { type: 'dense', units: 'auto' },
    ]);
    expect(decodeStepAvailable()).toBe(true);
    expect(modelStepper(model).fusedStep).toBe(true);
    expect(modelStepper(model, { fused: false }).fusedStep).toBe(false);
    model.dispose();
  });

  const misfits: Array<[string, Record<string, unknown>[], string]> = [
    [
      'a layer norm',
      [{ type: 'gru', hiddenSize: 3 }, { type: 'layer-norm' }, { type: 'dense', units: 'auto' }],
      'layer "layer_norm" (layer-norm) has no place in the fused step',
    ],
    [
      'two dense layers',
      [
        { type: 'rnn', hiddenSize: 3 },
        { type: 'dense', units: 4, activation: 'relu' },
        { type: 'dense', units: 'auto' },
      ],
      'layer "dense" (dense) has no place in the fused step',
    ],
    ['no recurrent layer', [{ type: 'dense', units: 'auto' }], 'it has no recurrent layer'],
  ];
  for (const [title, layers, reason] of misfits) {
    it(`refuses fused: true for a model with ${title}, and decodes it through model.forward on "auto"`, async () => {
      const model = await languageModel(layers);
      expect(() => modelStepper(model, { fused: true })).toThrow(
        `modelStepper: fused: true, but model "lm" cannot run the fused decoding step: ${reason}`,
      );
      const stepper = modelStepper(model);
      expect(stepper.fusedStep).toBe(false);
      const first = await stepper.prefill(Int32Array.of(1, 2));
      const next = await stepper.step(Int32Array.of(3), first.state);
      expect(next.logits).toHaveLength(9);
      stepper.release(first.state);
      stepper.release(next.state);
      model.dispose();
    });
  }
});

describe('the DecodeStep kernel refuses inputs it would read outside of', () => {
  it('token ids outside the embedding, states of the wrong shape, an unknown cell', async () => {
    const model = await languageModel([
      { type: 'lstm', hiddenSize: 3, name: 'lstm' },
      { type: 'dense', units: 'auto' },
    ]);
    const weight = (name: string) =>
      model.parameters().find((p) => p.name === name)?.variable as tf.Variable;
    const weights = {
      embedding: weight('embedding.weight'),
      blocks: [
        {
          cell: 'lstm' as const,
          numLayers: 1,
          bias: true,
          layers: [
            {
              wih: weight('lstm.weight_ih_l0'),
              whh: weight('lstm.weight_hh_l0'),
              bih: weight('lstm.bias_ih_l0'),
              bhh: weight('lstm.bias_hh_l0'),
            },
          ],
        },
      ],
      outWeight: weight('dense.weight'),
      outBias: weight('dense.bias'),
    };
    const h = tf.zeros([1, 2, 3]);
    const before = tf.memory().numTensors;
    expect(() => runDecodeStep(Int32Array.of(1, 9), weights, [{ h, c: h }])).toThrow(
      "DecodeStep kernel: token id 9 (row 1) is outside the embedding's 9 rows",
    );
    expect(() => runDecodeStep(Int32Array.of(1), weights, [{ h, c: h }])).toThrow(
      'DecodeStep kernel: input "h_0" must be float32 [1, 1, 3], got float32 [1, 2, 3]',
    );
    const unknownCell = {
      ...weights,
      blocks: [{ ...weights.blocks[0], cell: 'peephole' as unknown as 'lstm' }],
    } as typeof weights;
    expect(() => runDecodeStep(Int32Array.of(1, 2), unknownCell, [{ h, c: h }])).toThrow(
      'DecodeStep kernel: block 0 has cell "peephole"; cells are lstm, gru, rnn-tanh, rnn-relu',
    );
    expect(tf.memory().numTensors).toBe(before);
    h.dispose();
    model.dispose();
  });
});
