// The plug-in and the /node entry: importing the package registers "tagging" with its aliases;
// createTask builds a typed TaggingTask from a spec and loads it from files and folders; the
// readers take CoNLL-U and column files (the tag column by option), hold out a seeded tenth,
// report blocks with no tokens, and eval reads the column the model was trained on.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@recurrent/backend-wasm';
import { createTask, findTask, saveTask, taskName, useBackend } from '@recurrent/core/node';
import { DataError } from '@recurrent/data';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { atisTrain, slice, taggingSpec } from '../test/atis.js';
import { TaggingTask } from './index.js';
import { readTaggedFile, taggingNode } from './node.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const temp = () => mkdtempSync(join(tmpdir(), 'tagging-'));
const write = (dir: string, name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** A small CoNLL-U text: UPOS and (unlike Atis) XPOS. */
const conllu = [
  '# sent_id = 1',
  '1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_',
  '2\tdog\tdog\tNOUN\tNN\t_\t3\tnsubj\t_\t_',
  '3\tbarks\tbark\tVERB\tVBZ\t_\t0\troot\t_\t_',
  '',
  '# sent_id = 2',
  '# a block with no tokens',
  '',
  '# sent_id = 3',
  '1\tA\ta\tDET\tDT\t_\t2\tdet\t_\t_',
  '2\tcat\tcat\tNOUN\tNN\t_\t3\tnsubj\t_\t_',
  '3\tsleeps\tsleep\tVERB\tVBZ\t_\t0\troot\t_\t_',
  '',
].join('\n');

describe('the tagging plug-in', () => {
  it('registers tagging with its aliases, options and worker target', () => {
    expect(findTask('tagging').name).toBe('tagging');
    expect(taskName('token-classification')).toBe('tagging');
    expect(taskName('pos-tagging')).toBe('tagging');
    const plugin = findTask('pos-tagging');
    expect(plugin.commandLine?.options.map((o) => [o.flags, o.commands])).toEqual([
      ['--val <file>', ['train']],
      ['--tag-column <upos|xpos|N>', ['train', 'eval']],
      ['--token-column <N>', ['train', 'eval']],
    ]);
    expect(plugin.trainingTarget).toBeTypeOf('function');
    expect(plugin.node).toBe(taggingNode);
    expect(plugin.module).toMatch(/task-tagging\/src\/index\.ts$/);
  });

  it('createTask: a typed TaggingTask from a spec, loaded back from files and from a folder', async () => {
    const task = await createTask(taggingSpec({ training: { epochs: 1 } }));
    expectTypeOf(task).toEqualTypeOf<TaggingTask>();
    expect(task).toBeInstanceOf(TaggingTask);
    await task.train(slice(atisTrain, 0, 50));
    const sentences = [['flights', 'from', 'boston']];
    const tagged = await task.tag(sentences);
    const files = await task.save();
    const fromFiles = await createTask(files, { task: 'pos-tagging' as 'tagging' });
    expect(await fromFiles.tag(sentences)).toEqual(tagged);
    const dir = join(temp(), 'model');
    await saveTask(task, dir);
    const fromFolder = (await createTask(dir)) as TaggingTask;
    expect(await fromFolder.tag(sentences)).toEqual(tagged);
    await expect(createTask(files, { task: 'generation' as string })).rejects.toThrow(
      /"tagging".*"generation"/,
    );
    for (const t of [task, fromFiles, fromFolder]) t.dispose();
  });
});

describe('the /node entry', () => {
  const spec = TaggingTask.create(taggingSpec({ training: { seed: 9 } })).spec;

  it('reads CoNLL-U (UPOS by default, XPOS by option), skipping and reporting blocks with no tokens', async () => {
    const path = write(temp(), 'small.conllu', conllu);
    const upos = await readTaggedFile(path);
    expect(upos.data).toEqual({
      tokens: [
        ['The', 'dog', 'barks'],
        ['A', 'cat', 'sleeps'],
      ],
      tags: [
        ['DET', 'NOUN', 'VERB'],
        ['DET', 'NOUN', 'VERB'],
      ],
      column: 'upos',
      source: path,
      lines: [2, 10],
    });
    expect(upos.notes).toEqual([`${path}: 1 block has no tokens and is skipped (line 6)`]);
    const xpos = await readTaggedFile(path, { 'tag-column': 'xpos' });
    expect(xpos.data.tags[0]).toEqual(['DT', 'NN', 'VBZ']);
    expect(xpos.data.column).toBe('xpos');
  });

  it('reads column files: the last column by default, or the columns named', async () => {
    const dir = temp();
    const path = write(
      dir,
      'names.txt',
      'fly\tVB\tO\nto\tTO\tO\nnew\tNNP\tB-LOC\nyork\tNNP\tI-LOC\n\n',
    );
    const last = await readTaggedFile(path);
    expect(last.data.tags).toEqual([['O', 'O', 'B-LOC', 'I-LOC']]);
    expect(last.data.column).toBe('column 3');
    expect(last.data.tokenColumn).toBe(1);
    const second = await readTaggedFile(path, { 'tag-column': '2' });
    expect(second.data.tags).toEqual([['VB', 'TO', 'NNP', 'NNP']]);
    const tokens = await readTaggedFile(path, { 'token-column': '2', 'tag-column': '3' });
    expect(tokens.data.tokens).toEqual([['VB', 'TO', 'NNP', 'NNP']]);
    expect(tokens.data.tokenColumn).toBe(2);
    await expect(readTaggedFile(path, { 'token-column': 'x' })).rejects.toThrow(
      '--token-column x: expected a column number, 1 or more',
    );
  });

  it('holds out a seeded tenth of the sentences, or reads --val', async () => {
    const dir = temp();
    const text = (from: number, to: number) =>
      slice(atisTrain, from, to)
        .tokens.map(
          (tokens, i) =>
            `${tokens.map((t, k) => `${t}\t${atisTrain.tags[from + i]?.[k]}`).join('\n')}\n\n`,
        )
        .join('');
    const path = write(dir, 'train.txt', text(0, 60));
    const data = await taggingNode.readTrainingData(path, {}, spec);
    expect(data.train.tokens.length).toBe(54);
    expect(data.validation?.tokens.length).toBe(6);
    const all = [...data.train.tokens, ...(data.validation?.tokens ?? [])].map((t) => t.join(' '));
    expect(all.sort()).toEqual(
      slice(atisTrain, 0, 60)
        .tokens.map((t) => t.join(' '))
        .sort(),
    );
    expect(data.notes[1]).toBe(
      'validation split: a seeded 10% of the 60 sentences (seed 9) (--val FILE to give your own)',
    );
    expect(await taggingNode.readTrainingData(path, {}, spec)).toEqual(data);
    const val = write(dir, 'val.txt', text(60, 70));
    const given = await taggingNode.readTrainingData(path, { val }, spec);
    expect(given.train.tokens).toEqual(slice(atisTrain, 0, 60).tokens);
    expect(given.validation?.tokens).toEqual(slice(atisTrain, 60, 70).tokens);
  });

  it('eval reads the column the model was trained on, unless --tag-column says otherwise', async () => {
    const path = write(temp(), 'small.conllu', conllu);
    const task = TaggingTask.create(taggingSpec({ training: { epochs: 1 } }));
    await task.train((await readTaggedFile(path, { 'tag-column': 'xpos' })).data);
    expect(task.column).toBe('xpos');
    const data = await taggingNode.readEvaluationData(path, {});
    expect(data.column).toBe('upos');
    const evaluation = await task.evaluate(await taggingNode.readEvaluationData(path, {}, task));
    // Scored on XPOS: every gold tag is one the model knows.
    expect(evaluation?.unseenTags).toEqual({});
    const onUpos = await task.evaluate(
      await taggingNode.readEvaluationData(path, { 'tag-column': 'upos' }, task),
    );
    expect(onUpos?.unseenTags).toEqual({ DET: 2, NOUN: 2, VERB: 2 });
    task.dispose();
  });

  it("eval reads a column file's tokens from the model's token column, unless --token-column says otherwise", async () => {
    const dir = temp();
    // "ID FORM UPOS" from the CoNLL-U text: the forms in column 2.
    const ids = conllu
      .split('\n')
      .filter((line) => line === '' || /^\d+\t/.test(line))
      .map((line) =>
        line === ''
          ? ''
          : line
              .split('\t')
              .slice(0, 4)
              .filter((_, i) => i !== 2)
              .join('\t'),
      )
      .join('\n');
    const path = write(dir, 'ids.tsv', ids);
    const flags = { 'token-column': '2', 'tag-column': '3' };
    const task = TaggingTask.create(taggingSpec({ training: { epochs: 1 } }));
    const trainData = (await readTaggedFile(path, flags)).data;
    expect(trainData.tokens[0]).toEqual(['The', 'dog', 'barks']);
    await task.train(trainData);
    expect(task.tokenColumn).toBe(2);
    const data = await taggingNode.readEvaluationData(path, {});
    expect(data.tokens[0]).toEqual(['1', '2', '3']);
    const byModel = await task.evaluate(await taggingNode.readEvaluationData(path, {}, task));
    expect(byModel).toEqual(await task.evaluate(trainData));
    expect(byModel?.unknownWordRate).toBe(0);
    // --token-column 1 reads the ids, none of them a word the model knows.
    const onIds = await task.evaluate(
      await taggingNode.readEvaluationData(path, { 'token-column': '1' }, task),
    );
    expect(onIds?.unknownWordRate).toBe(1);
    // A file without the model's columns: the error says which columns were read and why.
    const short = write(dir, 'short.txt', 'The DET\ndog NOUN\n\n');
    await expect(taggingNode.readEvaluationData(short, {}, task)).rejects.toThrow(
      /\(read as the model was trained: tokens from column 2, tags from column 3; --token-column and --tag-column choose others\)$/,
    );
    task.dispose();
  });

  it('names the file and line of a bad file: a missing column, a ragged line, XPOS absent', async () => {
    const dir = temp();
    const cases: [string, string, Record<string, string>, string][] = [
      [
        'missing.conllu',
        '1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\n',
        {},
        ':1: 9 tab-separated fields where CoNLL-U has 10',
      ],
      [
        'ragged.txt',
        'a\tO\nb\tO\tx\n',
        {},
        ":2: 3 columns where the file's first token line (line 1) has 2",
      ],
      [
        'short.txt',
        'a\tO\nb\n',
        {},
        ":2: 1 column where the file's first token line (line 1) has 2",
      ],
      [
        'atis-like.conllu',
        '1\tshow\tshow\tVERB\t_\t_\t0\troot\t_\t_\n',
        { 'tag-column': 'xpos' },
        ':1: XPOS is "_" on every token: the file has no XPOS tags (choose the upos column)',
      ],
    ];
    for (const [name, text, options, message] of cases) {
      const path = write(dir, name, text);
      const error = await taggingNode.readTrainingData(path, options, spec).catch((e) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toBe(`${path}${message}`);
    }
  });

  it('fingerprints the sentences: the same sentences give the same digest', () => {
    const fingerprint = taggingNode.fingerprint;
    const a = slice(atisTrain, 0, 10);
    expect(fingerprint?.({ train: a })).toBe(fingerprint?.({ train: slice(atisTrain, 0, 10) }));
    expect(fingerprint?.({ train: a })).not.toBe(fingerprint?.({ train: slice(atisTrain, 1, 10) }));
    const moved = { tokens: [['a', 'b'], ['c']], tags: [['X', 'Y'], ['Z']] };
    const other = { tokens: [['a'], ['b', 'c']], tags: [['X'], ['Y', 'Z']] };
    expect(fingerprint?.({ train: moved })).not.toBe(fingerprint?.({ train: other }));
  });

  it('describes an evaluation and the validation metrics of an epoch', () => {
    const lines = taggingNode.describeEvaluation({
      accuracy: 0.97123,
      tokens: 6644,
      sentences: 572,
      loss: 0.1,
      perTag: { NOUN: { precision: 0.9, recall: 0.8, f1: 0.847, support: 10 } },
      macroF1: 0.9,
      spans: {
        precision: 0.5,
        recall: 0.25,
        f1: 1 / 3,
        perType: {},
        predicted: 2,
        gold: 4,
        correct: 1,
      },
      unseenTags: { SYM: 2 },
      unknownWordRate: 0.0321,
    });
    expect(lines).toEqual([
      'accuracy 97.12% on 6644 tokens (572 sentences), macro-F1 0.9000, loss 0.1000 per token',
      'spans: precision 0.5000, recall 0.2500, F1 0.3333 (1 correct of 2 predicted, 4 gold)',
      'gold tags the model does not know (counted as errors): SYM (2)',
      '3.21% of the tokens unknown to the vocabulary',
      '  NOUN       precision 0.900  recall 0.800  F1 0.847  support 10',
    ]);
    expect(
      taggingNode.describeMetrics?.({
        epoch: 0,
        trainLoss: 1,
        lr: 0.01,
        seconds: 1,
        metrics: { accuracy: 0.5, f1: 0.25 },
      }),
    ).toBe(', validation accuracy 50.00%, F1 0.2500');
  });
});
