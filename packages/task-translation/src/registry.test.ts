// The plug-in: importing the package registers "translation" and its aliases with core, createTask
// builds a typed TranslationTask from a spec and loads one from files or a folder, and the /node
// entry reads pairs (tab-separated or parallel files, validation given or split off) for the CLI,
// with bad inputs named by file and line or by flag.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@recurrent/backend-wasm';
import {
  createTask,
  findTask,
  saveTask,
  TaskError,
  taskName,
  useBackend,
} from '@recurrent/core/node';
import { DataError } from '@recurrent/data';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { tatoeba, translationSpec } from '../test/tatoeba.js';
import type { TranslationEvaluation } from './contract.js';
import { TranslationTask } from './index.js';
import { translationNode } from './node.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const temp = () => mkdtempSync(join(tmpdir(), 'translation-'));

describe('the translation plug-in', () => {
  it('registers translation with its aliases, options and worker target', () => {
    expect(findTask('translation').name).toBe('translation');
    expect(taskName('machine-translation')).toBe('translation');
    expect(taskName('seq2seq')).toBe('translation');
    const plugin = findTask('seq2seq');
    expect(plugin.commandLine?.options.map((o) => [o.flags, o.commands])).toEqual([
      ['--source <file>', ['train', 'eval']],
      ['--target <file>', ['train', 'eval']],
      ['--val <file>', ['train']],
      ['--val-source <file>', ['train']],
      ['--val-target <file>', ['train']],
      ['--beam <width>', ['eval']],
    ]);
    expect(plugin.commandLine?.dataOptions).toEqual(['source', 'target']);
    expect(plugin.trainingTarget).toBeTypeOf('function');
    expect(plugin.node).toBe(translationNode);
    expect(plugin.module).toMatch(/task-translation\/src\/index\.ts$/);
  });

  it('createTask: a typed TranslationTask from a spec, loaded back from files and from a folder', async () => {
    const task = await createTask(translationSpec());
    expectTypeOf(task).toEqualTypeOf<TranslationTask>();
    expect(task).toBeInstanceOf(TranslationTask);
    await task.train(tatoeba.slice(0, 48));
    const translated = await task.translate(['Go.', 'Run!']);
    const files = await task.save();
    const fromFiles = await createTask(files, { task: 'machine-translation' as 'translation' });
    expect(await fromFiles.translate(['Go.', 'Run!'])).toEqual(translated);
    const dir = join(temp(), 'model');
    await saveTask(task, dir);
    const fromFolder = (await createTask(dir)) as TranslationTask;
    expect(fromFolder).toBeInstanceOf(TranslationTask);
    expect(await fromFolder.translate(['Go.', 'Run!'])).toEqual(translated);
    await expect(createTask(files, { task: 'generation' as string })).rejects.toThrow(
      /"translation".*"generation"/,
    );
    for (const t of [task, fromFiles, fromFolder]) t.dispose();
  });
});

describe('the /node entry', () => {
  const spec = TranslationTask.create(translationSpec({ training: { seed: 9 } })).spec;
  const write = (dir: string, name: string, text: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const tsv = (pairs: readonly { source: string; target: string }[]) =>
    pairs.map((p) => `${p.source}\t${p.target}\tCC-BY 2.0 (France)\n`).join('');

  it('reads tab-separated pairs and holds out a seeded tenth of the source sentences', async () => {
    const dir = temp();
    const path = write(dir, 'pairs.tsv', tsv(tatoeba));
    const data = await translationNode.readTrainingData(path, {}, spec);
    const validation = data.validation ?? [];
    expect(data.train.length + validation.length).toBe(400);
    const trainSources = new Set(data.train.map((p) => p.source));
    for (const p of validation) expect(trainSources.has(p.source)).toBe(false);
    expect(new Set(validation.map((p) => p.source)).size).toBe(15);
    expect(data.notes).toEqual([
      `data: ${data.train.length} training and ${validation.length} validation pairs (${path})`,
      'validation split: a seeded 10% of the 154 distinct source sentences (seed 9), each with all its pairs (--val FILE or --val-source/--val-target to give your own)',
      // input.maxLength 10, target.maxLength 12: "Prenez vos jambes à vos cous !" (7 + 1) fits.
    ]);
    expect(await translationNode.readTrainingData(path, {}, spec)).toEqual(data);
  });

  it('says how many training pairs the skip rules leave out', async () => {
    const dir = temp();
    const pairs = [...tatoeba.slice(0, 30), { source: '2 + 2', target: 'Quatre.' }];
    const path = write(dir, 'pairs.tsv', tsv(pairs));
    const short = TranslationTask.create(
      translationSpec({ input: { maxLength: 4 }, target: { maxLength: 4 } }),
    ).spec;
    const val = write(dir, 'val.tsv', tsv(tatoeba.slice(30, 40)));
    const data = await translationNode.readTrainingData(path, { val }, short);
    expect(data.train).toEqual(pairs);
    expect(data.validation).toEqual(tatoeba.slice(30, 40));
    // Lines 7, 13 and 21 have a target of 4 tokens or more; "2 + 2" has no letter.
    expect(data.notes).toEqual([
      `data: 31 training pairs (${path}) and 10 validation pairs (--val ${val})`,
      'training skips 4 of 31 pairs: 3 have a side longer than its maxLength (input.maxLength 4, target.maxLength 4, the end token counted); 1 has a side with no tokens',
    ]);
  });

  it('reads parallel files for training, validation and evaluation', async () => {
    const dir = temp();
    const lines = (side: 'source' | 'target', from: number, to: number) =>
      `${tatoeba
        .slice(from, to)
        .map((p) => p[side])
        .join('\n')}\n`;
    const options = {
      source: write(dir, 'train.en', lines('source', 0, 20)),
      target: write(dir, 'train.fr', lines('target', 0, 20)),
      'val-source': write(dir, 'val.en', lines('source', 20, 25)),
      'val-target': write(dir, 'val.fr', lines('target', 20, 25)),
    };
    const data = await translationNode.readTrainingData('', options, spec);
    expect(data.train).toEqual(tatoeba.slice(0, 20));
    expect(data.validation).toEqual(tatoeba.slice(20, 25));
    expect(data.notes[0]).toBe(
      `data: 20 training pairs (${options.source} + ${options.target}) and 5 validation pairs (--val-source ${options['val-source']} --val-target ${options['val-target']})`,
    );
    expect(
      await translationNode.readEvaluationData('', {
        source: options['val-source'],
        target: options['val-target'],
      }),
    ).toEqual(tatoeba.slice(20, 25));
    const path = write(dir, 'test.tsv', tsv(tatoeba.slice(5, 9)));
    expect(await translationNode.readEvaluationData(path, {})).toEqual(tatoeba.slice(5, 9));
  });

  it('refuses contradictory or missing data options by flag, and bad files by file and line', async () => {
    const dir = temp();
    const good = write(dir, 'good.tsv', tsv(tatoeba.slice(0, 5)));
    const en = write(dir, 'a.en', 'Go.\n');
    const fr = write(dir, 'a.fr', 'Va !\n');
    const refusals: [string, Record<string, string>, string][] = [
      [
        good,
        { source: en, target: fr },
        `--data ${good} and --source/--target both give the pairs`,
      ],
      [
        '',
        { source: en },
        '--source needs --target: parallel files pair their sentences line by line',
      ],
      ['', { target: fr }, '--target needs --source'],
      [
        '',
        {},
        'no pairs: give --data FILE (source<TAB>target per line) or --source FILE --target FILE',
      ],
      [
        good,
        { val: good, 'val-source': en },
        `--val ${good} and --val-source/--val-target both give validation pairs`,
      ],
      [good, { 'val-target': fr }, '--val-target needs --val-source'],
    ];
    for (const [path, options, message] of refusals) {
      const error = await translationNode.readTrainingData(path, options, spec).catch((e) => e);
      expect(error).toBeInstanceOf(TaskError);
      expect((error as Error).message).toContain(message);
    }
    const files: [string, string | Buffer, string][] = [
      ['latin1.tsv', Buffer.from('Go.\tVa !\nCafé\tcaf\xe9\n', 'latin1'), ':2: invalid UTF-8'],
      ['notab.tsv', 'Go.\tVa !\nHi. Salut !\n', ':2: no tab: each line is source<TAB>target'],
      ['empty-side.tsv', 'Go.\tVa !\nHi.\t\n', ':2: the target (column 2) is empty'],
    ];
    for (const [name, text, message] of files) {
      const path = write(dir, name, text);
      const error = await translationNode.readTrainingData(path, {}, spec).catch((e) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message.startsWith(`${path}${message}`)).toBe(true);
    }
    const missing = join(dir, 'missing.tsv');
    await expect(translationNode.readEvaluationData(missing, {})).rejects.toThrow(
      `${missing}: cannot read the file (ENOENT`,
    );
    const short = write(dir, 'b.fr', 'Va !\nSalut !\n');
    await expect(
      translationNode.readEvaluationData('', { source: en, target: short }),
    ).rejects.toThrow(
      `${en}: 1 lines, but ${short} has 2: parallel files pair their sentences line by line`,
    );
  });

  it('fingerprints the pairs: the same pairs give the same digest', () => {
    const fingerprint = translationNode.fingerprint;
    const a = tatoeba.slice(0, 10);
    expect(fingerprint?.({ train: a })).toBe(fingerprint?.({ train: [...a] }));
    expect(fingerprint?.({ train: a })).not.toBe(fingerprint?.({ train: a.slice(1) }));
    expect(fingerprint?.({ train: a.slice(0, 9), validation: a.slice(9) })).not.toBe(
      fingerprint?.({ train: a }),
    );
    // Pair boundaries count: ("a", "b c") is not ("a b", "c").
    expect(fingerprint?.({ train: [{ source: 'a', target: 'b c' }] })).not.toBe(
      fingerprint?.({ train: [{ source: 'a b', target: 'c' }] }),
    );
  });

  it('describes an evaluation and the validation BLEU of an epoch', () => {
    const evaluation: TranslationEvaluation = {
      bleu: 21.3456,
      bleuDetails: {
        score: 21.3456,
        counts: [10, 5, 2, 1],
        totals: [20, 16, 12, 8],
        precisions: [50, 31.25, 16.666, 12.5],
        brevityPenalty: 0.9512,
        hypothesisLength: 20,
        referenceLength: 21,
      },
      strategy: 'beam',
      beamWidth: 5,
      tokenAccuracy: 0.61234,
      loss: 1.5,
      perplexity: Math.exp(1.5),
      pairs: 450,
      unknownSourceRate: 0.0321,
    };
    expect(translationNode.describeEvaluation(evaluation)).toEqual([
      'BLEU 21.35 (beam search, width 5; n-gram precisions 50.0/31.3/16.7/12.5, brevity penalty 0.951, 20 output / 21 reference tokens)',
      'token accuracy 61.23%, loss 1.5000 nats per token, perplexity 4.482 (teacher-forced)',
      '450 pairs; 3.21% of the source tokens unknown to the vocabulary',
    ]);
    expect(
      translationNode.describeMetrics?.({
        epoch: 0,
        trainLoss: 2,
        validationLoss: 1.5,
        metrics: { perplexity: Math.exp(1.5), accuracy: 0.5, bleu: 12.345 },
        lr: 0.001,
        seconds: 1,
      }),
    ).toBe(', validation BLEU 12.35, token accuracy 50.00%, perplexity 4.482');
    expect(
      translationNode.describeMetrics?.({ epoch: 0, trainLoss: 2, lr: 0.001, seconds: 1 }),
    ).toBe('');
  });
});
