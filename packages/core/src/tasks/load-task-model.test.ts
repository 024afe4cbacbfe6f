// loadTaskModel: a model of the named task reaches `build` with its metadata, settings and the name
// of model.json; another task, a refused spec or a failing build is an error naming model.json,
// and every failure disposes the model (tensor count back to its baseline).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ModelFileError, modelToFiles } from '../io/model-files.js';
import { compile } from '../model/compile.js';
import type { ModelSpec } from '../spec/types.generated.js';
import type { ModelFiles } from './contract.js';
import { loadTaskModel } from './load-task-model.js';

const spec = {
  version: 1,
  name: 'loaded',
  task: 'classification',
  input: { tokenizer: { type: 'char' } },
  layers: [
    { type: 'embedding', embeddingDim: 4 },
    { type: 'gru', hiddenSize: 3 },
    { type: 'pool', mode: 'max' },
    { type: 'dense', units: 'auto' },
  ],
  training: { optimizer: { type: 'adam' }, seed: 3 },
};
const sizes = { vocabularySize: 7, outputSize: 2 };

async function files(metadata: Record<string, unknown>): Promise<ModelFiles> {
  const model = await compile(spec, sizes);
  const saved = await modelToFiles(model, metadata);
  model.dispose();
  return saved;
}

const nameOf = (s: ModelSpec) => s.name;

describe('loadTaskModel', () => {
  it('gives build the model, its metadata, its settings and model.json’s name', async () => {
    const saved = await files({ task: 'classification', labels: ['a', 'b'] });
    const loaded = await loadTaskModel(
      saved,
      'classification',
      { source: { json: '/models/x/model.json' } },
      nameOf,
      (l) => l,
    );
    expect(loaded.where).toBe('/models/x/model.json');
    expect(loaded.settings).toBe('loaded');
    expect(loaded.metadata).toEqual({ task: 'classification', labels: ['a', 'b'] });
    expect(loaded.model.sizes).toEqual(sizes);
    loaded.model.dispose();
    const inMemory = await loadTaskModel(saved, 'classification', {}, nameOf, (l) => l);
    expect(inMemory.where).toBe('model.json');
    inMemory.model.dispose();
  });

  const refusals: [string, Record<string, unknown>, (spec: ModelSpec) => unknown, string][] = [
    [
      'a model of another task',
      { task: 'generation' },
      nameOf,
      'model.json: not a classification model (metadata.task is "generation")',
    ],
    [
      'metadata without a task',
      {},
      nameOf,
      'model.json: not a classification model (metadata.task is undefined)',
    ],
    [
      'a spec the task refuses',
      { task: 'classification' },
      () => {
        throw new Error('layers[1]: expected an lstm');
      },
      'model.json: layers[1]: expected an lstm',
    ],
  ];

  it.each(refusals)(
    'refuses %s with a ModelFileError and disposes the model',
    async (_, metadata, settingsOf, message) => {
      const saved = await files(metadata);
      const before = tf.memory().numTensors;
      let built = false;
      const load = loadTaskModel(saved, 'classification', {}, settingsOf, () => {
        built = true;
      });
      await expect(load).rejects.toThrow(message);
      await expect(load).rejects.toBeInstanceOf(ModelFileError);
      expect(built).toBe(false);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('disposes the model when build throws, and passes its error on unchanged', async () => {
    const saved = await files({ task: 'classification' });
    const before = tf.memory().numTensors;
    const problem = new RangeError('metadata.labels: 3 labels for a head of 2');
    let built = false;
    const load = loadTaskModel(saved, 'classification', {}, nameOf, async () => {
      built = true;
      throw problem;
    });
    await expect(load).rejects.toBe(problem);
    expect(built).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
