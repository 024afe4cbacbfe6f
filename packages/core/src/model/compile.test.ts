import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropyWithLogits } from '../train/losses.js';
import { Adam, parameterGradients } from '../train/optimizer.js';
import { compile, SpecValidationError } from './compile.js';

const example = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../../../specs/examples', name), 'utf8'));

const small = {
  version: 1,
  name: 'small',
  task: 'classification',
  input: { tokenizer: { type: 'word' } },
  layers: [
    { type: 'embedding', embeddingDim: 8, numEmbeddings: 30 },
    { type: 'lstm', hiddenSize: 6, numLayers: 2, bidirectional: true, dropout: 0.2 },
    { type: 'pool', mode: 'attention' },
    { type: 'dropout', rate: 0.1 },
    { type: 'dense', units: 1, name: 'head' },
  ],
  training: { optimizer: { type: 'adam', lr: 0.01 }, loss: 'bce-with-logits', seed: 3 },
};

describe('compile', () => {
  it('builds the example classification spec with PyTorch parameter names and a Keras-like summary', async () => {
    const model = await compile(example('classification-sentiment-gru.json'), {
      vocabularySize: 1000,
      outputSize: 2,
    });
    expect(model.parameters().map((p) => [p.name, p.variable.shape])).toEqual([
      ['embedding.weight', [1000, 64]],
      ['gru.weight_ih_l0', [192, 64]],
      ['gru.weight_hh_l0', [192, 64]],
      ['gru.bias_ih_l0', [192]],
      ['gru.bias_hh_l0', [192]],
      ['gru.weight_ih_l0_reverse', [192, 64]],
      ['gru.weight_hh_l0_reverse', [192, 64]],
      ['gru.bias_ih_l0_reverse', [192]],
      ['gru.bias_hh_l0_reverse', [192]],
      ['head.weight', [2, 128]],
      ['head.bias', [2]],
    ]);
    const summary = model.summary();
    expect(summary).toContain('Model "sentiment-gru" (classification), backend cpu');
    expect(summary).toMatch(/embedding \(embedding\)\s+\[B, T, 64\]\s+64,000/);
    expect(summary).toMatch(/gru \(gru\)\s+\[B, T, 128\]\s+49,920/);
    expect(summary).toMatch(/pool \(pool\)\s+\[B, 128\]\s+0/);
    expect(summary).toMatch(/head \(dense\)\s+\[B, 2\]\s+258/);
    expect(summary).toContain('Total params: 114,178 (trainable: 114,178)');
    const ids = tf.tensor2d(
      [
        [5, 6, 7, 0],
        [9, 2, 0, 0],
      ],
      [2, 4],
      'int32',
    );
    const { output } = model.forward({ tokens: ids, lengths: [3, 2] });
    expect(output.shape).toEqual([2, 2]);
    tf.dispose([ids, output]);
    model.dispose();
  });

  it('is deterministic for a seed', async () => {
    const a = await compile(small);
    const b = await compile(small);
    for (const [i, p] of a.parameters().entries()) {
      expect(Array.from(p.variable.dataSync())).toEqual(
        Array.from(b.parameters()[i]?.variable.dataSync() ?? []),
      );
    }
    const c = await compile({ ...small, training: { ...small.training, seed: 4 } });
    expect(Array.from(c.parameters()[1]?.variable.dataSync() ?? [])).not.toEqual(
      Array.from(a.parameters()[1]?.variable.dataSync() ?? []),
    );
    for (const m of [a, b, c]) m.dispose();
  });

  it('names what is missing or wrong', async () => {
    await expect(compile({ ...small, layers: [{ type: 'lstmm', hiddenSize: 3 }] })).rejects.toThrow(
      SpecValidationError,
    );
    await expect(compile({ ...small, layers: [{ type: 'lstmm', hiddenSize: 3 }] })).rejects.toThrow(
      '/layers/0/type: unknown layer type "lstmm"',
    );
    await expect(
      compile(example('classification-sentiment-gru.json'), { outputSize: 2 }),
    ).rejects.toThrow(
      'layers[0] ("embedding", embedding): the vocabulary size is unknown; set numEmbeddings in the spec or pass compile(spec, { vocabularySize })',
    );
    await expect(
      compile(example('classification-sentiment-gru.json'), { vocabularySize: 10 }),
    ).rejects.toThrow(
      'layers[4] ("head", dense): units is "auto" and the output size is unknown; pass compile(spec, { outputSize })',
    );
    await expect(compile(example('eng-fra-bahdanau.json'))).rejects.toThrow(
      'encoder.layers[0] ("embedding", embedding): the source vocabulary size is unknown; set numEmbeddings in the spec or pass compile(spec, { vocabularySize })',
    );
    await expect(compile(small, { backend: 'tpu' })).rejects.toThrow(
      'unknown backend "tpu" (did you mean "cpu"?)',
    );
    const model = await compile(small);
    const floats = tf.zeros([2, 3]);
    expect(() => model.forward({ tokens: floats })).toThrow(
      'model "small": input "tokens" (token ids) must be int32 [batch, time], got float32 [2, 3]',
    );
    floats.dispose();
    model.dispose();
  });

  it('trains (loss goes down) and leaves no tensors behind after 20 steps with dropout', async () => {
    const model = await compile(small);
    const ids = tf.tensor2d(
      [
        [1, 2, 3, 4],
        [5, 6, 0, 0],
        [7, 8, 9, 0],
        [3, 3, 3, 3],
      ],
      [4, 4],
      'int32',
    );
    const labels = tf.tensor1d([1, 0, 1, 0]);
    const lengths = [4, 2, 3, 4];
    const adam = new Adam({ lr: 0.01 });
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      const { value, grads } = parameterGradients(model.parameters(), () =>
        binaryCrossEntropyWithLogits(
          tf.reshape(model.forward({ tokens: ids, lengths }, { training: true }).output, [-1]),
          labels,
        ),
      );
      losses.push(value.dataSync()[0] as number);
      adam.step(grads);
      tf.dispose([value, ...grads.values()]);
    }
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[19]).toBeLessThan((losses[0] as number) * 0.8);
    tf.dispose([ids, labels]);
    model.dispose();
  });

  it('returns and accepts states for carrying them across calls', async () => {
    const spec = {
      version: 1,
      name: 'lm',
      task: 'feature-extraction',
      input: { features: 3 },
      layers: [{ type: 'gru', name: 'rnn', hiddenSize: 4, numLayers: 2 }],
      training: { optimizer: { type: 'adam' } },
    };
    const model = await compile(spec);
    tf.tidy(() => {
      const x = tf.randomNormal([2, 6, 3], 0, 1, 'float32', 1);
      const whole = model.forward({ features: x });
      const first = model.forward({ features: tf.slice(x, [0, 0, 0], [2, 4, 3]) });
      const second = model.forward(
        { features: tf.slice(x, [0, 4, 0], [2, 2, 3]) },
        { initialState: first.states },
      );
      const tail = tf.slice(whole.output, [0, 4, 0], [2, 2, 4]);
      expect(tf.max(tf.abs(tf.sub(tail, second.output))).dataSync()[0]).toBeLessThan(1e-6);
      expect(
        tf
          .max(tf.abs(tf.sub(whole.states.rnn?.h as tf.Tensor, second.states.rnn?.h as tf.Tensor)))
          .dataSync()[0],
      ).toBeLessThan(1e-6);
    });
    model.dispose();
  });
});
