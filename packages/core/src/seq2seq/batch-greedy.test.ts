// The batched greedy decoder over a hand-written encoder-decoder (test/fake-seq2seq.ts): its
// output for each row must be what `decode` (greedy) gives on a seq2seqStepper of that sentence
// alone, whatever the row's length, its neighbours and when they finish. The real model's tests
// are in seq2seq-decoding.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FakeSeq2seq } from '../../test/fake-seq2seq.js';
import { decode } from '../decode/decode.js';
import { seq2seqStepper } from '../decode/seq2seq-stepper.js';
import { greedyTranslateBatch } from './batch-greedy.js';
import type { Seq2seqSteps } from './contract.js';

const bos = 0;
const eos = 1;

/** Right-padded with 0 (a real token of the fake: only the lengths say where rows end). */
function padded(sentences: number[][]): { source: tf.Tensor2D; lengths: number[] } {
  const S = Math.max(...sentences.map((s) => s.length));
  const rows = sentences.map((s) => [...s, ...new Array<number>(S - s.length).fill(0)]);
  return {
    source: tf.tensor2d(rows, [rows.length, S], 'int32'),
    lengths: sentences.map((s) => s.length),
  };
}

async function oneByOne(model: Seq2seqSteps, sentences: number[][], maxLength: number) {
  return Promise.all(
    sentences.map(async (sentence) => {
      const { hypotheses } = await decode(
        seq2seqStepper(model, Int32Array.from(sentence)),
        Int32Array.of(bos),
        {
          strategy: 'greedy',
          maxNewTokens: maxLength,
          endToken: eos,
        },
      );
      return hypotheses[0];
    }),
  );
}

/** A model that records how many rows each step reads. */
function counting(model: Seq2seqSteps): Seq2seqSteps & { rowsPerStep: number[] } {
  const rowsPerStep: number[] = [];
  return {
    rowsPerStep,
    sourceVocabularySize: model.sourceVocabularySize,
    targetVocabularySize: model.targetVocabularySize,
    encode: (source, lengths) => model.encode(source, lengths),
    step: (encoded, tokens, state) => {
      rowsPerStep.push(tokens.shape[0] as number);
      return model.step(encoded, tokens, state);
    },
  };
}

const sentences = [[3, 1, 5, 2], [6], [4, 4, 2, 5, 1, 3, 3], [2, 2], [5, 6, 1], [1, 3, 5, 6, 2, 4]];

describe('greedyTranslateBatch', () => {
  it('gives each row what greedy decode gives its sentence alone', async () => {
    const model = counting(new FakeSeq2seq());
    const expected = await oneByOne(model, sentences, 12);
    // The fake ends some sentences early and others never: rows must finish independently.
    const stops = new Set(expected.map((h) => h?.stoppedBy));
    expect(stops).toEqual(new Set(['end', 'maxTokens']));
    const { source, lengths } = padded(sentences);
    const before = tf.memory().numTensors;
    model.rowsPerStep.length = 0;
    const got = await greedyTranslateBatch(model, source, lengths, {
      startToken: bos,
      endToken: eos,
      maxLength: 12,
    });
    expect(tf.memory().numTensors).toBe(before);
    source.dispose();
    got.forEach((row, i) => {
      const want = expected[i];
      expect(row.tokens).toEqual(want?.tokens);
      expect(row.stoppedBy).toBe(want?.stoppedBy);
      expect(row.ended).toBe(want?.stoppedBy === 'end');
      expect(row.logProbability).toBeCloseTo(want?.logProbability as number, 4);
    });
    // Finished rows are dropped: the steps shrink to the rows still going.
    const going = (t: number) =>
      expected.filter((h) => (h?.tokens.length ?? 0) + (h?.stoppedBy === 'end' ? 1 : 0) > t).length;
    expect(model.rowsPerStep).toEqual(
      Array.from({ length: model.rowsPerStep.length }, (_, t) => going(t)),
    );
    expect(model.rowsPerStep[0]).toBe(sentences.length);
    expect(model.rowsPerStep.at(-1)).toBeLessThan(sentences.length);
  });

  it('does not depend on the padding value or the order of the rows', async () => {
    const model = new FakeSeq2seq();
    const reversed = [...sentences].reverse();
    const S = 9;
    const source = tf.tensor2d(
      reversed.map((s) => [...s, ...new Array<number>(S - s.length).fill(5)]),
      [reversed.length, S],
      'int32',
    );
    const options = { startToken: bos, endToken: eos, maxLength: 12 };
    const got = await greedyTranslateBatch(
      model,
      source,
      Int32Array.from(reversed, (s) => s.length),
      options,
    );
    source.dispose();
    const { source: plain, lengths } = padded(sentences);
    const expected = await greedyTranslateBatch(model, plain, lengths, options);
    plain.dispose();
    expect(got.map((r) => r.tokens)).toEqual([...expected].reverse().map((r) => r.tokens));
  });

  it('stops at maxLength, the end token counting among the chosen', async () => {
    const model = new FakeSeq2seq();
    const { source, lengths } = padded(sentences);
    for (const maxLength of [1, 2, 3]) {
      const expected = await oneByOne(model, sentences, maxLength);
      const got = await greedyTranslateBatch(model, source, lengths, {
        startToken: bos,
        endToken: eos,
        maxLength,
      });
      expect(got.map((r) => [r.tokens, r.stoppedBy])).toEqual(
        expected.map((h) => [h?.tokens, h?.stoppedBy]),
      );
    }
    const none = await greedyTranslateBatch(model, source, lengths, {
      startToken: bos,
      endToken: eos,
      maxLength: 0,
    });
    expect(none).toEqual(
      sentences.map(() => ({
        tokens: [],
        logProbability: 0,
        ended: false,
        stoppedBy: 'maxTokens',
      })),
    );
    source.dispose();
  });

  it('stops every unfinished row when aborted, keeping what was chosen, and frees everything', async () => {
    const controller = new AbortController();
    const model = new FakeSeq2seq({ onStep: (n) => n === 3 && controller.abort() });
    const { source, lengths } = padded(sentences);
    const before = tf.memory().numTensors;
    const got = await greedyTranslateBatch(model, source, lengths, {
      startToken: bos,
      endToken: eos,
      maxLength: 12,
      signal: controller.signal,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.steps).toBe(3);
    const full = await oneByOne(new FakeSeq2seq(), sentences, 12);
    got.forEach((row, i) => {
      if (row.stoppedBy === 'aborted') {
        expect(row.tokens).toEqual(full[i]?.tokens.slice(0, 3));
      } else {
        expect(row.tokens).toEqual(full[i]?.tokens);
      }
    });
    expect(got.some((r) => r.stoppedBy === 'aborted')).toBe(true);
    const already = await greedyTranslateBatch(model, source, lengths, {
      startToken: bos,
      endToken: eos,
      maxLength: 12,
      signal: controller.signal,
    });
    expect(already.every((r) => r.stoppedBy === 'aborted' && r.tokens.length === 0)).toBe(true);
    source.dispose();
  });

  it('frees everything when the model fails midway', async () => {
    const model = new FakeSeq2seq({ failOnStep: 4 });
    const { source, lengths } = padded(sentences);
    const before = tf.memory().numTensors;
    await expect(
      greedyTranslateBatch(model, source, lengths, {
        startToken: bos,
        endToken: eos,
        maxLength: 12,
      }),
    ).rejects.toThrow('fake step failed on purpose');
    expect(tf.memory().numTensors).toBe(before);
    source.dispose();
  });

  it('refuses bad sources and options with clear messages', async () => {
    const model = new FakeSeq2seq();
    const good = { startToken: bos, endToken: eos, maxLength: 5 };
    const ints = tf.tensor2d([[1, 9]], [1, 2], 'int32');
    const floats = tf.tensor2d([[1, 2]], [1, 2], 'float32');
    const flat = tf.tensor1d([1, 2], 'int32');
    const empty = tf.zeros([2, 0], 'int32');
    const cases: Array<[tf.Tensor, object, string]> = [
      [
        ints,
        good,
        'source token id 9 at row 0, position 1 is outside the source vocabulary (ids 0 to 6)',
      ],
      [floats, good, 'source must be an int32 tensor [batch, sourceLength], got float32 [1, 2]'],
      [flat, good, 'source must be an int32 tensor [batch, sourceLength], got int32 [2]'],
      [empty, good, 'source [2, 0] is empty'],
      [
        flat,
        { ...good, startToken: 5 },
        'startToken must be a token id of the target vocabulary (0 to 4), got 5',
      ],
      [flat, { ...good, endToken: -1 }, 'endToken must be a token id'],
      [flat, { ...good, maxLength: 2.5 }, 'maxLength must be an integer >= 0, got 2.5'],
    ];
    for (const [source, options, message] of cases) {
      await expect(
        greedyTranslateBatch(model, source, undefined, options as typeof good),
      ).rejects.toThrow(`greedyTranslateBatch: ${message}`);
    }
    tf.dispose([ints, floats, flat, empty]);
  });
});
