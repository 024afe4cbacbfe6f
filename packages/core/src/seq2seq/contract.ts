// The contract of encoder-decoder (translation) models, shared by the model (seq2seq-model.ts), its
// decoding (decode/seq2seq-stepper.ts) and the translation task. A compiled translation spec is a
// Seq2seqModel: a Model whose `forward` takes { source, sourceLengths?, target, targetLengths?,
// teacherForcing? } and returns the logits of every target step, so fit, data parallelism,
// checkpoints and model files serve it as any other model; `encode` and `step` expose the same
// computation one decoder step at a time for decoding.
//
// Conventions (PyTorch's translation tutorial, batch first):
// - `source` int32 [B, S]: source token ids, right-padded; `sourceLengths` the real lengths (≥ 1).
// - `target` int32 [B, T]: the decoder's input tokens, right-padded: the start token (bos) then the
//   reference shifted right (bos y1 … yn-1 for labels y1 … yn eos). Logits step i predicts the
//   label at i. `targetLengths` the real lengths; the loss is masked past them.
// - `teacherForcing` float32 [B, T], optional (absent: all 1): at step i > 0 a row reads target[:, i]
//   where it is 1, and its own greedy prediction from step i - 1 (argmax, no gradient) where it is
//   0. Step 0 always reads target[:, 0]. The task draws it (teacher-forcing.ts) so that a resumed
//   run draws the same choices and data-parallel parts split it by rows as any input.
// - Parameters are named as the PyTorch tutorial's modules: "encoder.<layer>.<param>" and
//   "decoder.<layer>.<param>" with the spec's layer names (e.g. encoder.embedding.weight,
//   encoder.gru.weight_ih_l0, decoder.gru.bias_hh_l0), the attention's "decoder.attention.Wa /
//   Ua / Va" (bahdanau), "decoder.attention.W" (luong-general), "decoder.attention.W / v"
//   (luong-concat), the Luong combination "decoder.combine", the bridge "decoder.bridge.h / c",
//   and the output projection "decoder.out".
import type * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../init/random.js';
import type { RecurrentState } from '../layers/layer.js';
import type { Lengths } from '../model/inputs.js';

/** A batch's source as the decoder attends to it (the encoder's work, done once per batch). */
export interface EncodedSource {
  readonly rows: number;
  /** Encoder outputs [rows, S, memorySize], zeros past each row's length. */
  readonly memory: tf.Tensor3D;
  /**
   * What the scores are computed against, precomputed once: Ua·memory for bahdanau, W·memory
   * for luong-general, memory itself for luong-dot (luong-concat: W_k·memory).
   */
  readonly keys: tf.Tensor3D;
  /** 1 at real source positions, 0 at padding [rows, S]: padded positions get exactly 0 weight. */
  readonly mask: tf.Tensor2D;
}

/** The decoder between steps. */
export interface DecoderState {
  readonly rows: number;
  /** The decoder's recurrent state: h (and c for LSTM) [numLayers, rows, hidden]. */
  readonly recurrent: RecurrentState;
  /** Luong input feeding: the previous attentional vector [rows, hidden]; absent otherwise. */
  readonly feed?: tf.Tensor2D;
}

export interface DecoderStep {
  /** Scores over the target vocabulary [rows, targetVocabulary]. */
  logits: tf.Tensor2D;
  /** This step's attention over the source [rows, S] (rows sum to 1; zeros with attention none). */
  attention: tf.Tensor2D;
  state: DecoderState;
}

export interface StepOptions {
  /** Dropout active (default false). */
  training?: boolean;
  random?: Random;
}

/** What decoding needs from an encoder-decoder model: the forward pass, one step at a time. */
export interface Seq2seqSteps {
  /** Size of the target vocabulary (the output projection's units). */
  readonly targetVocabularySize: number;
  /** Size of the source vocabulary (the encoder embedding's rows). */
  readonly sourceVocabularySize: number;
  /**
   * Runs the encoder on `source` int32 [B, S] and builds the decoder's initial state through the
   * bridge. The caller disposes both results' tensors.
   */
  encode(
    source: tf.Tensor,
    lengths?: Lengths,
    options?: StepOptions,
  ): { encoded: EncodedSource; initial: DecoderState };
  /**
   * One decoder step: reads `tokens` int32 [rows] from `state` and attends to `encoded` (the same
   * rows). Returns new tensors; nothing given is changed or freed.
   */
  step(
    encoded: EncodedSource,
    tokens: tf.Tensor,
    state: DecoderState,
    options?: StepOptions,
  ): DecoderStep;
}
