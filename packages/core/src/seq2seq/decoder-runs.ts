// The decoder over a whole target batch, three ways that compute the same function:
//
// - wholeSequence: fully teacher-forced, and the RNN's input does not depend on the previous step
//   (combine "output" without input feeding, or no attention): the recurrent layer runs over the
//   whole target at once (its fused time loop), then attention over all steps in one batch.
// - teacherForcedSteps: fully teacher-forced otherwise (combine "input", input feeding): a step
//   loop, with the embeddings of all target tokens gathered once and the output projection done
//   once over all steps ([B·T, F] x [F, V]).
// - mixedSteps: some rows read their own greedy prediction at some steps (a teacher-forcing mask
//   with zeros): a step loop that projects each step, since the next input depends on it.
import * as tf from '@tensorflow/tfjs-core';
import type { DecoderState, EncodedSource } from './contract.js';
import { type Decoder, forwardContext, type RunOptions, type StepResult } from './decoder.js';
import type { InputBlocks } from './decoder-recurrence.js';
import { greedyEmbedding } from './greedy-embedding.js';

export interface DecoderRun {
  /** [B, T, V] */
  logits: tf.Tensor3D;
  /** [B, T, S] */
  attention: tf.Tensor3D;
  /** After the last step. */
  state: DecoderState;
}

/** The fastest way to run `decoder` over a fully teacher-forced `target` [B, T]. */
export function teacherForced(
  decoder: Decoder,
  target: tf.Tensor2D,
  encoded: EncodedSource,
  initial: DecoderState,
  options: RunOptions,
): DecoderRun {
  return decoder.wholeSequence
    ? wholeSequence(decoder, target, encoded, initial, options)
    : teacherForcedSteps(decoder, target, encoded, initial, options);
}

export function wholeSequence(
  decoder: Decoder,
  target: tf.Tensor2D,
  encoded: EncodedSource,
  initial: DecoderState,
  options: RunOptions,
): DecoderRun {
  const [B, T] = target.shape;
  const S = encoded.memory.shape[1];
  const embedded = decoder.dropBefore(decoder.embed(target, options), options);
  const context = forwardContext(options, [decoder.rnn.name, initial.recurrent]);
  const outputs = decoder.rnn.forward(embedded, context) as tf.Tensor3D;
  const recurrent = context.finalStates.get(decoder.rnn.name) as DecoderState['recurrent'];
  const attended = decoder.attend(outputs, encoded);
  let features: tf.Tensor = outputs;
  if (attended && decoder.combineLayer) {
    features = decoder.combineLayer.forward(tf.concat([attended.context, outputs], 2), context);
  }
  return {
    logits: decoder.project(features, options) as tf.Tensor3D,
    attention: attended?.weights ?? (tf.zeros([B, T, S]) as tf.Tensor3D),
    state: { rows: B, recurrent },
  };
}

/** Step i's rows of a batch-first [B, T, E] tensor, as [B, E]. */
function stepOf(x: tf.Tensor3D, i: number): tf.Tensor2D {
  const [B, , E] = x.shape;
  return tf.reshape(tf.slice(x, [0, i, 0], [B, 1, E]), [B, E]) as tf.Tensor2D;
}

export function teacherForcedSteps(
  decoder: Decoder,
  target: tf.Tensor2D,
  encoded: EncodedSource,
  initial: DecoderState,
  options: RunOptions,
): DecoderRun {
  const [B, T] = target.shape;
  const embedded = decoder.dropBefore(decoder.embed(target, options), options) as tf.Tensor3D;
  const call = decoder.prepare(encoded, true);
  // Every step's embedding term in one product, time-major so that a step's rows are contiguous.
  const E = embedded.shape[2];
  const timeMajor = tf.reshape(tf.transpose(embedded, [1, 0, 2]), [T * B, E]);
  const blocks = call.weights.blocks as InputBlocks;
  const terms = tf.matMul(timeMajor, blocks.embedding, false, true) as tf.Tensor2D;
  const GH = terms.shape[1];
  const steps: StepResult[] = [];
  let state = initial;
  for (let i = 0; i < T; i++) {
    const embeddingTerm = tf.slice(terms, [i * B, 0], [B, GH]) as tf.Tensor2D;
    const step = decoder.step({ embeddingTerm }, state, encoded, call, options);
    steps.push(step);
    state = step.state;
  }
  const features = tf.stack(
    steps.map((s) => s.features),
    1,
  );
  return {
    logits: decoder.project(features, options) as tf.Tensor3D,
    attention: tf.stack(
      steps.map((s) => s.attention),
      1,
    ) as tf.Tensor3D,
    state,
  };
}

/**
 * `forced` [B · T] (row-major, 1 or 0): at step i > 0 row b reads target[b, i] where
 * forced[b · T + i] is 1, else the greedy prediction of its step i − 1.
 */
export function mixedSteps(
  decoder: Decoder,
  target: tf.Tensor2D,
  forced: Float32Array,
  encoded: EncodedSource,
  initial: DecoderState,
  options: RunOptions,
): DecoderRun {
  const [B, T] = target.shape;
  const embedded = decoder.embed(target, options);
  const table = decoder.embedding.weight.variable as unknown as tf.Tensor2D;
  const paddingIdx = decoder.embedding.spec.paddingIdx;
  const logits: tf.Tensor2D[] = [];
  const attention: tf.Tensor2D[] = [];
  const call = decoder.prepare(encoded, true);
  let state = initial;
  for (let i = 0; i < T; i++) {
    let x = stepOf(embedded, i);
    const column = Float32Array.from({ length: B }, (_, b) => forced[b * T + i] as number);
    if (i > 0 && column.some((f) => f === 0)) {
      const m = tf.tensor2d(column, [B, 1]);
      const predicted = greedyEmbedding(logits[i - 1] as tf.Tensor2D, table, paddingIdx);
      x = tf.add(tf.mul(m, x), tf.mul(tf.sub(1, m), predicted)) as tf.Tensor2D;
    }
    const dropped = decoder.dropBefore(x, options) as tf.Tensor2D;
    const step = decoder.step({ embedded: dropped }, state, encoded, call, options);
    logits.push(decoder.project(step.features, options) as tf.Tensor2D);
    attention.push(step.attention);
    state = step.state;
  }
  return {
    logits: tf.stack(logits, 1) as tf.Tensor3D,
    attention: tf.stack(attention, 1) as tf.Tensor3D,
    state,
  };
}
