// The decoder's parts and one decoder step. A step reads one input vector per row (an embedded
// token) and the decoder state, attends to the encoded source, and returns the step's features
// (what the output projection reads), its attention weights and the new state:
//
//   combine "input" (Bahdanau, the PyTorch tutorial): the top layer's previous h queries the
//     source; the RNN reads [embedding; context]; features = the RNN's output.
//   combine "output" (Luong): the RNN reads the embedding (with input feeding [embedding; the
//     previous attentional vector], zeros at step 0); its new top h queries the source;
//     features = tanh(combine([context; h])), the attentional vector.
//   attention "none": the RNN reads the embedding; features = its output; weights are zeros.
//
// logits = out(dropout(features)), the dropout being the spec's layer after the recurrent one.
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../init/random.js';
import type { DenseLayer } from '../layers/dense.js';
import type { DropoutLayer } from '../layers/dropout.js';
import type { EmbeddingLayer } from '../layers/embedding.js';
import type { ForwardContext, Layer, RecurrentState } from '../layers/layer.js';
import type { RecurrentLayer } from '../layers/recurrent/recurrent-layer.js';
import { type Attention, applyLinear } from './attention.js';
import type { Bridge } from './bridge.js';
import type { DecoderState, EncodedSource } from './contract.js';
import { DecoderRecurrence, type RecurrenceWeights } from './decoder-recurrence.js';
import { maskedSoftmax } from './masked-softmax.js';
import { weightedSum } from './row-products.js';

export type Combine = 'input' | 'output';

export interface RunOptions {
  training: boolean;
  random: Random;
}

export interface StepResult {
  /** [B, F]: what the output projection reads. */
  features: tf.Tensor2D;
  /** [B, S] */
  attention: tf.Tensor2D;
  state: DecoderState;
}

export interface DecoderParts {
  embedding: EmbeddingLayer;
  /** Dropout between the embedding and the recurrent layer. */
  before: DropoutLayer | undefined;
  rnn: RecurrentLayer;
  /** Dropout after the recurrent layer, applied to the features before the projection. */
  after: DropoutLayer | undefined;
  /** undefined for attention "none". */
  attention: Attention | undefined;
  combine: Combine;
  inputFeeding: boolean;
  /** "decoder.combine": Linear([context; h] -> hidden) with tanh, for combine "output". */
  combineLayer: DenseLayer | undefined;
  bridge: Bridge;
  /** "decoder.out": features -> target vocabulary. */
  out: DenseLayer;
  /** The encoder's output size. */
  memorySize: number;
}

/** The step's input: embedded tokens [B, E], or their product with the embedding block of W_ih. */
export type StepInput = { embedded: tf.Tensor2D } | { embeddingTerm: tf.Tensor2D };

/** What a call of the decoder (a forward pass, a decoding step) computes once for all its steps. */
export interface DecoderCall {
  weights: RecurrenceWeights;
  /**
   * memory · W_cᵀ [B, S, G·H] (combine "input"), when precomputed: a step's context term is then
   * weights @ contextTerms, S·G·H per row instead of M·G·H.
   */
  contextTerms: tf.Tensor3D | undefined;
}

export function forwardContext(
  options: RunOptions,
  initial?: [string, RecurrentState],
): ForwardContext {
  return {
    training: options.training,
    lengths: undefined,
    random: options.random,
    initialStates: new Map(initial ? [initial] : []),
    finalStates: new Map(),
  };
}

export class Decoder {
  readonly embedding: EmbeddingLayer;
  readonly before: DropoutLayer | undefined;
  readonly rnn: RecurrentLayer;
  readonly after: DropoutLayer | undefined;
  readonly attention: Attention | undefined;
  readonly combine: Combine;
  readonly inputFeeding: boolean;
  readonly combineLayer: DenseLayer | undefined;
  readonly bridge: Bridge;
  readonly out: DenseLayer;
  readonly recurrence: DecoderRecurrence;

  constructor(parts: DecoderParts) {
    this.embedding = parts.embedding;
    this.before = parts.before;
    this.rnn = parts.rnn;
    this.after = parts.after;
    this.attention = parts.attention;
    this.combine = parts.combine;
    this.inputFeeding = parts.inputFeeding;
    this.combineLayer = parts.combineLayer;
    this.bridge = parts.bridge;
    this.out = parts.out;
    this.recurrence = new DecoderRecurrence(parts.rnn, {
      embedding: parts.embedding.outputSize,
      context: this.contextInInput ? parts.memorySize : 0,
      feed: parts.inputFeeding ? parts.rnn.hiddenSize : 0,
    });
  }

  /** Whether the RNN reads the context (combine "input" with attention). */
  get contextInInput(): boolean {
    return this.combine === 'input' && this.attention !== undefined;
  }

  /**
   * The call's weights. `precompute` (forward passes): layer 0's weight_ih split by input part,
   * and the context's projection for every source position; otherwise (one decoding step) the
   * step's input is concatenated and projected by the whole weight_ih.
   */
  prepare(encoded: EncodedSource, precompute: boolean): DecoderCall {
    const weights = this.recurrence.weights(precompute);
    const context = weights.blocks?.context;
    const contextTerms = context
      ? (tf.reshape(
          tf.matMul(tf.reshape(encoded.memory, [-1, context.shape[1]]), context, false, true),
          [encoded.rows, encoded.memory.shape[1], -1],
        ) as tf.Tensor3D)
      : undefined;
    return { weights, contextTerms };
  }

  /** Every layer with parameters or a role, in the order of the computation. */
  get layers(): Layer[] {
    return [
      this.embedding,
      ...(this.before ? [this.before] : []),
      this.rnn,
      ...(this.after ? [this.after] : []),
      ...(this.attention?.layers ?? []),
      ...(this.combineLayer ? [this.combineLayer] : []),
      ...this.bridge.layers,
      this.out,
    ];
  }

  get hiddenSize(): number {
    return this.rnn.hiddenSize;
  }

  /**
   * Whether a fully teacher-forced batch can run the recurrent layer over the whole target at
   * once: its input at each step must not depend on the step before (no context in the input, no
   * input feeding).
   */
  get wholeSequence(): boolean {
    return !this.inputFeeding && (this.combine === 'output' || this.attention === undefined);
  }

  /** The state before the first step, from the encoder's final state through the bridge. */
  initialState(encoderFinal: RecurrentState, rows: number): DecoderState {
    const recurrent = this.bridge.initial(encoderFinal, rows);
    return this.inputFeeding
      ? { rows, recurrent, feed: tf.zeros([rows, this.hiddenSize]) as tf.Tensor2D }
      : { rows, recurrent };
  }

  /** Embedded tokens [B, T] -> [B, T, E] (word dropout while training, as the embedding layer). */
  embed(tokens: tf.Tensor2D, options: RunOptions): tf.Tensor3D {
    return this.embedding.forward(tokens, forwardContext(options)) as tf.Tensor3D;
  }

  /** The spec's dropout between the embedding and the recurrent layer (identity at inference). */
  dropBefore(x: tf.Tensor, options: RunOptions): tf.Tensor {
    return this.before ? this.before.forward(x, forwardContext(options)) : x;
  }

  /** logits = out(dropout(features)) over [B, F] or [B, T, F]. */
  project(features: tf.Tensor, options: RunOptions): tf.Tensor {
    const dropped = this.after ? this.after.forward(features, forwardContext(options)) : features;
    return applyLinear(this.out, dropped);
  }

  /** Attention weights [B, Q, S] and contexts [B, Q, M] of queries [B, Q, H]. */
  attend(
    query: tf.Tensor3D,
    encoded: EncodedSource,
  ): { weights: tf.Tensor3D; context: tf.Tensor3D } | undefined {
    if (!this.attention) return undefined;
    const scores = this.attention.scores(query, encoded.keys);
    const weights = maskedSoftmax(scores, encoded.mask);
    return { weights, context: weightedSum(weights, encoded.memory) };
  }

  /** One step: `input` is the step's embedded tokens (after the dropout before the RNN). */
  step(
    input: StepInput,
    state: DecoderState,
    encoded: EncodedSource,
    call: DecoderCall,
    options: RunOptions,
  ): StepResult {
    const { weights } = call;
    const blocks = weights.blocks;
    const B = ('embeddingTerm' in input ? input.embeddingTerm : input.embedded).shape[0];
    const S = encoded.memory.shape[1];
    const H = this.hiddenSize;
    let alpha: tf.Tensor3D | undefined;
    if (this.contextInInput) {
      const query = tf.reshape(topLayer(state.recurrent.h), [B, 1, H]) as tf.Tensor3D;
      alpha = maskedSoftmax(
        (this.attention as Attention).scores(query, encoded.keys),
        encoded.mask,
      );
    }
    let xw: tf.Tensor2D;
    if (blocks) {
      xw =
        'embeddingTerm' in input
          ? input.embeddingTerm
          : (tf.matMul(input.embedded, blocks.embedding, false, true) as tf.Tensor2D);
      if (alpha) {
        const term = call.contextTerms
          ? weightedSum(alpha, call.contextTerms)
          : tf.matMul(
              tf.reshape(weightedSum(alpha, encoded.memory), [B, -1]),
              blocks.context as tf.Tensor2D,
              false,
              true,
            );
        xw = tf.add(xw, tf.reshape(term, [B, -1]));
      } else if (this.inputFeeding) {
        const feed = state.feed as tf.Tensor2D;
        xw = tf.add(xw, tf.matMul(feed, blocks.feed as tf.Tensor2D, false, true));
      }
    } else {
      if ('embeddingTerm' in input) {
        throw new Error('decoder step: a precomputed embedding term needs the split weights');
      }
      const parts: tf.Tensor[] = [input.embedded];
      if (alpha) parts.push(tf.reshape(weightedSum(alpha, encoded.memory), [B, -1]));
      else if (this.inputFeeding) parts.push(state.feed as tf.Tensor2D);
      const x = parts.length > 1 ? tf.concat(parts, 1) : (parts[0] as tf.Tensor);
      const wih = (weights.layers[0] as { wih: tf.Tensor2D }).wih;
      xw = tf.matMul(x as tf.Tensor2D, wih, false, true);
    }
    const { output, state: recurrent } = this.recurrence.step(
      xw,
      state.recurrent,
      weights,
      options,
    );
    let features = output;
    if (this.combine === 'output' && this.attention) {
      const attended = this.attend(tf.reshape(output, [B, 1, H]) as tf.Tensor3D, encoded);
      alpha = attended?.weights;
      const context = tf.reshape(attended?.context as tf.Tensor, [B, -1]);
      features = applyLinear(
        this.combineLayer as DenseLayer,
        tf.concat([context, output], 1),
      ) as tf.Tensor2D;
    }
    const attention = alpha
      ? (tf.reshape(alpha, [B, S]) as tf.Tensor2D)
      : (tf.zeros([B, S]) as tf.Tensor2D);
    const next: DecoderState = this.inputFeeding
      ? { rows: B, recurrent, feed: features }
      : { rows: B, recurrent };
    return { features, attention, state: next };
  }
}

/** The top layer's state [B, H] of a state [L, B, H]. */
export function topLayer(h: tf.Tensor): tf.Tensor2D {
  const [L, B, H] = h.shape as [number, number, number];
  if (L === 1) return tf.reshape(h, [B, H]) as tf.Tensor2D;
  return tf.reshape(tf.slice(h, [L - 1, 0, 0], [1, B, H]), [B, H]) as tf.Tensor2D;
}
