// The README's table of bad input, row by row: what each input does (an error naming where, or a
// stated behaviour), and that a refused train leaves the task as it was.
import '@recurrent/backend-wasm';
import { ModelFileError, useBackend } from '@recurrent/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { atisTrain, slice, taggingSpec } from '../test/atis.js';
import { TaggingDataError } from './sentences.js';
import { TaggingSpecError } from './tagging-settings.js';
import { TaggingTask } from './tagging-task.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const small = slice(atisTrain, 0, 40);

describe('bad input to the tagging task', () => {
  it.each([
    [
      'tokens and tags that do not pair up',
      { tokens: [['a', 'b']], tags: [['X']] },
      'training data: sentence 1 has 2 tokens but 1 tags',
    ],
    [
      'a different number of tag sentences',
      { tokens: [['a']], tags: [] },
      'training data: 1 token sentences but 0 tag sentences',
    ],
    [
      'an empty token, named with its file and line',
      { tokens: [['a'], ['b', '']], tags: [['X'], ['Y', 'Z']], source: 'f.txt', lines: [1, 3] },
      'training data: sentence 2 (f.txt:3), token 2 is empty: tokens are non-empty strings',
    ],
    [
      'an empty tag',
      { tokens: [['a']], tags: [['']] },
      'training data: sentence 1, token 1: the tag is empty',
    ],
    [
      'no sentence with a token',
      { tokens: [[], []], tags: [[], []] },
      'training data: none of the 2 sentences has a token',
    ],
  ])('refuses %s', async (_, data, message) => {
    const task = TaggingTask.create(taggingSpec());
    await expect(task.train(data)).rejects.toThrow(TaggingDataError);
    await expect(task.train(data)).rejects.toThrow(message);
    // Nothing was kept: the task is still untrained.
    expect(() => task.tags).toThrow('the tagging task is not trained');
  });

  it('refuses data that is not sentences', async () => {
    const task = TaggingTask.create(taggingSpec());
    await expect(task.train('a b c' as never)).rejects.toThrow(
      'training data must be { tokens: string[][], tags: string[][] }, got string',
    );
    await expect(task.train({ tokens: [['a']], tags: ['X'] } as never)).rejects.toThrow(
      'training data: the tags of sentence 1 are string, not an array',
    );
    await expect(task.train({ tokens: [['a']], tags: [['X']], tokenColumn: 0 })).rejects.toThrow(
      'training data: tokenColumn must be a 1-based column number, got 0',
    );
  });

  it('refuses a tag outside the spec labels, naming the sentence, token and tag', async () => {
    const task = TaggingTask.create(taggingSpec({ labels: ['NOUN', 'VERB'] }));
    await expect(task.train({ tokens: [['fly', 'now']], tags: [['VERB', 'ADV']] })).rejects.toThrow(
      'training data: sentence 1, token 2 ("now") has tag "ADV", which the spec\'s labels do not list (tags: NOUN, VERB)',
    );
  });

  it('refuses tokenizer settings that would split the given tokens, by spec path', () => {
    expect(() =>
      TaggingTask.create(
        taggingSpec({
          input: { tokenizer: { type: 'word', rules: 'treebank', lettersOnly: false } },
        }),
      ),
    ).toThrow(TaggingSpecError);
    const message = (() => {
      try {
        TaggingTask.create(taggingSpec({ input: { tokenizer: { type: 'char' } } }));
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('/input/tokenizer/type: tagging reads the given tokens');
    expect(message).toContain('/input/tokenizer/splitPunctuation: tagging never splits');
  });

  it('leaves sentences with no tokens out of training, and tags them with nothing', async () => {
    const task = TaggingTask.create(taggingSpec({ training: { epochs: 1 } }));
    const data = {
      tokens: [...small.tokens, []],
      tags: [...small.tags, []],
    };
    const result = await task.train(data);
    expect(result.sentences).toEqual({ trained: 40, pieces: 40, empty: 1 });
    const [empty] = await task.tag([[]]);
    expect(empty).toEqual({ tokens: [], tags: [], confidence: [], unknown: 0 });
    const evaluation = await task.evaluate({ tokens: [[], ['flights']], tags: [[], ['NOUN']] });
    expect(evaluation.sentences).toBe(2);
    expect(evaluation.tokens).toBe(1);
    task.dispose();
  });

  it('counts a gold tag unseen in training at evaluation (an error, not a crash)', async () => {
    const task = TaggingTask.create(taggingSpec({ training: { epochs: 1 } }));
    await task.train(small);
    const tokens = [['flights', 'to', 'boston']];
    const [tagged] = await task.tag(tokens);
    const evaluation = await task.evaluate({ tokens, tags: [['NEW', 'ADP', 'NEW']] });
    expect(evaluation.unseenTags).toEqual({ NEW: 2 });
    expect(evaluation.perTag.NEW).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(evaluation.accuracy).toBe(tagged?.tags[1] === 'ADP' ? 1 / 3 : 0);
    task.dispose();
  });

  it('tags a token of 1,000+ characters like any other: one tag, looked up as unknown', async () => {
    const task = TaggingTask.create(taggingSpec({ training: { epochs: 1 } }));
    await task.train(small);
    const long = 'x'.repeat(5000);
    const [tagged] = await task.tag([['flights', 'to', long]]);
    expect(tagged?.tags).toHaveLength(3);
    expect(tagged?.unknown).toBe(1);
    task.dispose();
  });

  it('trains a sentence longer than input.maxLength in pieces, dropping no tag', async () => {
    const task = TaggingTask.create(
      taggingSpec({ input: { maxLength: 4 }, training: { epochs: 1 } }),
    );
    const data = {
      tokens: [
        ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'],
        ['a', 'b'],
      ],
      tags: [
        ['X', 'Y', 'X', 'Y', 'X', 'Y', 'X', 'Y', 'Z'],
        ['X', 'Y'],
      ],
    };
    const result = await task.train(data);
    expect(result.sentences).toEqual({ trained: 2, pieces: 4, empty: 0 });
    // Z occurs only in the last piece: its tag is known, so no tag was dropped.
    expect(task.tags).toEqual(['X', 'Y', 'Z']);
    // Tagging runs whole sentences, however long.
    const [tagged] = await task.tag([data.tokens[0] as string[]]);
    expect(tagged?.tags).toHaveLength(9);
    task.dispose();
  });

  it('refuses more training on tags or tokens from another column, and model files whose tags do not fit', async () => {
    const task = TaggingTask.create(taggingSpec({ training: { epochs: 1 } }));
    await task.train({ ...small, tokenColumn: 2 });
    await expect(task.train({ ...small, column: 'xpos' })).rejects.toThrow(
      'training data: its tags come from xpos, but the model was trained on upos',
    );
    await expect(task.train({ ...small, tokenColumn: 1 })).rejects.toThrow(
      'training data: its tokens come from column 1, but the model was trained on tokens from column 2',
    );
    const files = await task.save();
    const json = JSON.parse(files['model.json']);
    // The token column is saved and checked on load like the tag column.
    expect(json.metadata.tokenColumn).toBe(2);
    const loaded = await TaggingTask.load(files);
    expect(loaded.tokenColumn).toBe(2);
    await expect(loaded.train({ ...small, tokenColumn: 3 })).rejects.toThrow(
      'training data: its tokens come from column 3, but the model was trained on tokens from column 2',
    );
    loaded.dispose();
    for (const bad of [0, 1.5, '2']) {
      const wrong = { ...json, metadata: { ...json.metadata, tokenColumn: bad } };
      await expect(
        TaggingTask.load({ ...files, 'model.json': JSON.stringify(wrong) }),
      ).rejects.toThrow('model.json: metadata.tokenColumn must be a column number, 1 or more');
    }
    json.metadata.tags = json.metadata.tags.slice(1);
    const broken = { ...files, 'model.json': JSON.stringify(json) };
    const error = await TaggingTask.load(broken).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(
      `model.json: metadata.tags must be the ${task.tags.length} distinct tags of the head, in order`,
    );
    task.dispose();
  });
});
