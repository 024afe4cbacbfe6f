// The one place this package runs the model: token ids [B, T] in, next-token logits [B * T, V] and
// the final recurrent states out. Windows of a token stream have no padding, so no lengths.
import type { Model, Random, States } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';

export interface NextTokenOptions {
  /** Dropout masks are drawn from `random` while training; no dropout otherwise. */
  random?: Random | undefined;
  /** States to start from (a previous chunk's final states); zeros when absent. */
  initialState?: States | undefined;
}

export interface NextTokenLogits {
  /** [B * T, V]: row b * T + t scores the token after position t of row b. */
  logits: tf.Tensor2D;
  states: States;
}

export function nextTokenLogits(
  model: Model,
  tokens: tf.Tensor,
  options: NextTokenOptions = {},
): NextTokenLogits {
  const result = model.forward(
    { tokens },
    {
      training: options.random !== undefined,
      ...(options.random ? { random: options.random } : {}),
      ...(options.initialState ? { initialState: options.initialState } : {}),
    },
  );
  const vocabularySize = result.output.shape[result.output.rank - 1] as number;
  // Callers run this inside tf.tidy (or a gradient tape), which frees the 3-D output.
  const logits = tf.reshape(result.output, [-1, vocabularySize]) as tf.Tensor2D;
  return { logits, states: result.states };
}
