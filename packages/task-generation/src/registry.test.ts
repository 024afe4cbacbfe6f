// The plug-in: importing the package registers "generation" and its aliases with core, createTask
// builds a typed GenerationTask from a spec and loads one from files or (Node) a folder, and the
// /node entry reads text files for the CLI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@recurrent/backend-cpu';
import {
  createTask,
  findTask,
  loadModel,
  ModelFileError,
  saveTask,
  TaskError,
  taskName,
  useBackend,
} from '@recurrent/core/node';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { charSpec } from '../test/shakespeare.js';
import { tinySpec, tinyText } from '../test/tiny.js';
import { GenerationTask } from './index.js';
import { generationNodeSupport } from './node.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const temp = () => mkdtempSync(join(tmpdir(), 'generation-'));

describe('the generation plug-in', () => {
  it('registers generation with its aliases', () => {
    expect(findTask('generation').name).toBe('generation');
    expect(taskName('text-generation')).toBe('generation');
    expect(taskName('language-modeling')).toBe('generation');
    expect(findTask('language-modeling').commandLine).toEqual({
      data: 'a UTF-8 text file, read as one stream of tokens (the last tenth is held out for validation)',
      formats: ['text'],
      options: [],
    });
    expect(findTask('generation').trainingTarget).toBeTypeOf('function');
  });

  it('createTask: a typed GenerationTask from a spec, loaded back from files and from a folder', async () => {
    const task = await createTask(tinySpec);
    expectTypeOf(task).toEqualTypeOf<GenerationTask>();
    expect(task).toBeInstanceOf(GenerationTask);
    await task.train(tinyText);
    const evaluation = await task.evaluate(tinyText);

    const files = await task.save();
    const fromFiles = await createTask(files, { task: 'generation' });
    expectTypeOf(fromFiles).toEqualTypeOf<GenerationTask>();
    expect(await fromFiles.evaluate(tinyText)).toEqual(evaluation);
    // Core's message; it names both tasks.
    const wrongTask = createTask(files, { task: 'classification' as string });
    await expect(wrongTask).rejects.toThrow(ModelFileError);
    await expect(wrongTask).rejects.toThrow(/"generation".*"classification"/);

    const dir = join(temp(), 'model');
    await saveTask(task, dir);
    const fromFolder = await createTask(dir);
    expect(fromFolder).toBeInstanceOf(GenerationTask);
    expect(await (fromFolder as GenerationTask).evaluate(tinyText)).toEqual(evaluation);
    // The folder is a plain model folder: core's loadModel reads it too.
    const model = await loadModel(dir);
    expect(model.sizes.vocabularySize).toBe(task.vocabulary.size);
    for (const t of [task, fromFiles, fromFolder]) t.dispose();
    model.dispose();
  });

  it('createTask refuses a spec of another task when asked for generation', async () => {
    const classification = {
      ...charSpec(),
      task: 'classification',
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'gru', hiddenSize: 4, returnSequences: false },
        { type: 'dense', units: 'auto' },
      ],
    };
    const wrongTask = createTask(classification, { task: 'generation' as string });
    await expect(wrongTask).rejects.toThrow(TaskError);
    await expect(wrongTask).rejects.toThrow(/"classification".*"generation"/);
  });
});

describe('the /node entry', () => {
  const spec = GenerationTask.create(charSpec()).spec;

  it('reads a training text, saying how it is split', async () => {
    const path = join(temp(), 'train.txt');
    const text = 'All the world’s a stage.\n'.repeat(100);
    writeFileSync(path, text);
    const data = await generationNodeSupport.readTrainingData(path, {}, spec);
    expect(data.train).toBe(text);
    expect(data.validation).toBeUndefined();
    // 2500 characters: the last 250 held out, 2250 inputs in 16 streams of 140 (10 dropped).
    expect(data.notes).toEqual([
      `${path}: 2500 tokens (char tokenizer); 16 streams of 140 train in 3 chunks of up to 64 an epoch, the last 250 tokens validate`,
    ]);
  });

  it('refuses a missing file, bytes that are not UTF-8 and a text too short, naming the file', async () => {
    const dir = temp();
    await expect(
      generationNodeSupport.readTrainingData(join(dir, 'missing.txt'), {}, spec),
    ).rejects.toThrow(`${join(dir, 'missing.txt')}: cannot read the file (ENOENT`);
    const latin1 = join(dir, 'latin1.txt');
    writeFileSync(latin1, Buffer.from('first line\ncaf\xe9\n', 'latin1'));
    await expect(generationNodeSupport.readEvaluationData(latin1, {})).rejects.toThrow(
      `${latin1}:2: invalid UTF-8`,
    );
    const short = join(dir, 'short.txt');
    writeFileSync(short, 'Too short.\n');
    await expect(generationNodeSupport.readTrainingData(short, {}, spec)).rejects.toThrow(
      `${short}: the text has 11 tokens; training needs at least 1137: 16 streams (training.batchSize) of 64 tokens (input.maxLength) or more`,
    );
  });

  it('describes an evaluation and the validation perplexity of an epoch', () => {
    const loss = 1.5;
    expect(
      generationNodeSupport.describeEvaluation({
        loss,
        bitsPerToken: loss / Math.LN2,
        perplexity: Math.exp(loss),
        tokens: 1000,
        unknown: 3,
      }),
    ).toEqual([
      'loss 1.5000 nats per token (2.1640 bits), perplexity 4.482',
      '1000 tokens scored; 3 unknown to the vocabulary (scored as <unk>)',
    ]);
    expect(
      generationNodeSupport.describeMetrics?.({
        epoch: 0,
        trainLoss: 2,
        validationLoss: 1.5,
        metrics: { perplexity: Math.exp(1.5) },
        lr: 0.001,
        seconds: 1,
      }),
    ).toBe(', validation perplexity 4.482');
  });

  it('fingerprints the training text: the same text gives the same digest', () => {
    const fingerprint = generationNodeSupport.fingerprint;
    expect(fingerprint?.({ train: 'abc' })).toBe(fingerprint?.({ train: 'abc' }));
    expect(fingerprint?.({ train: 'abc' })).not.toBe(fingerprint?.({ train: 'abd' }));
    expect(fingerprint?.({ train: 'ab', validation: 'c' })).not.toBe(
      fingerprint?.({ train: 'abc' }),
    );
  });
});
