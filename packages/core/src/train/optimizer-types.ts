// What every optimizer offers the training loop: one update from a map of gradients, at the
// optimizer's rate or at a scheduled one.
import * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../layers/layer.js';

export interface Optimizer {
  readonly lr: number;
  readonly stepCount: number;
  /** One update of every trainable parameter that has a gradient in `grads`. */
  step(grads: ReadonlyMap<Parameter, tf.Tensor>, lr?: number): void;
  /** Frees the optimizer's state tensors. */
  dispose(): void;
  /** The step count and state tensors (still owned by the optimizer), for checkpoints. */
  state(): OptimizerState;
  /** Replaces the state with a checkpoint's (the tensors are copied). */
  restore(parameters: readonly Parameter[], state: OptimizerState): void;
}

/** An optimizer's state for a checkpoint: its step count and every state tensor by name. */
export interface OptimizerState {
  step: number;
  /** "<parameter name>/<slot>" → tensor (e.g. "lstm.weight_hh_l0/m"). */
  slots: Map<string, tf.Tensor>;
}

/** Per-parameter state tensors under their slot names, flattened for a checkpoint. */
export function flattenSlots(
  states: ReadonlyMap<Parameter, Readonly<Record<string, tf.Tensor | undefined>>>,
): Map<string, tf.Tensor> {
  const slots = new Map<string, tf.Tensor>();
  for (const [parameter, record] of states) {
    for (const [slot, tensor] of Object.entries(record)) {
      if (tensor) slots.set(`${parameter.name}/${slot}`, tensor);
    }
  }
  return slots;
}

/**
 * The inverse of flattenSlots for `parameters`: copies of the checkpoint's tensors, grouped by
 * parameter. A slot for a parameter the model does not have is an error that names it.
 */
export function groupSlots(
  parameters: readonly Parameter[],
  slots: ReadonlyMap<string, tf.Tensor>,
): Map<Parameter, Record<string, tf.Tensor>> {
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const states = new Map<Parameter, Record<string, tf.Tensor>>();
  for (const [key, tensor] of slots) {
    const cut = key.lastIndexOf('/');
    const parameter = byName.get(key.slice(0, cut));
    if (!parameter)
      throw new Error(`optimizer state: "${key}" belongs to no parameter of this model`);
    if (tensor.shape.join() !== parameter.variable.shape.join()) {
      throw new Error(
        `optimizer state: "${key}" is [${tensor.shape.join(', ')}], the parameter is [${parameter.variable.shape.join(', ')}]`,
      );
    }
    const record = states.get(parameter) ?? {};
    record[key.slice(cut + 1)] = tf.clone(tensor);
    states.set(parameter, record);
  }
  return states;
}
