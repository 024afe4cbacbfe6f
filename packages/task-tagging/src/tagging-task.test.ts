// The task end to end on Atis slices: it learns (accuracy well above the most-frequent-tag rate of
// the same slice), a saved model tags identically after load, tags are given per token (never
// re-tokenized), evaluation counts what it should, and training plus tagging leak no tensors.
import '@recurrent/backend-wasm';
import { useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { atisDev, atisTrain, slice, taggingSpec } from '../test/atis.js';
import { TaggingTask } from './tagging-task.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const train = slice(atisTrain, 0, 400);
const dev = slice(atisDev, 0, 100);

/** Accuracy of tagging every token with its most frequent training tag (unknown words: the most frequent tag). */
function mostFrequentTagAccuracy(): number {
  const counts = new Map<string, Map<string, number>>();
  const overall = new Map<string, number>();
  train.tokens.forEach((tokens, i) => {
    tokens.forEach((token, k) => {
      const tag = train.tags[i]?.[k] as string;
      const word = token.toLowerCase();
      const c = counts.get(word) ?? new Map<string, number>();
      c.set(tag, (c.get(tag) ?? 0) + 1);
      counts.set(word, c);
      overall.set(tag, (overall.get(tag) ?? 0) + 1);
    });
  });
  const best = (c: Map<string, number>) => [...c].sort((a, b) => b[1] - a[1])[0]?.[0];
  const fallback = best(overall);
  let right = 0;
  let all = 0;
  dev.tokens.forEach((tokens, i) => {
    tokens.forEach((token, k) => {
      const c = counts.get(token.toLowerCase());
      if ((c ? best(c) : fallback) === dev.tags[i]?.[k]) right++;
      all++;
    });
  });
  return right / all;
}

describe('the tagging task', () => {
  it('learns Atis tags, evaluates, tags, and tags identically after save and load, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const task = TaggingTask.create(taggingSpec({ training: { epochs: 10 } }));
    const result = await task.train(train, { validation: dev });
    expect(result.sentences).toEqual({ trained: 400, pieces: 400, empty: 0 });
    expect(result.history).toHaveLength(10);
    const accuracies = result.history.map((r) => r.metrics?.accuracy as number);
    const evaluation = await task.evaluate(dev);
    // The last epoch's validation metrics are the evaluation of the same sentences.
    expect(evaluation.accuracy).toBeCloseTo(accuracies[9] as number, 10);
    expect(evaluation.loss).toBeCloseTo(result.history[9]?.validationLoss as number, 5);
    expect(evaluation.accuracy).toBeGreaterThan(mostFrequentTagAccuracy());
    expect(evaluation.accuracy).toBeGreaterThan(0.85);
    expect(evaluation.sentences).toBe(100);
    expect(evaluation.tokens).toBe(dev.tokens.reduce((n, t) => n + t.length, 0));
    // Dev tags the training slice never shows are counted, and scored as errors.
    const known = new Set(train.tags.flat());
    const unseen: Record<string, number> = {};
    for (const tag of dev.tags.flat()) if (!known.has(tag)) unseen[tag] = (unseen[tag] ?? 0) + 1;
    expect(Object.keys(unseen).length).toBeGreaterThan(0);
    expect(evaluation.unseenTags).toEqual(unseen);
    for (const tag of Object.keys(unseen)) expect(evaluation.perTag[tag]?.recall).toBe(0);
    expect(evaluation.spans).toBeUndefined();
    expect(task.tags).toEqual([...new Set(train.tags.flat())].sort());
    expect(task.column).toBe('upos');

    const sentences = [
      ['show', 'me', 'flights', 'from', 'denver', 'to', 'boston'],
      ['Flights', 'to', 'Zzyzx,CA', 'please'],
      [],
    ];
    const tagged = await task.tag(sentences);
    expect(tagged.map((t) => t.tokens)).toEqual(sentences);
    expect(tagged.map((t) => t.tags.length)).toEqual([7, 4, 0]);
    expect(tagged[0]?.tags).toEqual(['VERB', 'PRON', 'NOUN', 'ADP', 'PROPN', 'ADP', 'PROPN']);
    // "Flights" is looked up lowercased (the tokenizer's lowercase); "Zzyzx,CA" stays one token.
    expect(tagged[1]?.unknown).toBe(1);
    for (const t of tagged) {
      for (const c of t.confidence ?? []) expect(c > 0 && c <= 1).toBe(true);
    }
    const files = await task.save();
    const loaded = await TaggingTask.load(files);
    expect(await loaded.tag(sentences)).toEqual(tagged);
    expect(await loaded.evaluate(dev)).toEqual(evaluation);
    expect(loaded.column).toBe('upos');
    task.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
