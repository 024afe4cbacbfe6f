// The CRF output and the character encoder end to end, on slices of the derived entity corpus
// (Atis proper-noun runs as B-NAME/I-NAME): the tagger learns spans, its Viterbi paths never
// break the bio constraints, tag results carry path scores, evaluation reports span scores and
// the gold-path NLL (the training loss), a saved model tags identically after load, and training
// data that breaks the scheme is refused by sentence.
import '@recurrent/backend-wasm';
import { schemeViolation, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { namesDev, namesTrain, slice, taggingSpec } from '../test/atis.js';
import { TaggingDataError } from './sentences.js';
import { TaggingTask } from './tagging-task.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const crfSpec = (training: Record<string, unknown> = {}) =>
  taggingSpec({
    layers: [
      {
        type: 'embedding',
        embeddingDim: 16,
        characters: { embeddingDim: 8, hiddenSize: 8, maxLength: 10 },
      },
      { type: 'lstm', hiddenSize: 16, bidirectional: true },
      { type: 'dense', units: 'auto' },
    ],
    tagging: { output: 'crf', constraints: 'bio' },
    training: { epochs: 6, ...training },
  });

describe('a BiLSTM-CRF tagger with a character encoder', () => {
  it('learns NAME spans, decodes within the scheme, and tags identically after load, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const train = slice(namesTrain, 0, 300);
    const dev = slice(namesDev, 0, 80);
    const task = TaggingTask.create(crfSpec());
    const result = await task.train(train, { validation: dev });
    expect(task.tags).toEqual(['B-NAME', 'I-NAME', 'O']);
    const evaluation = await task.evaluate(dev);
    const last = result.history.at(-1);
    // Validation metrics each epoch are the evaluation: loss (gold-path NLL per token), span F1.
    expect(evaluation.loss).toBeCloseTo(last?.validationLoss as number, 5);
    expect(evaluation.spans?.f1).toBeCloseTo(last?.metrics?.f1 as number, 10);
    expect(evaluation.spans?.f1).toBeGreaterThan(0.8);
    expect(evaluation.spans?.gold).toBe(dev.tags.flat().filter((t) => t === 'B-NAME').length);
    const tagged = await task.tag([
      ...dev.tokens,
      ['flights', 'from', 'Xanadu', 'to', 'new', 'york'],
    ]);
    for (const t of tagged) {
      expect(schemeViolation(t.tags, 'bio')).toBeUndefined();
      expect(t.score).toBeTypeOf('number');
      expect(t.confidence).toBeUndefined();
    }
    const loaded = await TaggingTask.load(await task.save());
    expect(await loaded.tag([...dev.tokens, ['Xanadu']])).toEqual(
      await task.tag([...dev.tokens, ['Xanadu']]),
    );
    expect(await loaded.evaluate(dev)).toEqual(evaluation);
    task.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('reads characters as written: the character table keeps capitals the word lookup folds', async () => {
    const task = TaggingTask.create(crfSpec({ epochs: 1 }));
    await task.train({
      tokens: [
        ['Fly', 'to', 'Boston'],
        ['fly', 'to', 'boston'],
      ],
      tags: [
        ['O', 'O', 'B-NAME'],
        ['O', 'O', 'B-NAME'],
      ],
    });
    const files = await task.save();
    const metadata = JSON.parse(files['model.json']).metadata;
    expect(metadata.vocabulary.tokens.slice(4).sort()).toEqual(['boston', 'fly', 'to']);
    expect(metadata.characters.characters.slice(2).sort()).toEqual(
      [...new Set('FlytoBostonflytoboston'.split(''))].sort(),
    );
    // A word of 1,000+ characters is read as its first and last characters (maxLength 10).
    const [long] = await task.tag([['to', `B${'o'.repeat(2000)}n`]]);
    expect(long?.tags).toHaveLength(2);
    task.dispose();
  });

  it('refuses training data that breaks the bio scheme, naming the sentence', async () => {
    const task = TaggingTask.create(crfSpec());
    const data = {
      tokens: [
        ['fly', 'to', 'boston'],
        ['to', 'new', 'york'],
      ],
      tags: [
        ['O', 'O', 'B-NAME'],
        ['O', 'I-NAME', 'I-NAME'],
      ],
      source: 'names.txt',
      lines: [1, 5],
    };
    await expect(task.train(data)).rejects.toThrow(TaggingDataError);
    await expect(task.train(data)).rejects.toThrow(
      'training data: sentence 2 (names.txt:5) breaks tagging.constraints "bio": I-NAME after O at token 2; fix the data, or set tagging.constraints to "none"',
    );
    const notScheme = { tokens: [['a']], tags: [['NOUN']] };
    await expect(task.train(notScheme)).rejects.toThrow(
      /^training data: the tags do not fit tagging.constraints "bio": .*NOUN.*; fix the data, or set tagging.constraints to "none"$/,
    );
  });
});
