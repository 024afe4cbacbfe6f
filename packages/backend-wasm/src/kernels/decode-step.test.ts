// The wasm DecodeStep kernel keeps things between calls: weights transposed and packed and the
// first layer's input table (by their data), scratch memory (by model shape and batch). These tests change what those caches are keyed
// on and check the results against model.forward on one token (the stepper with fused: false).
// The kernel's results in general are checked by the conformance suite (conformance.test.ts).
import '@recurrent/backend-cpu';
import { compile, type Model, type ModelStepState, modelStepper } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../index.js';
import { expectClose } from '../../test/helpers.js';
import { setGateKernelsEnabled } from './gates/module.js';
import { hasInputTable } from './input-table.js';

function languageModel(
  hiddenSize: number,
  embeddingDim = 5,
  recurrent: Record<string, unknown> = { type: 'lstm' },
): Promise<Model> {
  return compile(
    {
      version: 1,
      name: 'lm',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim },
        { name: 'lstm', hiddenSize, numLayers: 2, ...recurrent },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' }, seed: 5 },
    },
    { backend: 'wasm', vocabularySize: 10, outputSize: 10 },
  );
}

function embeddingData(model: Model): tf.DataId {
  const embedding = model.parameters().find((p) => p.name === 'embedding.weight');
  if (!embedding) throw new Error('the model has no embedding.weight');
  return embedding.variable.dataId;
}

/** One step of each path from the same state (rows 0, 1, … of a one-row prompt's state). */
async function bothPaths(model: Model, tokens: Int32Array) {
  const fused = modelStepper(model, { fused: true });
  const ops = modelStepper(model, { fused: false });
  const first = await ops.prefill(Int32Array.of(1, 2, 3));
  const state: ModelStepState = ops.select(first.state, new Int32Array(tokens.length));
  const a = await fused.step(tokens, state);
  const b = await ops.step(tokens, state);
  for (const s of [first.state, state, a.state, b.state]) ops.release(s);
  return { fused: a.logits, ops: b.logits };
}

describe('the wasm DecodeStep kernel across calls', () => {
  it('sees new weights after an assignment (its transposes follow the data)', async () => {
    const model = await languageModel(6);
    const before = await bothPaths(model, Int32Array.of(4));
    expectClose(before.fused, before.ops, 5);
    for (const p of model.parameters()) {
      tf.tidy(() => p.variable.assign(tf.mul(p.variable, -1.5)));
    }
    const after = await bothPaths(model, Int32Array.of(4));
    expectClose(after.fused, after.ops, 5);
    expect(Math.abs((after.fused[0] as number) - (before.fused[0] as number))).toBeGreaterThan(
      1e-3,
    );
    model.dispose();
  });

  it('sees a new bias of the first layer (folded into its input table)', async () => {
    const model = await languageModel(6);
    const bias = model.parameters().find((p) => p.name === 'lstm.bias_hh_l0')?.variable;
    tf.tidy(() => bias?.assign(tf.add(bias, 0.75)));
    const after = await bothPaths(model, Int32Array.of(2, 7));
    expect(hasInputTable(embeddingData(model))).toBe(true);
    expectClose(after.fused, after.ops, 5);
    model.dispose();
  });

  it('runs a vocabulary too large for the input table (10 ids, embedding 2) through W_ih', async () => {
    const model = await languageModel(6, 2);
    const { fused, ops } = await bothPaths(model, Int32Array.of(9, 0, 4));
    expect(hasInputTable(embeddingData(model))).toBe(false);
    expectClose(fused, ops, 5);
    model.dispose();
  });

  it('gives the same results through many batch sizes and model shapes (scratch reused and dropped)', async () => {
    const models = await Promise.all([3, 4, 5].map((hidden) => languageModel(hidden)));
    for (const round of [0, 1]) {
      for (const model of models) {
        for (const batch of [1, 3, 2]) {
          const tokens = Int32Array.from({ length: batch }, (_, b) => (b * 3 + round) % 10);
          const { fused, ops } = await bothPaths(model, tokens);
          expectClose(fused, ops, 5);
        }
      }
    }
    for (const model of models) model.dispose();
  });

  it('allocates no tensor per step', async () => {
    const model = await languageModel(8);
    const stepper = modelStepper(model, { fused: true });
    let { logits, state } = await stepper.prefill(Int32Array.of(1));
    const baseline = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 200; i++) {
      const next = await stepper.step(Int32Array.of(logits.indexOf(Math.max(...logits))), state);
      stepper.release(state);
      ({ logits, state } = next);
    }
    expect(tf.memory().numTensors).toBe(baseline);
    expect(tf.memory().numBytes).toBe(bytes);
    stepper.release(state);
    model.dispose();
  });

  it('gives the same states and logits with the gates module as with core JavaScript loop', async () => {
    const cells = [
      { type: 'lstm' },
      { type: 'gru' },
      { type: 'rnn', nonlinearity: 'tanh' },
      { type: 'rnn', nonlinearity: 'relu' },
    ];
    for (const recurrent of cells) {
      // H = 7 (a four-lane block and a tail); 3 rows; 5 steps, each from the previous state.
      const model = await languageModel(7, 5, recurrent);
      const run = async (gates: boolean) => {
        setGateKernelsEnabled(gates);
        try {
          const stepper = modelStepper(model, { fused: true });
          let { state } = await stepper.prefill(Int32Array.of(1, 2));
          state = stepper.select(state, Int32Array.of(0, 0, 0));
          const logits: number[] = [];
          for (let i = 0; i < 5; i++) {
            const next = await stepper.step(Int32Array.of(i, (i + 3) % 10, 9), state);
            stepper.release(state);
            logits.push(...next.logits);
            state = next.state;
          }
          stepper.release(state);
          return Float32Array.from(logits);
        } finally {
          setGateKernelsEnabled(true);
        }
      };
      const withModule = await run(true);
      const javascript = await run(false);
      // float32 per operation against double rounded once (see gates/loops.test.ts).
      for (let k = 0; k < javascript.length; k++) {
        const e = javascript[k] as number;
        expect(
          Math.abs((withModule[k] as number) - e),
          `${recurrent.type} logit ${k}`,
        ).toBeLessThanOrEqual(1e-6 + 1.3e-6 * Math.abs(e));
      }
      model.dispose();
    }
  });
});
