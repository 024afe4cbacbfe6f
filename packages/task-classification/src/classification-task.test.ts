// The classification task end to end on real data (the UCI sentiment sentences from amazon and
// yelp, in the repository's fixtures): train, evaluate on a held-out split, predict, save and load
// in-memory files with identical predictions, the exact behaviour of unusual inputs, and no leaked
// tensors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@recurrent/backend-cpu';
import '@recurrent/backend-wasm';
import { compile, readSafetensors, useBackend, validateSpec } from '@recurrent/core';
import { splitIndices } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassificationTask } from './classification-task.js';

const datasets = join(
  import.meta.dirname,
  '../../../fixtures/datasets/sentiment-labelled-sentences',
);
const rows = ['amazon_cells_labelled.txt', 'yelp_labelled.txt'].flatMap((file) =>
  readFileSync(join(datasets, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t') as [string, string]),
);
const { train, validation } = splitIndices(rows.length, 0.1, 11);
const pick = (indices: number[]) => ({
  texts: indices.map((i) => (rows[i] as [string, string])[0]),
  labels: indices.map((i) => ((rows[i] as [string, string])[1] === '1' ? 'positive' : 'negative')),
});

const spec = {
  version: 1,
  name: 'sentiment-small',
  task: 'classification',
  input: {
    tokenizer: { type: 'word', lowercase: true },
    vocabulary: { minFrequency: 2 },
    maxLength: 40,
  },
  layers: [
    { type: 'embedding', embeddingDim: 32 },
    { type: 'gru', hiddenSize: 32, bidirectional: true },
    { type: 'pool', mode: 'mean' },
    { type: 'dense', units: 'auto' },
  ],
  training: {
    epochs: 6,
    batchSize: 32,
    optimizer: { type: 'adam', lr: 0.005 },
    clipNorm: 5,
    seed: 2,
  },
};

describe('ClassificationTask on the UCI sentiment sentences', () => {
  let task: ClassificationTask;

  beforeAll(async () => {
    await useBackend('wasm');
    task = ClassificationTask.create(spec, { backend: 'wasm' });
    await task.train(pick(train), { validation: pick(validation) });
  }, 120_000);

  afterAll(() => task.dispose());

  it('learns: accuracy and macro-F1 on the held-out tenth are well above chance', async () => {
    const evaluation = await task.evaluate(pick(validation));
    expect(evaluation.count).toBe(200);
    expect(evaluation.accuracy).toBeGreaterThan(0.7);
    expect(evaluation.macroF1).toBeGreaterThan(0.7);
    const cells = Object.values(evaluation.confusion).flatMap((row) => Object.values(row));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(200);
    expect(Object.keys(evaluation.perClass)).toEqual(['negative', 'positive']);
  });

  it('predicts a label with probabilities that sum to 1', async () => {
    const [good, bad] = await task.predict([
      'Great phone, works perfectly.',
      'Terrible, it broke after a day.',
    ]);
    expect(good?.label).toBe('positive');
    expect(bad?.label).toBe('negative');
    for (const p of [good, bad]) {
      const sum = Object.values(p?.probabilities ?? {}).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
    }
  });

  it.each([
    [
      'an empty text: one unk step, 0 tokens reported',
      '',
      { tokens: 0, unknown: 0, truncated: false },
    ],
    [
      'only unknown words: all unknown reported',
      'zyzzyva qwxz',
      { tokens: 2, unknown: 2, truncated: false },
    ],
    [
      'a 1 MB line: cut to maxLength, truncated reported',
      'good '.repeat(210_000),
      { tokens: 210_000, unknown: 0, truncated: true },
    ],
  ])('%s', async (_name, text, expected) => {
    const [prediction] = await task.predict([text]);
    expect(prediction).toMatchObject(expected);
    expect(['negative', 'positive']).toContain(prediction?.label);
  });

  it('saves to in-memory files and loads a model that predicts identically', async () => {
    const files = await task.save({ note: 'kept' });
    expect(Object.keys(files)).toEqual(['model.json', 'weights.safetensors']);
    expect(JSON.parse(files['model.json']).metadata).toMatchObject({
      note: 'kept',
      task: 'classification',
      labels: ['negative', 'positive'],
      maxLength: 40,
    });
    const loaded = await ClassificationTask.load(files, { backend: 'wasm' });
    const texts = pick(validation).texts.slice(0, 50);
    expect(await loaded.predict(texts)).toEqual(await task.predict(texts));
    expect(loaded.labels).toEqual(task.labels);
    loaded.dispose();
  });

  it('evaluates its loss as the mean cross-entropy of the predicted probabilities', async () => {
    const data = pick(validation);
    const evaluation = await task.evaluate(data);
    const predictions = await task.predict(data.texts);
    const crossEntropy =
      predictions.reduce(
        (sum, p, i) => sum - Math.log(p.probabilities[data.labels[i] as string] as number),
        0,
      ) / predictions.length;
    expect(evaluation.loss).toBeCloseTo(crossEntropy, 5);
    const correct = predictions.filter((p, i) => p.label === data.labels[i]).length;
    expect(evaluation.accuracy).toBe(correct / predictions.length);
  });

  it('predicts each text the same whatever the order and batch (batches are sorted by length)', async () => {
    const texts = pick(validation).texts.slice(0, 60);
    const forward = await task.predict(texts, 16);
    const backward = (await task.predict([...texts].reverse(), 7)).reverse();
    expect(backward.map((p) => p.label)).toEqual(forward.map((p) => p.label));
    for (const [i, p] of backward.entries()) {
      for (const [label, probability] of Object.entries(p.probabilities)) {
        expect(probability).toBeCloseTo(forward[i]?.probabilities[label] as number, 5);
      }
    }
  });

  it('names a label the model does not know, and mismatched inputs', async () => {
    await expect(task.evaluate({ texts: ['ok'], labels: ['neutral'] })).rejects.toThrow(
      'evaluation data: example 1 has label "neutral", which the model does not know (labels: negative, positive)',
    );
    await expect(task.evaluate({ texts: ['a', 'b'], labels: ['positive'] })).rejects.toThrow(
      '2 texts but 1 labels',
    );
  });
});

describe('ClassificationTask and tensors', () => {
  it('leaves no tensor behind after training, evaluating, predicting, saving and loading', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const own = ClassificationTask.create(
      { ...spec, training: { ...spec.training, epochs: 1 } },
      { backend: 'wasm' },
    );
    const data = pick(train.slice(0, 300));
    await own.train(data, { validation: pick(validation.slice(0, 50)) });
    await own.evaluate(pick(validation.slice(0, 50)));
    await own.predict(['fine', '']);
    const loaded = await ClassificationTask.load(await own.save(), { backend: 'wasm' });
    await loaded.predict(['fine']);
    loaded.dispose();
    own.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

describe('ClassificationTask.train', () => {
  it('refuses validation labels the training data does not have before training', async () => {
    const fresh = ClassificationTask.create(spec, { backend: 'wasm' });
    await expect(
      fresh.train(pick(train), { validation: { texts: ['fine'], labels: ['neutral'] } }),
    ).rejects.toThrow(
      'validation data: example 1 has label "neutral", which the training data does not have (labels: negative, positive)',
    );
    fresh.dispose();
  });

  it("takes the label set and order from the spec's labels, and refuses data labels it does not list", async () => {
    const listed = ClassificationTask.create(
      { ...spec, labels: ['positive', 'negative'] },
      { backend: 'wasm' },
    );
    const few = pick(train.slice(0, 200));
    await listed.train(few, { epochs: 1 });
    expect(listed.labels).toEqual(['positive', 'negative']);
    const [prediction] = await listed.predict(['fine']);
    expect(Object.keys(prediction?.probabilities ?? {})).toEqual(['positive', 'negative']);
    listed.dispose();
    const narrow = ClassificationTask.create(
      { ...spec, labels: ['negative', 'positive'] },
      { backend: 'wasm' },
    );
    await expect(
      narrow.train({ texts: ['fine', 'bad'], labels: ['positive', 'neutral'] }),
    ).rejects.toThrow(
      'training data: example 2 has label "neutral", which the spec does not list (labels: negative, positive)',
    );
    // A refused train leaves the task as it was: no labels, no vocabulary.
    expect(() => narrow.labels).toThrow('the task has no labels yet');
    narrow.dispose();
  });
});

describe('ClassificationTask.create', () => {
  it('refuses a spec of another task, or an invalid one, saying why', () => {
    const generation = {
      version: 1,
      name: 'chars',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'lstm', hiddenSize: 4 },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' } },
    };
    expect(() => ClassificationTask.create(generation)).toThrow(
      'a classification task needs task "classification", the spec says "generation"',
    );
    expect(() => ClassificationTask.create({ ...spec, layers: [] })).toThrow('invalid model spec');
  });
});

describe('bce-with-logits: one logit for the second of two labels (PyTorch BCEWithLogitsLoss)', () => {
  const head = { type: 'dense', units: 1 };
  const bceSpec = {
    ...spec,
    layers: [...spec.layers.slice(0, 3), head],
    training: { ...spec.training, epochs: 4 },
  };

  it('is the default loss of a head of 1 unit, learns, and evaluates as binary cross-entropy', async () => {
    const task = ClassificationTask.create(bceSpec, { backend: 'wasm' });
    expect(task.loss).toBe('bce-with-logits');
    await task.train(pick(train), { validation: pick(validation) });
    const weights = readSafetensors((await task.save())['weights.safetensors']);
    expect(weights.entry('dense.weight').shape).toEqual([1, 64]);
    const data = pick(validation);
    const evaluation = await task.evaluate(data);
    expect(evaluation.accuracy).toBeGreaterThan(0.7);
    const predictions = await task.predict(data.texts);
    // -[y log p + (1 - y) log(1 - p)] with p the probability of "positive", the second label.
    const bce =
      predictions.reduce((sum, p, i) => {
        const positive = p.probabilities.positive as number;
        expect(positive + (p.probabilities.negative as number)).toBeCloseTo(1, 6);
        return sum - Math.log(data.labels[i] === 'positive' ? positive : 1 - positive);
      }, 0) / predictions.length;
    expect(evaluation.loss).toBeCloseTo(bce, 5);
    task.dispose();
  }, 120_000);

  it('trains with the loss PyTorch computes on the logit: mean(softplus(z) - z y)', async () => {
    const { classificationLoss } = await import('./training-target.js');
    const model = await compile(bceSpec, { backend: 'wasm', vocabularySize: 20, outputSize: 1 });
    const ids = tf.tensor2d(
      [
        [2, 3, 4],
        [5, 6, 0],
        [7, 8, 9],
        [10, 0, 0],
      ],
      [4, 3],
      'int32',
    );
    const targets = tf.tensor1d([1, 0, 0, 1], 'int32');
    const lengths = [3, 2, 3, 1];
    const z = Array.from(model.forward({ tokens: ids, lengths }).output.dataSync());
    const expected =
      z.reduce((sum, zi, i) => {
        const y = [1, 0, 0, 1][i] as number;
        return sum + Math.log1p(Math.exp(zi)) - zi * y;
      }, 0) / 4;
    const loss = classificationLoss(validSpec(bceSpec))(
      model,
      { inputs: { tokens: ids, lengths }, targets },
      undefined,
    );
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 6);
    tf.dispose([ids, targets, loss]);
    model.dispose();
  });

  it('gives the same weights whether training.loss names it or the 1-unit head implies it', async () => {
    const oneEpoch = { ...bceSpec, training: { ...bceSpec.training, epochs: 1 } };
    const named = { ...oneEpoch, training: { ...oneEpoch.training, loss: 'bce-with-logits' } };
    const weightsOf = async (s: unknown) => {
      const task = ClassificationTask.create(s, { backend: 'wasm' });
      await task.train(pick(train.slice(0, 400)));
      const files = await task.save();
      task.dispose();
      return files['weights.safetensors'];
    };
    expect(await weightsOf(named)).toEqual(await weightsOf(oneEpoch));
  }, 60_000);

  it('refuses more than 2 labels before training, saying what to use', async () => {
    const task = ClassificationTask.create(bceSpec, { backend: 'wasm' });
    await expect(task.train({ texts: ['a', 'b', 'c'], labels: ['x', 'y', 'z'] })).rejects.toThrow(
      'training data: bce-with-logits (one logit) classifies between 2 labels, the data has 3 (x, y, z); use cross-entropy and a head of "auto" units',
    );
    task.dispose();
  });
});

function validSpec(s: unknown) {
  const result = validateSpec(s);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.spec;
}
