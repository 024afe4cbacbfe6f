// The model stepper on core's plain cpu backend (no DecodeStep kernel: every step is
// model.forward on one token). Expectations come from one model.forward over whole sequences:
// reading a prompt and then one token at a time must give the scores a full pass gives at the
// same positions. The fused kernel is checked against this path by the backend conformance suite.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import { type ModelStepState, modelStepper } from './model-stepper.js';

const vocabulary = 13;

function languageModel(layers: Record<string, unknown>[], task = 'generation'): Promise<Model> {
  return compile(
    {
      version: 1,
      name: 'lm',
      task,
      input: { tokenizer: { type: 'char' } },
      layers: [{ type: 'embedding', embeddingDim: 5 }, ...layers, { type: 'dense', units: 'auto' }],
      training: { optimizer: { type: 'adam' }, seed: 3 },
    },
    { backend: 'cpu', vocabularySize: vocabulary, outputSize: vocabulary },
  );
}

/** Logits of every position of each row: one model.forward over the whole sequences. */
async function fullPass(model: Model, rows: number[][]): Promise<Float32Array[][]> {
  const T = (rows[0] as number[]).length;
  const tokens = tf.tensor2d(rows, [rows.length, T], 'int32');
  const { output, states } = model.forward({ tokens });
  const values = (await output.data()) as Float32Array;
  tf.dispose([tokens, output, ...Object.values(states).flatMap((s) => [s.h, s.c ?? []].flat())]);
  return rows.map((_, b) =>
    Array.from({ length: T }, (_, t) =>
      values.slice((b * T + t) * vocabulary, (b * T + t + 1) * vocabulary),
    ),
  );
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    expect(Math.abs(v - (expected[i] as number))).toBeLessThanOrEqual(
      1e-5 + 1e-4 * Math.abs(expected[i] as number),
    );
  });
}

const models: Array<[string, Record<string, unknown>[]]> = [
  ['2-layer LSTM with dropout', [{ type: 'lstm', hiddenSize: 7, numLayers: 2, dropout: 0.3 }]],
  [
    'GRU then RNN (relu) with a dropout between',
    [
      { type: 'gru', hiddenSize: 6 },
      { type: 'dropout', rate: 0.5 },
      { type: 'rnn', hiddenSize: 4, nonlinearity: 'relu' },
    ],
  ],
  ['RNN (tanh) without bias', [{ type: 'rnn', hiddenSize: 6, bias: false }]],
];

describe('modelStepper reads a prompt once, then one token per step', () => {
  for (const [title, layers] of models) {
    it(`${title}: prefill + steps give the full pass's scores at every position`, async () => {
      const model = await languageModel(layers);
      const stepper = modelStepper(model);
      expect(stepper.fusedStep).toBe(false); // core's test backend has no DecodeStep
      expect(stepper.vocabularySize).toBe(vocabulary);
      const sequence = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
      const expected = (await fullPass(model, [sequence]))[0] as Float32Array[];
      const prompt = 4;
      let { logits, state } = await stepper.prefill(Int32Array.from(sequence.slice(0, prompt)));
      expectClose(logits, expected[prompt - 1] as Float32Array);
      for (let t = prompt; t < sequence.length; t++) {
        const next = await stepper.step(Int32Array.of(sequence[t] as number), state);
        stepper.release(state);
        ({ logits, state } = next);
        expectClose(logits, expected[t] as Float32Array);
      }
      stepper.release(state);
      model.dispose();
    });
  }

  it('steps rows chosen by select, each from its own row of the state', async () => {
    const model = await languageModel(models[0]?.[1] as Record<string, unknown>[]);
    const stepper = modelStepper(model);
    const a = [2, 7, 1];
    const b = [8, 2, 8];
    const first = await stepper.prefill(Int32Array.from(a));
    const second = await stepper.prefill(Int32Array.from(b));
    // Two one-row states side by side, then rows [1, 0, 1]: b, a, b.
    const joined: ModelStepState = {
      rows: 2,
      layers: {
        lstm: {
          h: tf.concat(
            [first.state.layers.lstm?.h as tf.Tensor, second.state.layers.lstm?.h as tf.Tensor],
            1,
          ),
          c: tf.concat(
            [first.state.layers.lstm?.c as tf.Tensor, second.state.layers.lstm?.c as tf.Tensor],
            1,
          ),
        },
      },
    };
    const picked = stepper.select(joined, Int32Array.of(1, 0, 1));
    expect(picked.rows).toBe(3);
    expect(picked.layers.lstm?.h.shape).toEqual([2, 3, 7]);
    const { logits, state } = await stepper.step(Int32Array.of(4, 5, 6), picked);
    const expected = await fullPass(model, [
      [...b, 4],
      [...a, 5],
      [...b, 6],
    ]);
    for (let row = 0; row < 3; row++) {
      expectClose(
        logits.slice(row * vocabulary, (row + 1) * vocabulary),
        expected[row]?.[3] as Float32Array,
      );
    }
    for (const s of [first.state, second.state, joined, picked, state]) stepper.release(s);
    model.dispose();
  });

  it('never frees or changes the state passed in', async () => {
    const model = await languageModel(models[1]?.[1] as Record<string, unknown>[]);
    const stepper = modelStepper(model);
    const { state } = await stepper.prefill(Int32Array.of(1, 2));
    const before = await Promise.all(Object.values(state.layers).map((s) => s.h.data()));
    const next = await stepper.step(Int32Array.of(3), state);
    const selected = stepper.select(state, Int32Array.of(0, 0));
    const after = await Promise.all(Object.values(state.layers).map((s) => s.h.data()));
    expect(after).toEqual(before);
    for (const s of [state, next.state, selected]) stepper.release(s);
    model.dispose();
  });
});

describe('modelStepper frees what it makes', () => {
  it('returns to the tensor baseline after 1,000 steps, select and release', async () => {
    const model = await languageModel(models[0]?.[1] as Record<string, unknown>[]);
    const stepper = modelStepper(model);
    const baseline = tf.memory().numTensors;
    let { logits, state } = await stepper.prefill(Int32Array.of(1, 2, 3));
    for (let i = 0; i < 1000; i++) {
      const token = logits.indexOf(Math.max(...logits));
      const next = await stepper.step(Int32Array.of(token), state);
      stepper.release(state);
      ({ logits, state } = next);
    }
    const wide = stepper.select(state, Int32Array.of(0, 0, 0));
    const stepped = await stepper.step(Int32Array.of(1, 2, 3), wide);
    const narrow = stepper.select(stepped.state, Int32Array.of(2));
    for (const s of [state, wide, stepped.state, narrow]) stepper.release(s);
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  it('frees its tensors when a call is refused', async () => {
    const model = await languageModel(models[0]?.[1] as Record<string, unknown>[]);
    const stepper = modelStepper(model);
    const { state } = await stepper.prefill(Int32Array.of(1));
    const baseline = tf.memory().numTensors;
    await expect(stepper.step(Int32Array.of(99), state)).rejects.toThrow();
    await expect(stepper.step(Int32Array.of(1, 2), state)).rejects.toThrow();
    expect(() => stepper.select(state, Int32Array.of(1))).toThrow();
    expect(tf.memory().numTensors).toBe(baseline);
    stepper.release(state);
    model.dispose();
  });
});

describe('modelStepper refuses what it cannot do, saying why', () => {
  it('bad calls', async () => {
    const model = await languageModel(models[0]?.[1] as Record<string, unknown>[]);
    const stepper = modelStepper(model);
    await expect(stepper.prefill(new Int32Array(0))).rejects.toThrow(
      'prefill needs a prompt of at least one token',
    );
    await expect(stepper.prefill(Int32Array.of(1, 13))).rejects.toThrow(
      'token id 13 at position 1 is outside the vocabulary of model "lm" (ids 0 to 12)',
    );
    await expect(stepper.prefill(Int32Array.of(-1))).rejects.toThrow('token id -1 at position 0');
    const { state } = await stepper.prefill(Int32Array.of(1));
    await expect(stepper.step(Int32Array.of(1, 2), state)).rejects.toThrow(
      'step got 2 tokens for a state of 1 rows',
    );
    expect(() => stepper.select(state, Int32Array.of(0, 1))).toThrow(
      'select rows[1] is 1; the state has rows 0 to 0',
    );
    expect(() => stepper.select(state, new Int32Array(0))).toThrow('at least one row');
    stepper.release(state);
    model.dispose();
  });

  it('models that cannot be decoded one token at a time', async () => {
    const bidirectional = await languageModel([
      { type: 'gru', hiddenSize: 4, bidirectional: true },
    ]);
    expect(() => modelStepper(bidirectional)).toThrow(
      'layer "gru" of model "lm" is bidirectional: its reverse direction reads the tokens after each position',
    );
    bidirectional.dispose();
    const pooled = await languageModel(
      [
        { type: 'gru', hiddenSize: 4 },
        { type: 'pool', mode: 'last' },
      ],
      'classification',
    );
    expect(() => modelStepper(pooled)).toThrow(
      'model "lm" gives one vector per sequence (layer "dense", dense), not scores at each position',
    );
    pooled.dispose();
    const numeric = await compile(
      {
        version: 1,
        name: 'numeric',
        task: 'feature-extraction',
        input: { features: 3 },
        layers: [{ type: 'gru', hiddenSize: 4 }],
        training: { optimizer: { type: 'adam' } },
      },
      { backend: 'cpu' },
    );
    expect(() => modelStepper(numeric)).toThrow(
      'model "numeric" does not read token ids (its first layer is not an embedding)',
    );
    numeric.dispose();
  });

  it('fused: true where the backend has no DecodeStep kernel; a fused value it does not know', async () => {
    const model = await languageModel(models[0]?.[1] as Record<string, unknown>[]);
    expect(() => modelStepper(model, { fused: true })).toThrow(
      'modelStepper: fused: true, but backend "cpu" registers no DecodeStep kernel (use fused: "auto" to decode through model.forward)',
    );
    expect(() => modelStepper(model, { fused: 'on' as unknown as boolean })).toThrow(
      'modelStepper: fused must be "auto", true or false, got "on"',
    );
    model.dispose();
  });
});
