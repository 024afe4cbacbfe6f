// What every layer of a compiled model is: named parameters and a forward function over tensors.
import type * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../init/random.js';
import type { InputDescription } from '../model/inputs.js';

/** A trainable tensor with its PyTorch-style name, "<layer>.<param>" (e.g. "lstm.weight_ih_l0"). */
export interface Parameter {
  readonly name: string;
  readonly variable: tf.Variable;
  /** false for frozen parameters (e.g. an embedding with trainable: false). */
  readonly trainable: boolean;
}

/** Final (or initial) state of a recurrent layer, shaped [numLayers * directions, B, H] as PyTorch. */
export interface RecurrentState {
  h: tf.Tensor;
  /** LSTM cell state. */
  c?: tf.Tensor;
}

/** What flows out of a layer: a sequence [B, T, F] or one vector per row [B, F]. */
export type FlowKind = 'tokens' | 'sequence' | 'vector';

export interface ForwardContext {
  /** Dropout is active only in training. */
  readonly training: boolean;
  /** Real length of each row of a padded batch, if the batch has padding. */
  readonly lengths: Int32Array | undefined;
  /** Source of dropout masks. */
  readonly random: Random;
  /** Initial states by recurrent layer name. */
  readonly initialStates: ReadonlyMap<string, RecurrentState>;
  /** Final states by recurrent layer name, filled in by recurrent layers. */
  readonly finalStates: Map<string, RecurrentState>;
  /**
   * The model's checked input tensors by name, for layers that read an input besides the one
   * flowing through them (the embedding's `characters`). Absent outside `Model.forward`.
   */
  readonly inputs?: ReadonlyMap<string, tf.Tensor>;
}

export interface Layer {
  readonly name: string;
  readonly type: string;
  readonly parameters: readonly Parameter[];
  /** What the layer consumes and produces. */
  readonly inputKind: FlowKind;
  readonly outputKind: FlowKind;
  /** Features per step (sequence) or per row (vector) of the output. */
  readonly outputSize: number;
  /** Model inputs the layer reads from the context, besides its input (they join `model.inputs`). */
  readonly extraInputs?: readonly InputDescription[];
  forward(input: tf.Tensor, context: ForwardContext): tf.Tensor;
}

/** "[B, T, 128]"-style description of a layer's output for summaries and errors. */
export function describeShape(kind: FlowKind, size: number): string {
  return kind === 'vector' ? `[B, ${size}]` : kind === 'tokens' ? '[B, T]' : `[B, T, ${size}]`;
}
