// Loading model files: what save() wrote comes back exactly, and files that are not a generation
// model, or whose tokenizer or vocabulary do not fit the model, are refused by name with nothing
// leaked.
import '@recurrent/backend-cpu';
import { ModelFileError, type ModelFiles, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyTask, tinyText } from '../test/tiny.js';
import { GenerationTask } from './generation-task.js';

let files: ModelFiles;

beforeAll(async () => {
  await useBackend('cpu');
  const task = await tinyTask();
  files = await task.save();
  task.dispose();
});

/** model.json as the tests edit it. */
interface ModelJson {
  spec: { training: { truncatedBptt?: number } };
  metadata: {
    task?: string;
    tokenizer?: { lowercase?: boolean; lettersOnly?: boolean };
    vocabulary: { tokens: string[] };
  };
}

/** The files with model.json's JSON changed by `edit`. */
function edited(edit: (json: ModelJson) => void): ModelFiles {
  const json = JSON.parse(files['model.json']);
  edit(json);
  return { ...files, 'model.json': JSON.stringify(json) };
}

describe('GenerationTask.load', () => {
  it('loads what save() wrote, evaluating identically, and saves the same files again', async () => {
    const task = await GenerationTask.load(files);
    const again = await task.save();
    expect(again['weights.safetensors']).toEqual(files['weights.safetensors']);
    expect(JSON.parse(again['model.json'])).toEqual(JSON.parse(files['model.json']));
    const loaded = await GenerationTask.load(again);
    expect(await loaded.evaluate(tinyText)).toEqual(await task.evaluate(tinyText));
    task.dispose();
    loaded.dispose();
  });

  it('loads a model saved before tokenizers had lettersOnly (read as false)', async () => {
    const old = edited((j) => delete j.metadata.tokenizer?.lettersOnly);
    expect(JSON.parse(old['model.json']).metadata.tokenizer).not.toHaveProperty('lettersOnly');
    const task = await GenerationTask.load(files);
    const loaded = await GenerationTask.load(old);
    expect(await loaded.evaluate(tinyText)).toEqual(await task.evaluate(tinyText));
    expect(JSON.parse((await loaded.save())['model.json']).metadata.tokenizer.lettersOnly).toBe(
      false,
    );
    task.dispose();
    loaded.dispose();
  });

  const bad: { name: string; files: () => ModelFiles; message: string }[] = [
    {
      name: 'a model of another task',
      files: () => edited((j) => (j.metadata.task = 'classification')),
      message: 'model.json: not a generation model (metadata.task is "classification")',
    },
    {
      name: 'no tokenizer settings',
      files: () => edited((j) => delete j.metadata.tokenizer),
      message:
        'model.json: metadata.tokenizer must be the tokenizer settings ({ "type": "char" | "word", ... })',
    },
    {
      name: 'tokenizer settings that contradict the spec',
      files: () => edited((j) => Object.assign(j.metadata.tokenizer ?? {}, { lowercase: false })),
      message:
        "model.json: metadata.tokenizer.lowercase is false but the spec's input.tokenizer.lowercase is true",
    },
    {
      name: 'a vocabulary without the special tokens first',
      files: () => edited((j) => j.metadata.vocabulary.tokens.reverse()),
      message: 'model.json: metadata.vocabulary: id 0 must be the special token "<pad>"',
    },
    {
      name: 'a vocabulary of another size than the model',
      files: () => edited((j) => j.metadata.vocabulary.tokens.pop()),
      message: 'but the model was built for',
    },
    {
      name: 'a spec this task refuses',
      files: () => edited((j) => (j.spec.training.truncatedBptt = 8)),
      message:
        'model.json: invalid generation spec:\n  /training/truncatedBptt: a language model trains on its text in chunks of input.maxLength tokens (8)',
    },
    {
      name: 'changed weights',
      files: () => {
        const weights = files['weights.safetensors'].slice();
        weights[weights.length - 1] = (weights.at(-1) as number) ^ 1;
        return { ...files, 'weights.safetensors': weights };
      },
      message: 'weights.safetensors: does not match model.json',
    },
  ];

  for (const c of bad) {
    it(`refuses ${c.name}`, async () => {
      const before = tf.memory().numTensors;
      const load = GenerationTask.load(c.files());
      await expect(load).rejects.toThrow(ModelFileError);
      await expect(GenerationTask.load(c.files())).rejects.toThrow(c.message);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
