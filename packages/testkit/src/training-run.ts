// A short real training run: a character LSTM on the first 16 KB of Tiny Shakespeare, with Adam.
// The loss must fall from ln(vocabulary) to the suite's stated target on every backend.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Adam, compile, crossEntropyWithLogits, parameterGradients, Random } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';

const text = readFileSync(join(import.meta.dirname, '../data/tinyshakespeare/slice.txt'), 'utf8');
const alphabet = [...new Set(text)].sort();
const ids = Int32Array.from(text, (ch) => alphabet.indexOf(ch));

export const trainingRun = { steps: 40, batch: 8, window: 32, lr: 0.01 };

export interface TrainingReport {
  firstLoss: number;
  /** Mean loss of the last five steps. */
  finalLoss: number;
  leaked: number;
}

/** Random windows of the text (inputs and next characters), the same on every backend. */
function batch(random: Random): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const { batch: B, window: T } = trainingRun;
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = Math.floor(random.uniform(0, ids.length - T - 1));
    x.set(ids.subarray(start, start + T), b * T);
    y.set(ids.subarray(start + 1, start + T + 1), b * T);
  }
  return { x: tf.tensor2d(x, [B, T], 'int32'), y: tf.tensor1d(y, 'int32') };
}

export async function trainCharModel(backend: string): Promise<TrainingReport> {
  const V = alphabet.length;
  const model = await compile(
    {
      version: 1,
      name: 'conformance-char-lstm',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim: 16 },
        { type: 'lstm', hiddenSize: 64 },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' }, seed: 3 },
    },
    { backend, vocabularySize: V, outputSize: V },
  );
  const before = tf.memory().numTensors;
  const adam = new Adam({ lr: trainingRun.lr });
  const random = new Random(17);
  const losses: number[] = [];
  for (let step = 0; step < trainingRun.steps; step++) {
    const { x, y } = batch(random);
    const { value, grads } = parameterGradients(model.parameters(), () => {
      const logits = model.forward({ tokens: x }, { training: true }).output;
      return crossEntropyWithLogits(tf.reshape(logits, [-1, V]), y);
    });
    adam.step(grads);
    losses.push((await value.data())[0] as number);
    tf.dispose([x, y, value, ...grads.values()]);
  }
  adam.dispose();
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  const last = losses.slice(-5);
  return {
    firstLoss: losses[0] as number,
    finalLoss: last.reduce((a, b) => a + b, 0) / last.length,
    leaked,
  };
}
