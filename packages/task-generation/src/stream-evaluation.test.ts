// Evaluation of a text as one stream with the state carried: the same as one forward pass over the
// whole text, whatever the chunk length, and different from resetting the state every window.
import '@recurrent/backend-cpu';
import { compile, Random, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { streamCrossEntropy } from './stream-evaluation.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const V = 12;

async function model() {
  return compile(
    {
      version: 1,
      name: 'stream',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim: 6 },
        { type: 'lstm', hiddenSize: 8, numLayers: 2 },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' }, seed: 3 },
    },
    { vocabularySize: V, outputSize: V },
  );
}

const random = new Random(9);
const ids = Int32Array.from({ length: 301 }, () => 4 + Math.floor(random.next() * (V - 4)));

describe('streamCrossEntropy', () => {
  it('equals one forward pass over the whole text, for any chunk length', async () => {
    const m = await model();
    const before = tf.memory().numTensors;
    // Independent: -sum log softmax at each next token, from a single pass over all 300 inputs.
    const whole = tf.tidy(() => {
      const out = m.forward({
        tokens: tf.tensor2d(ids.subarray(0, 300), [1, 300], 'int32'),
      }).output;
      const logp = tf.logSoftmax(tf.reshape(out, [300, V])).arraySync() as number[][];
      return logp.reduce((sum, row, t) => sum - (row[ids[t + 1] as number] as number), 0);
    });
    for (const chunk of [1, 7, 64, 256, 1000]) {
      const result = await streamCrossEntropy(m, ids, chunk);
      expect(result.tokens).toBe(300);
      expect(result.nats / whole).toBeCloseTo(1, 5);
    }
    // Resetting the state every 50 tokens is another (and here different) number.
    let reset = 0;
    for (let start = 0; start < 300; start += 50) {
      reset += (await streamCrossEntropy(m, ids.subarray(start, start + 51))).nats;
    }
    expect(Math.abs(reset - whole)).toBeGreaterThan(1e-3);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
