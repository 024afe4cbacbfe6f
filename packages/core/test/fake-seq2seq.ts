// A tiny hand-written encoder-decoder (Seq2seqSteps) for decoding tests that must not depend on the
// real Seq2seqModel: fixed tables, masked dot-product attention, a two-layer recurrent state with
// h and c, and an input feed, so every part of the state that row selection touches carries the
// row's history into its logits. Also a teacher-forced scorer that calls only encode and step
// (no row selection), the outside expectation for steppers and batched decoders.
import * as tf from '@tensorflow/tfjs-core';
import type {
  DecoderState,
  DecoderStep,
  EncodedSource,
  Seq2seqSteps,
} from '../src/seq2seq/contract.js';

const M = 3; // memory and hidden size

// Source embedding [7, 3] and target embedding [5, 3], written out so nothing is random.
const sourceTable = [
  [0.0, 0.0, 0.0],
  [0.9, -0.4, 0.2],
  [-0.7, 0.8, 0.1],
  [0.3, 0.5, -0.9],
  [-0.2, -0.6, 0.7],
  [1.1, 0.3, 0.4],
  [-0.5, -0.1, -0.8],
];
const targetTable = [
  [0.2, -0.3, 0.5],
  [-0.6, 0.4, 0.1],
  [0.8, 0.7, -0.2],
  [-0.1, -0.9, 0.6],
  [0.5, 0.2, 0.9],
];
// Output projection [3, 5] and bias [5].
const outTable = [
  [1.3, -0.7, 0.4, -1.1, 0.6],
  [-0.5, 1.2, -0.9, 0.3, 0.8],
  [0.7, 0.2, 1.0, -0.6, -1.2],
];
const outBias = [0.1, -0.4, 0.2, 0.0, -0.1];

export interface FakeSeq2seqOptions {
  /** keys are the memory tensor itself (as luong-dot): row selection must keep them one tensor. */
  keysAreMemory?: boolean;
  /** Throw from step on this call (1-based), to test cleanup. */
  failOnStep?: number;
  /** Called on each step (to abort a decoding from inside it). */
  onStep?: (count: number) => void;
}

export class FakeSeq2seq implements Seq2seqSteps {
  readonly sourceVocabularySize = sourceTable.length;
  readonly targetVocabularySize = targetTable.length;
  steps = 0;
  encodes = 0;
  readonly #options: FakeSeq2seqOptions;

  constructor(options: FakeSeq2seqOptions = {}) {
    this.#options = options;
  }

  encode(
    source: tf.Tensor,
    lengths?: readonly number[] | Int32Array | tf.Tensor,
  ): { encoded: EncodedSource; initial: DecoderState } {
    this.encodes++;
    const [B, S] = source.shape as [number, number];
    const lens =
      lengths === undefined
        ? new Array<number>(B).fill(S)
        : lengths instanceof tf.Tensor
          ? Array.from(lengths.dataSync())
          : Array.from(lengths);
    return tf.tidy(() => {
      const maskValues = lens.flatMap((n) => Array.from({ length: S }, (_, s) => (s < n ? 1 : 0)));
      const mask = tf.tensor2d(maskValues, [B, S], 'float32');
      const embedded = tf.gather(tf.tensor2d(sourceTable), source);
      // A running sum along the source, so a row's memory depends on its earlier tokens too.
      const memory = tf.mul(tf.tanh(tf.cumsum(embedded, 1)), tf.expandDims(mask, 2)) as tf.Tensor3D;
      const keys = this.#options.keysAreMemory ? memory : (tf.mul(memory, 2) as tf.Tensor3D);
      const mean = tf.div(tf.sum(memory, 1), tf.expandDims(tf.tensor1d(lens), 1));
      const h = tf.stack([tf.tanh(mean), tf.tanh(tf.mul(mean, -0.5))]);
      const c = tf.mul(h, 0.3);
      const feed = tf.zeros([B, M]);
      return {
        encoded: { rows: B, memory, keys, mask },
        initial: { rows: B, recurrent: { h, c }, feed },
      } as unknown as tf.TensorContainer;
    }) as unknown as { encoded: EncodedSource; initial: DecoderState };
  }

  step(encoded: EncodedSource, tokens: tf.Tensor, state: DecoderState): DecoderStep {
    this.steps++;
    this.#options.onStep?.(this.steps);
    if (this.steps === this.#options.failOnStep) throw new Error('fake step failed on purpose');
    return tf.tidy(() => {
      const rows = tokens.shape[0] as number;
      const e = tf.gather(tf.tensor2d(targetTable), tokens);
      const [h0, h1] = tf.unstack(state.recurrent.h) as [tf.Tensor2D, tf.Tensor2D];
      const [c0, c1] = tf.unstack(state.recurrent.c as tf.Tensor) as [tf.Tensor2D, tf.Tensor2D];
      const feed = state.feed as tf.Tensor2D;
      // Attention of the top layer's h over the keys, masked.
      const scores = tf.squeeze(tf.matMul(encoded.keys, tf.expandDims(h1, 2)), [2]);
      const masked = tf.add(scores, tf.mul(tf.sub(1, encoded.mask), -1e9));
      const attention = tf.mul(tf.softmax(masked), encoded.mask) as tf.Tensor2D;
      const context = tf.squeeze(tf.matMul(tf.expandDims(attention, 1), encoded.memory), [1]);
      const n0 = tf.tanh(tf.addN([tf.mul(h0, 0.6), e, tf.mul(feed, 0.4)]));
      const n1 = tf.tanh(tf.addN([tf.mul(h1, 0.5), n0, context]));
      const m0 = tf.add(tf.mul(c0, 0.9), tf.mul(n0, 0.1));
      // The top layer's c grows every step (at a rate each row's history sets) and pushes the end
      // token up, so rows end after different numbers of steps.
      const m1 = tf.add(c1, tf.mul(tf.add(n1, 1), 0.1));
      const nextFeed = tf.tanh(tf.add(n1, context));
      const endColumn = tf.tensor2d([[0, 5, 0, 0, 0]]);
      const logits = tf.add(
        tf.add(
          tf.matMul(tf.addN([n1, tf.mul(tf.tanh(m1), 2), nextFeed]), tf.tensor2d(outTable)),
          tf.tensor1d(outBias),
        ),
        tf.mul(tf.sub(tf.sum(m1, 1, true), 1.2), endColumn),
      ) as tf.Tensor2D;
      return {
        logits: tf.mul(logits, 2),
        attention,
        state: {
          rows,
          recurrent: { h: tf.stack([n0, n1]), c: tf.stack([m0, m1]) },
          feed: nextFeed,
        },
      } as unknown as tf.TensorContainer;
    }) as unknown as DecoderStep;
  }
}

/**
 * The model's logits at each position of `tokens` (decoder inputs, start token first) for one
 * source, read by calling encode once and step once per token on one row: no row selection.
 */
export async function teacherForcedLogits(
  model: Seq2seqSteps,
  source: readonly number[],
  tokens: readonly number[],
): Promise<Float32Array[]> {
  const input = tf.tensor2d([source as number[]], [1, source.length], 'int32');
  const { encoded, initial } = model.encode(input, [source.length]);
  input.dispose();
  let state = initial;
  const out: Float32Array[] = [];
  for (const token of tokens) {
    const t = tf.tensor1d([token], 'int32');
    const step = model.step(encoded, t, state);
    t.dispose();
    out.push((await step.logits.data()) as Float32Array);
    tf.dispose([step.logits, step.attention, ...stateTensors(state)]);
    state = step.state;
  }
  tf.dispose([encoded.memory, encoded.keys, encoded.mask, ...stateTensors(state)]);
  return out;
}

function stateTensors(state: DecoderState): tf.Tensor[] {
  const { h, c } = state.recurrent;
  return [h, ...(c ? [c] : []), ...(state.feed ? [state.feed] : [])];
}

/** log softmax in float64 of one row of logits. */
export function logSoftmax64(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const sum = logits.reduce((acc, x) => acc + Math.exp(x - max), 0);
  return Array.from(logits, (x) => x - max - Math.log(sum));
}

/**
 * Summed log-probability of `output` (end token included when given) after `start`, scored
 * teacher-forced.
 */
export async function sequenceLogProbability(
  model: Seq2seqSteps,
  source: readonly number[],
  start: number,
  output: readonly number[],
): Promise<number> {
  const logits = await teacherForcedLogits(model, source, [start, ...output.slice(0, -1)]);
  return output.reduce(
    (sum, token, i) => sum + (logSoftmax64(logits[i] as Float32Array)[token] as number),
    0,
  );
}
