// The seq2seq stepper over a hand-written encoder-decoder (test/fake-seq2seq.ts), so its row
// logic is checked apart from the real model: every expectation comes from the model's own encode
// and step run one row at a time with no selection (teacherForcedLogits), or from enumerating every
// output. The real model's tests are in seq2seq-decoding.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  FakeSeq2seq,
  logSoftmax64,
  sequenceLogProbability,
  teacherForcedLogits,
} from '../../test/fake-seq2seq.js';
import type { DecodeOptions } from './contract.js';
import { decode, decodeStream } from './decode.js';
import { seq2seqStepper } from './seq2seq-stepper.js';

const bos = 0;
const eos = 1;
const source = [3, 1, 5, 2];

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(
      tolerance,
    );
  }
}

/** Every output of at most `max` new tokens over vocabulary `V`, ending at eos or at max. */
function allOutputs(V: number, max: number): number[][] {
  const out: number[][] = [];
  const grow = (prefix: number[]) => {
    for (let token = 0; token < V; token++) {
      const next = [...prefix, token];
      if (token === eos) out.push(next.slice(0, -1).concat(eos));
      else if (next.length === max) out.push(next);
      else grow(next);
    }
  };
  grow([]);
  return out;
}

describe('seq2seqStepper', () => {
  for (const keysAreMemory of [false, true]) {
    describe(
      keysAreMemory ? 'keys are the memory (luong-dot)' : 'keys apart from the memory',
      () => {
        it('prefill scores the token after the prompt as a teacher-forced run does', async () => {
          const model = new FakeSeq2seq({ keysAreMemory });
          const stepper = seq2seqStepper(model, Int32Array.from(source));
          const before = tf.memory().numTensors;
          const one = await stepper.prefill(Int32Array.of(bos));
          const [expected] = await teacherForcedLogits(model, source, [bos]);
          expectClose(one.logits, expected as Float32Array);
          expect(one.state.rows).toBe(1);
          // A longer prompt is read one decoder step per token, the source encoded once.
          const encodes = model.encodes;
          const three = await stepper.prefill(Int32Array.of(bos, 2, 4));
          expect(model.encodes).toBe(encodes + 1);
          const positions = await teacherForcedLogits(model, source, [bos, 2, 4]);
          expectClose(three.logits, positions[2] as Float32Array);
          stepper.release(one.state);
          stepper.release(three.state);
          expect(tf.memory().numTensors).toBe(before);
        });

        it('select picks rows of the encoded source and of every part of the decoder state', async () => {
          const model = new FakeSeq2seq({ keysAreMemory });
          const stepper = seq2seqStepper(model, Int32Array.from(source));
          const before = tf.memory().numTensors;
          const first = await stepper.prefill(Int32Array.of(bos));
          const three = stepper.select(first.state, Int32Array.of(0, 0, 0));
          stepper.release(first.state);
          const second = await stepper.step(Int32Array.of(2, 3, 4), three);
          stepper.release(three);
          // Rows now read bos 2, bos 3, bos 4. Reorder, repeat and drop rows, then step again.
          const picked = stepper.select(second.state, Int32Array.of(2, 0, 2, 1));
          stepper.release(second.state);
          expect(picked.rows).toBe(4);
          expect(picked.decoder.recurrent.h.shape).toEqual([2, 4, 3]);
          expect(picked.encoded.memory.shape).toEqual([4, source.length, 3]);
          expect(picked.encoded.keys === picked.encoded.memory).toBe(keysAreMemory);
          const third = await stepper.step(Int32Array.of(1, 1, 3, 0), picked);
          stepper.release(picked);
          const histories = [
            [bos, 4, 1],
            [bos, 2, 1],
            [bos, 4, 3],
            [bos, 3, 0],
          ];
          for (const [row, history] of histories.entries()) {
            const expected = (await teacherForcedLogits(model, source, history)).at(-1);
            expectClose(third.logits.subarray(row * 5, (row + 1) * 5), expected as Float32Array);
          }
          stepper.release(third.state);
          expect(tf.memory().numTensors).toBe(before);
        });
      },
    );
  }

  it('beam search over every output finds each with its teacher-forced log-probability', async () => {
    const model = new FakeSeq2seq();
    const outputs = allOutputs(5, 3);
    expect(outputs.length).toBe(85); // [eos], x eos, x y eos, x y z (x, y, z not eos)
    const expected = await Promise.all(
      outputs.map(async (tokens) => ({
        tokens,
        logProbability: await sequenceLogProbability(model, source, bos, tokens),
      })),
    );
    expected.sort((a, b) => b.logProbability - a.logProbability);
    const before = tf.memory().numTensors;
    const { hypotheses } = await decode(
      seq2seqStepper(model, Int32Array.from(source)),
      Int32Array.of(bos),
      {
        strategy: 'beam',
        maxNewTokens: 3,
        endToken: eos,
        beam: { width: 85, nBest: 85, lengthPenalty: 0 },
      },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(hypotheses.length).toBe(85);
    hypotheses.forEach((h, i) => {
      const want = expected[i] as { tokens: number[]; logProbability: number };
      const withEnd = h.stoppedBy === 'end' ? [...h.tokens, eos] : h.tokens;
      expect(withEnd).toEqual(want.tokens);
      expect(h.logProbability).toBeCloseTo(want.logProbability, 4);
    });
  });

  it('beam width 1 is greedy, and greedy takes the argmax at each step', async () => {
    const model = new FakeSeq2seq();
    const prompt = Int32Array.of(bos);
    for (const src of [source, [6], [4, 4, 2, 5, 1, 3, 3]]) {
      const stepper = seq2seqStepper(model, Int32Array.from(src));
      const greedy = await decode(stepper, prompt, {
        strategy: 'greedy',
        maxNewTokens: 8,
        endToken: eos,
      });
      const beam = await decode(stepper, prompt, {
        strategy: 'beam',
        maxNewTokens: 8,
        endToken: eos,
        beam: { width: 1 },
      });
      const [g] = greedy.hypotheses;
      const [b] = beam.hypotheses;
      expect(b?.tokens).toEqual(g?.tokens);
      expect(b?.logProbability).toBeCloseTo(g?.logProbability as number, 5);
      // Each greedy token is the argmax of the teacher-forced logits after the ones before it.
      const read = [bos, ...(g?.tokens ?? [])];
      const logits = await teacherForcedLogits(model, src, read);
      const chosen = g?.stoppedBy === 'end' ? [...(g?.tokens ?? []), eos] : (g?.tokens ?? []);
      chosen.forEach((token, i) => {
        const row = logSoftmax64(logits[i] as Float32Array);
        expect(row.indexOf(Math.max(...row))).toBe(token);
      });
    }
  });

  it('beam n-best are distinct and sorted by score, each scored as teacher forcing scores it', async () => {
    const model = new FakeSeq2seq();
    const stepper = seq2seqStepper(model, Int32Array.from(source));
    const { hypotheses } = await decode(stepper, Int32Array.of(bos), {
      strategy: 'beam',
      maxNewTokens: 6,
      endToken: eos,
      beam: { width: 6, nBest: 6, lengthPenalty: 1 },
    });
    expect(hypotheses.length).toBe(6);
    expect(new Set(hypotheses.map((h) => h.tokens.join())).size).toBe(6);
    for (let i = 1; i < hypotheses.length; i++) {
      expect(hypotheses[i - 1]?.score).toBeGreaterThanOrEqual(hypotheses[i]?.score as number);
    }
    for (const h of hypotheses) {
      const withEnd = h.stoppedBy === 'end' ? [...h.tokens, eos] : h.tokens;
      expect(h.logProbability).toBeCloseTo(
        await sequenceLogProbability(model, source, bos, withEnd),
        4,
      );
      expect(h.score).toBeCloseTo(h.logProbability / withEnd.length, 6);
    }
  });

  /** The options without an end token, so only the abort can stop the decoding early. */
  const withoutEnd = ({ endToken: _end, ...rest }: DecodeOptions): DecodeOptions => rest;

  describe('frees every tensor', () => {
    const options = [
      { strategy: 'greedy' as const, maxNewTokens: 10, endToken: eos },
      { strategy: 'beam' as const, maxNewTokens: 10, endToken: eos, beam: { width: 4, nBest: 3 } },
      { strategy: 'sample' as const, maxNewTokens: 10, sampling: { seed: 3 } },
    ];
    it.each(options)('after a $strategy decoding', async (o) => {
      const model = new FakeSeq2seq();
      const before = tf.memory().numTensors;
      await decode(seq2seqStepper(model, Int32Array.from(source)), Int32Array.of(bos), o);
      expect(model.steps).toBeGreaterThan(2);
      expect(tf.memory().numTensors).toBe(before);
    });

    it.each(options)('after a $strategy decoding aborted midway', async (o) => {
      const controller = new AbortController();
      const model = new FakeSeq2seq({ onStep: (n) => n === 4 && controller.abort() });
      const before = tf.memory().numTensors;
      const { hypotheses } = await decode(
        seq2seqStepper(model, Int32Array.from(source)),
        Int32Array.of(bos),
        { ...withoutEnd(o), signal: controller.signal },
      );
      expect(hypotheses[0]?.stoppedBy).toBe('aborted');
      expect(tf.memory().numTensors).toBe(before);
    });

    it.each(options)('after a $strategy decoding whose model fails midway', async (o) => {
      const model = new FakeSeq2seq({ failOnStep: 3 });
      const before = tf.memory().numTensors;
      await expect(
        decode(seq2seqStepper(model, Int32Array.from(source)), Int32Array.of(bos), o),
      ).rejects.toThrow('fake step failed on purpose');
      expect(tf.memory().numTensors).toBe(before);
    });

    it('after a prefill whose model fails within the prompt', async () => {
      const model = new FakeSeq2seq({ failOnStep: 2 });
      const before = tf.memory().numTensors;
      await expect(
        seq2seqStepper(model, Int32Array.from(source)).prefill(Int32Array.of(bos, 2, 3)),
      ).rejects.toThrow('fake step failed on purpose');
      expect(tf.memory().numTensors).toBe(before);
    });

    it('after a stream left early', async () => {
      const model = new FakeSeq2seq();
      const before = tf.memory().numTensors;
      const stream = decodeStream(
        seq2seqStepper(model, Int32Array.from(source)),
        Int32Array.of(bos),
        {
          strategy: 'greedy',
          maxNewTokens: 10,
        },
      );
      for await (const _ of stream) break;
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it('refuses bad sources, tokens and rows with clear messages', async () => {
    const model = new FakeSeq2seq();
    expect(() => seq2seqStepper(model, new Int32Array(0))).toThrow(
      'seq2seqStepper: the source is empty',
    );
    expect(() => seq2seqStepper(model, Int32Array.of(2, 7))).toThrow(
      'seq2seqStepper: source token id 7 at position 1 is outside the source vocabulary (ids 0 to 6)',
    );
    expect(() => seq2seqStepper(model, [1, 2] as unknown as Int32Array)).toThrow(
      'the source must be an Int32Array',
    );
    const stepper = seq2seqStepper(model, Int32Array.from(source));
    const before = tf.memory().numTensors;
    await expect(stepper.prefill(Int32Array.of(5))).rejects.toThrow(
      'seq2seqStepper: token id 5 at position 0 is outside the target vocabulary (ids 0 to 4)',
    );
    await expect(stepper.prefill(new Int32Array(0))).rejects.toThrow('at least one token');
    const { state } = await stepper.prefill(Int32Array.of(bos));
    await expect(stepper.step(Int32Array.of(1, 2), state)).rejects.toThrow(
      'seq2seqStepper: step got 2 tokens for a state of 1 rows',
    );
    expect(() => stepper.select(state, Int32Array.of(0, 1))).toThrow(
      'seq2seqStepper: select rows[1] is 1; the state has rows 0 to 0',
    );
    stepper.release(state);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses logits of the wrong shape from the model, freeing what it made', async () => {
    const model = new FakeSeq2seq();
    const wrong = {
      sourceVocabularySize: model.sourceVocabularySize,
      targetVocabularySize: 6, // the model's step gives 5
      encode: model.encode.bind(model),
      step: model.step.bind(model),
    };
    const before = tf.memory().numTensors;
    await expect(
      seq2seqStepper(wrong, Int32Array.from(source)).prefill(Int32Array.of(bos)),
    ).rejects.toThrow("the model's step gave logits [1, 5], expected [1, 6]");
    expect(tf.memory().numTensors).toBe(before);
  });
});
