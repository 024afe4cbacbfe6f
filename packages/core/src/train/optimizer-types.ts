// What every optimizer offers the training loop: one update from a map of gradients, at the
// optimizer's rate or at a scheduled one.
import type * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../layers/layer.js';

export interface Optimizer {
  readonly lr: number;
  readonly stepCount: number;
  /** One update of every trainable parameter that has a gradient in `grads`. */
  step(grads: ReadonlyMap<Parameter, tf.Tensor>, lr?: number): void;
  /** Frees the optimizer's state tensors. */
  dispose(): void;
}
