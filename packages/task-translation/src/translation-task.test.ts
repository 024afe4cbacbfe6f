// The translation task end to end on real pairs (the first 400 Tatoeba eng-fra lines, split by
// source sentence): the loss falls and BLEU rises, each epoch's validation metrics are evaluate()'s,
// the teacher-forced loss is core's seq2seqLoss, BLEU against the model's own greedy translations
// is 100 (batched greedy = greedy one sentence at a time), beam width 1 is greedy, attention rows
// are distributions over the source, the unusual inputs behave exactly as documented, a saved model
// translates identically after load, and no tensor leaks.
import '@recurrent/backend-wasm';
import {
  type EpochRecord,
  ModelFileError,
  modelFromFiles,
  seq2seqLoss,
  TaskError,
  useBackend,
} from '@recurrent/core';
import { Vocabulary } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tatoeba, translationSpec, tutorialTokenizer } from '../test/tatoeba.js';
import { layOut, layoutInputs } from './batches.js';
import type { Translation } from './contract.js';
import { TranslationOptionError } from './decoding-options.js';
import { PairEncoding } from './pair-encoding.js';
import { TranslationTask, type TranslationTrainResult } from './translation-task.js';
import { splitPairs } from './validation-split.js';

const split = splitPairs(tatoeba, { seed: 3 });
const epochs = 12;

let task: TranslationTask;
let result: TranslationTrainResult;
let baseline: number;

beforeAll(async () => {
  await useBackend('wasm');
  baseline = tf.memory().numTensors;
  task = TranslationTask.create(translationSpec({ training: { epochs } }));
  result = await task.train(split.train, { validation: split.validation });
}, 120_000);

afterAll(() => {
  task.dispose();
  expect(tf.memory().numTensors).toBe(baseline);
});

const sum = (row: readonly number[]) => row.reduce((a, b) => a + b, 0);

describe('TranslationTask on Tatoeba eng-fra', () => {
  it('learns: the training loss falls, BLEU and token accuracy rise on the training pairs', async () => {
    expect(split.train.length + split.validation.length).toBe(400);
    expect(result.stoppedBy).toBe('epochs');
    expect(result.pairs).toEqual({
      trained: split.train.length,
      skipped: { tooLong: 0, empty: 0 },
    });
    const history = result.history as EpochRecord[];
    expect(history).toHaveLength(epochs);
    const first = history[0] as EpochRecord;
    const last = history.at(-1) as EpochRecord;
    expect(last.trainLoss).toBeLessThan(first.trainLoss / 3);
    const seen = await task.evaluate(split.train);
    expect(seen.bleu).toBeGreaterThan(20);
    expect(seen.tokenAccuracy).toBeGreaterThan(0.75);
    expect(seen.unknownSourceRate).toBe(0);
    // Held-out sources (other English sentences): better than the first epoch's validation.
    expect(last.metrics?.bleu).toBeGreaterThan(first.metrics?.bleu as number);
  });

  it("reports each epoch's validation as evaluate() measures the same pairs", async () => {
    const last = result.history.at(-1) as EpochRecord;
    const evaluation = await task.evaluate(split.validation);
    expect(last.validationLoss).toBe(evaluation.loss);
    // (fit keeps the metrics' loss as the validation loss.)
    expect(last.metrics).toEqual({
      perplexity: evaluation.perplexity,
      accuracy: evaluation.tokenAccuracy,
      bleu: evaluation.bleu,
    });
    expect(evaluation.perplexity).toBe(Math.exp(evaluation.loss));
    expect(evaluation.bleuDetails.score).toBe(evaluation.bleu);
    expect(evaluation.strategy).toBe('greedy');
    expect(evaluation.pairs).toBe(split.validation.length);
  });

  it("measures the teacher-forced loss as core's seq2seqLoss does (no label smoothing here)", async () => {
    const files = await task.save();
    const { model, metadata } = await modelFromFiles(files);
    const meta = metadata as Record<string, { vocabulary: unknown }>;
    const encoding = new PairEncoding(
      tutorialTokenizer,
      Vocabulary.fromJson(meta.source?.vocabulary),
      tutorialTokenizer,
      Vocabulary.fromJson(meta.target?.vocabulary),
    );
    const layout = layOut(encoding.encodeAll(split.validation));
    const loss = tf.tidy(() =>
      seq2seqLoss(
        model,
        {
          inputs: layoutInputs(layout),
          targets: tf.tensor2d(layout.labels, [layout.rows, layout.targetSteps], 'int32'),
        },
        undefined,
      ),
    );
    const expected = (await loss.data())[0] as number;
    loss.dispose();
    model.dispose();
    expect((await task.evaluate(split.validation)).loss).toBeCloseTo(expected, 5);
  });

  it("scores BLEU 100 against its own greedy translations: evaluate's batched greedy decodes the same", async () => {
    const sources = split.validation.map((p) => p.source);
    const own = await task.translate(sources, { strategy: 'greedy' });
    const evaluation = await task.evaluate(
      sources.map((source, i) => ({ source, target: own[i]?.text as string })),
    );
    expect(evaluation.bleu).toBeCloseTo(100, 10);
    expect(evaluation.bleuDetails.brevityPenalty).toBe(1);
    // And far less against the references.
    expect((await task.evaluate(split.validation)).bleu).toBeLessThan(90);
  });

  it('decodes with beam width 1 exactly as greedy, and beam search finds at least as probable a translation', async () => {
    const sources = split.validation.slice(0, 12).map((p) => p.source);
    const greedy = await task.translate(sources, { strategy: 'greedy' });
    const one = await task.translate(sources, { beam: 1 });
    const five = await task.translate(sources, { beam: 5, lengthPenalty: 0 });
    greedy.forEach((g, i) => {
      expect(one[i]?.tokens).toEqual(g.tokens);
      expect(one[i]?.logProbability).toBeCloseTo(g.logProbability, 9);
      expect(g.score).toBe(g.logProbability);
      // lengthPenalty 0: the beam score is the log-probability, which the wider search can only raise.
      expect(five[i]?.score).toBeGreaterThanOrEqual(g.logProbability - 1e-9);
    });
  });

  it('gives the n-best, best first, with scores of length-penalised log-probabilities', async () => {
    const [t] = await task.translate(['I won.'], { beam: 4, nBest: 3, lengthPenalty: 1 });
    const translation = t as Translation;
    const hypotheses = translation.hypotheses ?? [];
    expect(hypotheses).toHaveLength(3);
    expect(hypotheses[0]?.text).toBe(translation.text);
    expect(new Set(hypotheses.map((h) => h.text)).size).toBe(3);
    for (let i = 1; i < hypotheses.length; i++) {
      expect(hypotheses[i]?.score).toBeLessThanOrEqual(hypotheses[i - 1]?.score as number);
    }
    for (const h of hypotheses) {
      const length = h.tokens.length + (h.stoppedBy === 'end' ? 1 : 0);
      expect(h.score).toBeCloseTo(h.logProbability / length, 12);
      expect(h.text).toBe(h.tokens.join(' '));
    }
    // Without nBest there is no list.
    const [plain] = await task.translate(['I won.'], { beam: 4 });
    expect(plain?.hypotheses).toBeUndefined();
  });

  it('gives one attention row per output token (and <eos>), each a distribution over the source tokens', async () => {
    const translations = await task.translate(['I won.', 'Run!', 'Who?'], { beam: 3 });
    for (const t of translations) {
      expect(t.sourceTokens.at(-1)).toBe('<eos>');
      expect(t.attention).toHaveLength(t.tokens.length + (t.stoppedBy === 'end' ? 1 : 0));
      for (const row of t.attention) {
        expect(row).toHaveLength(t.sourceTokens.length);
        for (const w of row) expect(w).toBeGreaterThanOrEqual(0);
        expect(sum(row)).toBeCloseTo(1, 5);
      }
    }
    expect(translations[0]?.sourceTokens).toEqual(['i', 'won', '.', '<eos>']);
  });

  it('translates the unusual inputs exactly as documented', async () => {
    const long = `${'Go '.repeat(30)}now.`;
    const [longest, empty, unknown] = await task.translate([long, '', 'Zut flarp blorg'], {
      maxLength: 20,
    });
    // A source longer than any seen in training (at most 9 tokens trained) reads whole.
    expect(longest?.sourceTokens).toEqual([...Array(30).fill('go'), 'now', '.', '<eos>']);
    expect(longest?.attention[0]).toHaveLength(33);
    expect(longest?.tokens.length).toBeLessThanOrEqual(20);
    // An empty source is <eos> alone: every attention row is [1].
    expect(empty?.sourceTokens).toEqual(['<eos>']);
    for (const row of empty?.attention ?? []) expect(row).toEqual([1]);
    // Words the vocabulary lacks read as <unk>.
    expect(unknown?.sourceTokens).toEqual(['<unk>', '<unk>', '<unk>', '<eos>']);
    expect(unknown?.attention.length).toBeGreaterThan(0);
    expect(await task.translate([])).toEqual([]);
    // maxLength 1: the end token at once, or one token cut by the limit.
    for (const t of await task.translate(['I won.', 'Go.'], { maxLength: 1 })) {
      expect(
        (t.stoppedBy === 'end' && t.tokens.length === 0) ||
          (t.stoppedBy === 'maxTokens' && t.tokens.length === 1),
      ).toBe(true);
    }
    // A beam wider than the target vocabulary.
    const V = task.targetVocabulary.size;
    const [wide] = await task.translate(['Go.'], { beam: V + 10, nBest: 3, maxLength: 4 });
    expect(wide?.hypotheses).toHaveLength(3);
    const [narrow] = await task.translate(['Go.'], { beam: V, maxLength: 4 });
    expect(wide?.tokens).toEqual(narrow?.tokens);
  });

  it('refuses bad options and texts by name', async () => {
    for (const maxLength of [0, -2]) {
      await expect(task.translate(['Go.'], { maxLength })).rejects.toThrow(TranslationOptionError);
      await expect(task.translate(['Go.'], { maxLength })).rejects.toThrow(
        `maxLength must be a whole number of target tokens, 1 or more: the end token counts among them (got ${maxLength})`,
      );
    }
    await expect(task.translate(['Go.'], { strategy: 'greedy', nBest: 2 })).rejects.toThrow(
      'nBest applies to beam search, and the strategy is greedy (asked for)',
    );
    await expect(task.translate(['Go.', 3 as unknown as string])).rejects.toThrow(
      'translate: text 1 must be a string, got number',
    );
    await expect(task.evaluate([])).rejects.toThrow('evaluation data: no pairs');
    const controller = new AbortController();
    controller.abort();
    await expect(task.translate(['Go.'], { signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it('evaluates with beam search when asked, and counts unknown source tokens', async () => {
    const pairs = [
      { source: 'Go.', target: 'Va !' },
      { source: 'Zut go', target: 'Va.' },
    ];
    const beam = await task.evaluate(pairs, { beam: 3 });
    expect(beam.strategy).toBe('beam');
    expect(beam.beamWidth).toBe(3);
    // Tokens: go . | zut go: 1 unknown of 4.
    expect(beam.unknownSourceRate).toBe(0.25);
    // The teacher-forced part does not depend on the decoding.
    const greedy = await task.evaluate(pairs);
    expect(greedy.loss).toBe(beam.loss);
    expect(greedy.tokenAccuracy).toBe(beam.tokenAccuracy);
  });

  it('saves to files that load and translate identically', async () => {
    const before = tf.memory().numTensors;
    const files = await task.save({ note: 'round trip' });
    const json = JSON.parse(files['model.json']);
    expect(json.metadata.task).toBe('translation');
    expect(json.metadata.note).toBe('round trip');
    expect(json.metadata.source.tokenizer).toEqual({
      ...tutorialTokenizer,
      splitPunctuation: true,
      rules: 'basic',
    });
    expect(json.metadata.target.vocabulary.tokens).toEqual(task.targetVocabulary.tokens);
    expect(json.metadata.source.vocabulary.tokens).toEqual(task.sourceVocabulary.tokens);
    const loaded = await TranslationTask.load(files);
    const texts = ['I won.', 'Run!', '', 'Zut flarp', split.validation[0]?.source as string];
    expect(await loaded.translate(texts)).toEqual(await task.translate(texts));
    expect(await loaded.translate(texts, { beam: 3, nBest: 2 })).toEqual(
      await task.translate(texts, { beam: 3, nBest: 2 }),
    );
    expect(await loaded.evaluate(split.validation)).toEqual(await task.evaluate(split.validation));
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses model files that do not fit, freeing what it read', async () => {
    const files = await task.save();
    // biome-ignore lint/suspicious/noExplicitAny: edits of parsed JSON
    const edit = (change: (json: Record<string, any>) => void) => {
      const json = JSON.parse(files['model.json']);
      change(json);
      return { ...files, 'model.json': JSON.stringify(json) };
    };
    const before = tf.memory().numTensors;
    const cases: [ReturnType<typeof edit>, string][] = [
      [
        edit((j) => {
          j.metadata.target.vocabulary.tokens.pop();
        }),
        `model.json: metadata.target.vocabulary has ${task.targetVocabulary.size - 1} tokens but the model was built for ${task.targetVocabulary.size}`,
      ],
      [
        edit((j) => {
          j.metadata.source.tokenizer.lettersOnly = false;
        }),
        'model.json: metadata.source.tokenizer.lettersOnly is false but the spec says true',
      ],
      [
        edit((j) => {
          delete j.metadata.target;
        }),
        'model.json: metadata.target.tokenizer must be the tokenizer settings',
      ],
      [
        edit((j) => {
          j.metadata.task = 'generation';
        }),
        'model.json: not a translation model (metadata.task is "generation")',
      ],
    ];
    for (const [bad, message] of cases) {
      const error = await TranslationTask.load(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as Error).message).toContain(message);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('training data', () => {
  const spec = translationSpec({ input: { maxLength: 4 }, target: { maxLength: 4 } });

  it('skips and counts pairs with an empty side or a side longer than maxLength (end token counted)', async () => {
    const pairs = [
      // Of the first 40 Tatoeba lines, 5 have a side of 4 tokens or more (lines 7, 13: "prenez vos
      // jambes a vos cous !"; 21: "a l aide !"; 39: "j ai gagne !"; 40: "je l ai emporte !").
      ...tatoeba.slice(0, 40),
      { source: 'Go.', target: '' }, // empty target
      { source: '1984', target: 'Mille neuf cent.' }, // no source token after normalisation
      { source: 'Go go go.', target: 'Va !' }, // 4 tokens + <eos> > 4
      { source: 'Go.', target: 'Va va va.' }, // 4 tokens + <eos> > 4
      { source: 'Go go go', target: 'Va va va' }, // 3 + 1 fit exactly
    ];
    const t = TranslationTask.create(spec);
    const r = await t.train(pairs);
    expect(r.pairs).toEqual({ trained: 36, skipped: { tooLong: 7, empty: 2 } });
    // One epoch: ceil(36 / 16) batches, one step each.
    expect(r.step).toBe(3);
    t.dispose();
  });

  it('refuses data it cannot train on, naming the pair', async () => {
    const t = TranslationTask.create(spec);
    await expect(t.evaluate(tatoeba.slice(0, 2))).rejects.toThrow(
      'the translation task is not trained: train it or load a trained one',
    );
    await expect(t.train([])).rejects.toThrow('training data: no pairs');
    await expect(
      t.train([
        { source: 'Go go go go go.', target: 'Va !' },
        { source: '', target: 'Va !' },
      ]),
    ).rejects.toThrow(
      'training data: none of the 2 pairs can train (1 has a side longer than its maxLength (input.maxLength 4, target.maxLength 4, the end token counted); 1 has a side with no tokens)',
    );
    await expect(t.train([{ source: 'Go.', target: 7 } as never])).rejects.toThrow(
      'training data: pair 0 has a target that is not a string (number)',
    );
    await expect(t.train('Go.\tVa !' as never)).rejects.toThrow(
      'training data must be an array of { source, target } pairs, got string',
    );
    await expect(
      t.train(tatoeba.slice(0, 4), { validation: [{ source: 'Go.' }] as never }),
    ).rejects.toThrow('validation data: pair 0 has a target that is not a string (undefined)');
    t.dispose();
    await expect(t.train(tatoeba.slice(0, 4))).rejects.toThrow(TaskError);
  });
});

describe('no leaks', () => {
  it('frees every tensor of training (with validation), evaluation, beam translation, save and load', async () => {
    const before = tf.memory().numTensors;
    const t = TranslationTask.create(
      translationSpec({
        training: { epochs: 2, teacherForcing: { ratio: 0.5 } },
        decoder: {
          layers: [
            { type: 'embedding', embeddingDim: 8 },
            { type: 'dropout', rate: 0.1 },
            { type: 'gru', hiddenSize: 32 },
          ],
        },
      }),
    );
    await t.train(tatoeba.slice(0, 64), { validation: tatoeba.slice(64, 80) });
    await t.evaluate(tatoeba.slice(0, 20), { beam: 3 });
    await t.translate(['Go.', 'I won.', ''], { beam: 4, nBest: 2 });
    const loaded = await TranslationTask.load(await t.save());
    await loaded.translate(['Run!']);
    t.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
