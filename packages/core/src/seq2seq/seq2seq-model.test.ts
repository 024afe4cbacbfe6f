// The encoder-decoder's forward pass against its own one-step-at-a-time form (encode + step, which
// decoding uses), against a greedy loop written here for teacher forcing off, and against the
// invariants of masking: attention rows sum to 1 with exactly 0 on padding, and padding in the
// source or the target changes nothing real.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  maxDifference,
  randomIds,
  type Seq2seqOptions,
  seq2seqModel,
  sourceVocabulary,
  targetVocabulary,
} from '../../test/seq2seq-specs.js';
import type { RecurrentState } from '../layers/layer.js';
import type { ModelInputs } from '../model/inputs.js';
import type { DecoderState } from './contract.js';
import { seq2seqLoss } from './seq2seq-loss.js';
import type { Seq2seqModel } from './seq2seq-model.js';

const B = 3;
const S = 6;
const T = 5;
const sourceLengths = [6, 3, 1];

/** Every configuration the decoder step handles differently. */
const configurations: Array<[string, Seq2seqOptions]> = [
  ['GRU, bahdanau (combine input), copy bridge', {}],
  [
    'LSTM 2 layers, luong-general with input feeding, dense bridge from a bidirectional LSTM',
    {
      encoderCell: 'lstm',
      decoderCell: 'lstm',
      bidirectional: true,
      encoderLayers: 2,
      decoderLayers: 2,
      decoderHidden: 7,
      attention: 'luong-general',
      inputFeeding: true,
      bridge: 'dense',
    },
  ],
  [
    'RNN, luong-dot (combine output, whole-sequence path), GRU encoder',
    { decoderCell: 'rnn', attention: 'luong-dot' },
  ],
  [
    'GRU, luong-concat combined at the input, LSTM encoder (copy: h only)',
    { encoderCell: 'lstm', attention: 'luong-concat', attentionSize: 3, combine: 'input' },
  ],
  [
    'LSTM, bahdanau combined at the output, GRU encoder (copy: c starts at 0)',
    { decoderCell: 'lstm', attention: 'bahdanau', combine: 'output' },
  ],
  ['GRU, no attention, zeros bridge', { attention: 'none', bridge: 'zeros' }],
];

interface Stepped {
  logits: Float32Array[];
  attention: Float32Array[];
  h: Float32Array;
  c: Float32Array | undefined;
}

/**
 * encode, then one step per target column. `choose(i, logits)` gives step i's tokens from the
 * previous step's logits (rows × V), or undefined to read the target.
 */
async function runSteps(
  model: Seq2seqModel,
  source: tf.Tensor2D,
  target: tf.Tensor2D,
  lengths: number[] | undefined,
  choose: (i: number, previous: Float32Array | undefined) => Int32Array | undefined = () =>
    undefined,
): Promise<Stepped> {
  const { encoded, initial } = model.encode(source, lengths);
  const columns = (await target.array()) as number[][];
  const result: Stepped = { logits: [], attention: [], h: new Float32Array(), c: undefined };
  let state: DecoderState = initial;
  const release = (s: DecoderState) =>
    tf.dispose([
      s.recurrent.h,
      ...(s.recurrent.c ? [s.recurrent.c] : []),
      ...(s.feed ? [s.feed] : []),
    ]);
  for (let i = 0; i < target.shape[1]; i++) {
    const ids =
      choose(i, result.logits[i - 1]) ?? Int32Array.from(columns, (row) => row[i] as number);
    const tokens = tf.tensor1d(ids, 'int32');
    const step = model.step(encoded, tokens, state);
    result.logits.push((await step.logits.data()) as Float32Array);
    result.attention.push((await step.attention.data()) as Float32Array);
    tf.dispose([tokens, step.logits, step.attention]);
    release(state);
    state = step.state;
  }
  result.h = (await state.recurrent.h.data()) as Float32Array;
  if (state.recurrent.c) result.c = (await state.recurrent.c.data()) as Float32Array;
  release(state);
  tf.dispose([encoded.memory, encoded.keys, encoded.mask]);
  return result;
}

/** Step i's rows of a [B, T, N] array, flattened like a step's [B, N]. */
function stepRows(values: Float32Array, i: number, steps: number, n: number): Float32Array {
  const rows = values.length / (steps * n);
  const out = new Float32Array(rows * n);
  for (let b = 0; b < rows; b++)
    out.set(values.subarray((b * steps + i) * n, (b * steps + i + 1) * n), b * n);
  return out;
}

function argmaxRows(logits: Float32Array, V: number): Int32Array {
  const rows = logits.length / V;
  return Int32Array.from({ length: rows }, (_, b) => {
    let best = 0;
    for (let v = 1; v < V; v++)
      if ((logits[b * V + v] as number) > (logits[b * V + best] as number)) best = v;
    return best;
  });
}

interface ForwardValues {
  logits: Float32Array;
  attention: Float32Array;
  h: Float32Array;
  c: Float32Array | undefined;
}

/** forward's results read back, every tensor it made (and `owned` inputs) disposed. */
async function forwardValues(
  model: Seq2seqModel,
  inputs: ModelInputs,
  owned: tf.Tensor[] = [],
): Promise<ForwardValues> {
  const result = model.forward(inputs);
  const final = result.states.decoder as RecurrentState;
  const values = {
    logits: (await result.output.data()) as Float32Array,
    attention: (await (result.attention as tf.Tensor).data()) as Float32Array,
    h: (await final.h.data()) as Float32Array,
    c: final.c ? ((await final.c.data()) as Float32Array) : undefined,
  };
  tf.dispose([
    result.output,
    result.attention as tf.Tensor,
    final.h,
    ...(final.c ? [final.c] : []),
    ...owned,
  ]);
  return values;
}

describe('Seq2seqModel', () => {
  describe('forward equals encode + step, token by token', () => {
    for (const [name, options] of configurations) {
      it(name, async () => {
        const model = await seq2seqModel(options);
        const source = randomIds(B, S, sourceVocabulary, 1);
        const target = randomIds(B, T, targetVocabulary, 2);
        const before = tf.memory().numTensors;
        const whole = await forwardValues(model, { source, sourceLengths, target });
        expect(tf.memory().numTensors).toBe(before);
        const stepped = await runSteps(model, source, target, sourceLengths);
        expect(tf.memory().numTensors).toBe(before);
        for (let i = 0; i < T; i++) {
          const logits = stepRows(whole.logits, i, T, targetVocabulary);
          expect(maxDifference(logits, stepped.logits[i] as Float32Array)).toBeLessThan(1e-5);
          const attention = stepRows(whole.attention, i, T, S);
          expect(maxDifference(attention, stepped.attention[i] as Float32Array)).toBeLessThan(1e-6);
        }
        expect(maxDifference(whole.h, stepped.h)).toBeLessThan(1e-5);
        expect(whole.c === undefined).toBe(stepped.c === undefined);
        if (whole.c) expect(maxDifference(whole.c, stepped.c as Float32Array)).toBeLessThan(1e-5);
        tf.dispose([source, target]);
        model.dispose();
      });
    }
  });

  describe('teacher forcing off feeds back the greedy prediction of the step before', () => {
    const cases = [configurations[0], configurations[1], configurations[2]];
    for (const [name, options] of cases as Array<[string, Seq2seqOptions]>) {
      it(name, async () => {
        const model = await seq2seqModel(options);
        const source = randomIds(B, S, sourceVocabulary, 3);
        const target = randomIds(B, T, targetVocabulary, 4);
        // Row 0 is never teacher-forced, row 1 at steps 2 and 4 only, row 2 always.
        const mask = [
          [1, 0, 0, 0, 0],
          [1, 0, 1, 0, 1],
          [1, 1, 1, 1, 1],
        ];
        const teacherForcing = tf.tensor2d(mask);
        const mixed = await forwardValues(model, { source, sourceLengths, target, teacherForcing });
        const columns = (await target.array()) as number[][];
        const stepped = await runSteps(model, source, target, sourceLengths, (i, previous) =>
          i === 0
            ? undefined
            : Int32Array.from(argmaxRows(previous as Float32Array, targetVocabulary), (id, b) =>
                mask[b]?.[i] === 1 ? (columns[b]?.[i] as number) : id,
              ),
        );
        for (let i = 0; i < T; i++) {
          const logits = stepRows(mixed.logits, i, T, targetVocabulary);
          expect(maxDifference(logits, stepped.logits[i] as Float32Array)).toBeLessThan(1e-5);
        }
        // The fed-back predictions differ from the reference: the mask is not a no-op here.
        const forced = await forwardValues(model, { source, sourceLengths, target });
        expect(maxDifference(mixed.logits, forced.logits)).toBeGreaterThan(1e-3);
        tf.dispose([source, target, teacherForcing]);
        model.dispose();
      });
    }

    it('a mask of ones is teacher forcing', async () => {
      const model = await seq2seqModel();
      const source = randomIds(B, S, sourceVocabulary, 3);
      const target = randomIds(B, T, targetVocabulary, 4);
      const teacherForcing = tf.ones([B, T]);
      const ones = await forwardValues(model, { source, target, teacherForcing });
      const none = await forwardValues(model, { source, target });
      expect(maxDifference(ones.logits, none.logits)).toBe(0);
      tf.dispose([source, target, teacherForcing]);
      model.dispose();
    });
  });

  describe('attention', () => {
    for (const [name, options] of configurations.filter(([, o]) => o.attention !== 'none')) {
      it(`rows sum to 1 and padded source positions get exactly 0 (${name})`, async () => {
        const model = await seq2seqModel(options);
        const source = randomIds(B, S, sourceVocabulary, 5);
        const target = randomIds(B, T, targetVocabulary, 6);
        const { attention } = await forwardValues(model, { source, sourceLengths, target });
        for (let b = 0; b < B; b++) {
          const length = sourceLengths[b] as number;
          for (let i = 0; i < T; i++) {
            const row = Array.from(attention.subarray((b * T + i) * S, (b * T + i + 1) * S));
            expect(row.slice(length).every((w) => w === 0)).toBe(true);
            expect(row.slice(0, length).every((w) => w > 0)).toBe(true);
            expect(Math.abs(row.reduce((a, w) => a + w, 0) - 1)).toBeLessThan(1e-6);
          }
        }
        tf.dispose([source, target]);
        model.dispose();
      });
    }

    it('is zeros without attention', async () => {
      const model = await seq2seqModel({ attention: 'none' });
      const source = randomIds(B, S, sourceVocabulary, 5);
      const target = randomIds(B, T, targetVocabulary, 6);
      const { attention } = await forwardValues(model, { source, target });
      expect(attention.length).toBe(B * T * S);
      expect(attention.every((w) => w === 0)).toBe(true);
      tf.dispose([source, target]);
      model.dispose();
    });
  });

  describe('padding', () => {
    const cases = [configurations[0], configurations[1]];
    for (const [name, options] of cases as Array<[string, Seq2seqOptions]>) {
      it(`a padded source row gives what the row alone gives (${name})`, async () => {
        const model = await seq2seqModel(options);
        const source = randomIds(B, S, sourceVocabulary, 7);
        const target = randomIds(B, T, targetVocabulary, 8);
        const padded = await forwardValues(model, { source, sourceLengths, target });
        const V = targetVocabulary;
        for (let b = 0; b < B; b++) {
          const length = sourceLengths[b] as number;
          const rowSource = tf.slice(source, [b, 0], [1, length]);
          const rowTarget = tf.slice(target, [b, 0], [1, T]);
          const alone = await forwardValues(model, { source: rowSource, target: rowTarget }, [
            rowSource,
            rowTarget,
          ]);
          const logits = padded.logits.subarray(b * T * V, (b + 1) * T * V);
          expect(maxDifference(logits, alone.logits)).toBeLessThan(1e-5);
          for (let i = 0; i < T; i++) {
            const row = padded.attention.subarray((b * T + i) * S, (b * T + i) * S + length);
            const own = alone.attention.subarray(i * length, (i + 1) * length);
            expect(maxDifference(row, own)).toBeLessThan(1e-6);
          }
        }
        tf.dispose([source, target]);
        model.dispose();
      });
    }

    it('target padding does not change the loss of the real tokens', async () => {
      const model = await seq2seqModel({ labelSmoothing: 0.1 });
      const source = randomIds(B, S, sourceVocabulary, 9);
      const targetLengths = [5, 3, 2];
      // Batches that agree on the real tokens and differ everywhere past them.
      const reference = randomIds(B, T, targetVocabulary, 10).arraySync() as number[][];
      const make = (seed: number) => {
        const noise = randomIds(B, T, targetVocabulary, seed).arraySync() as number[][];
        const mixed = reference.map((row, b) =>
          row.map((id, i) => (i < (targetLengths[b] as number) ? id : (noise[b]?.[i] as number))),
        );
        return tf.tensor2d(mixed, [B, T], 'int32');
      };
      const lossOf = (inputs: ModelInputs, labels: tf.Tensor) =>
        tf.tidy(
          () => seq2seqLoss(model, { inputs, targets: labels }, undefined).dataSync()[0] as number,
        );
      const [t1, l1, t2, l2] = [make(11), make(12), make(13), make(14)];
      const first = lossOf({ source, sourceLengths, target: t1, targetLengths }, l1);
      const second = lossOf({ source, sourceLengths, target: t2, targetLengths }, l2);
      expect(Math.abs(first - second)).toBeLessThan(1e-6);
      // The mean over real tokens: each row alone, unpadded, weighted by its length.
      let sum = 0;
      for (let b = 0; b < B; b++) {
        const length = targetLengths[b] as number;
        const row = tf.tidy(() =>
          lossOf(
            {
              source: tf.slice(source, [b, 0], [1, sourceLengths[b] as number]),
              target: tf.slice(t1, [b, 0], [1, length]),
            },
            tf.slice(l1, [b, 0], [1, length]),
          ),
        );
        sum += row * length;
      }
      expect(Math.abs(first - sum / 10)).toBeLessThan(1e-5);
      tf.dispose([source, t1, l1, t2, l2]);
      model.dispose();
    });
  });

  describe('bad input', () => {
    it('names the input and what is wrong', async () => {
      const model = await seq2seqModel();
      const source = randomIds(2, S, sourceVocabulary, 1);
      const target = randomIds(2, T, targetVocabulary, 2);
      const half = tf.fill([2, T], 0.5);
      const short = tf.ones([2, T - 1]);
      const floats = tf.zeros([2, S]);
      const cases: Array<[() => unknown, string]> = [
        [
          () => model.forward({ source, target, teacherForcing: half }),
          'model "test-seq2seq": input "teacherForcing" must hold 1 (read the reference token) or 0 (read the model\'s own prediction), got 0.5 at row 0, step 0',
        ],
        [
          () => model.forward({ source, target, teacherForcing: short }),
          'model "test-seq2seq": input "teacherForcing" must be [2, 5] as the target, got [2, 4]',
        ],
        [
          () => model.forward({ source, target, targetLengths: [5, 6] }),
          'model "test-seq2seq": input "targetLengths": row 1 has length 6; each length must be between 1 and the padded length 5',
        ],
        [
          () => model.forward({ source, target, sourceLengths: [0, 2] }),
          'model "test-seq2seq": input "sourceLengths": row 0 has length 0; each length must be between 1 and the padded length 6',
        ],
        [
          () => model.forward({ source: floats, target }),
          'model "test-seq2seq": input "source" (source token ids) must be int32 [batch, time], got float32 [2, 6]',
        ],
        [
          () => model.forward({ source, target, tokens: source }),
          'model "test-seq2seq": unknown input "tokens"',
        ],
        [
          () => model.forward({ source, target }, { initialState: {} }),
          'initialState is not supported: the decoder starts from the encoder through the bridge',
        ],
      ];
      for (const [run, message] of cases) expect(run).toThrow(message);
      const { encoded, initial } = model.encode(source);
      const three = tf.tensor1d([1, 2, 3], 'int32');
      expect(() => model.step(encoded, three, initial)).toThrow(
        'model "test-seq2seq": step: tokens must be int32 [2] (one per row of the encoded source), got int32 [3]',
      );
      tf.dispose([
        source,
        target,
        half,
        short,
        floats,
        three,
        encoded.memory,
        encoded.keys,
        encoded.mask,
        initial.recurrent.h,
      ]);
      model.dispose();
    });
  });
});
