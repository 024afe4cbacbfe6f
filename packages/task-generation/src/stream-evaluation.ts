// Cross-entropy of a whole text under the model, read as one stream from a zero state, the state
// carried from chunk to chunk. Why carried: a model reset every window predicts the first tokens of
// each window with no context and scores worse than it is (1.726 against 1.680 nats per character
// for the Tiny Shakespeare reference model), and the figure would depend on the window length. As
// one stream, each token is predicted from everything before it, as generation will use the model,
// and the chunk length changes only the rounding.
import type { Model, States } from '@recurrent/core';
import { crossEntropy } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { nextTokenLogits } from './forward.js';

/** Tokens per forward pass: bounds the logits' memory ([chunk, vocabulary]), not the result. */
export const evaluationChunk = 256;

export interface StreamCrossEntropy {
  /** Sum of -ln p(token | everything before it), in nats. */
  nats: number;
  /** Tokens predicted: every token but the first. */
  tokens: number;
}

const stateTensors = (states: States | undefined): tf.Tensor[] =>
  Object.values(states ?? {}).flatMap((s) => (s.c ? [s.h, s.c] : [s.h]));

export async function streamCrossEntropy(
  model: Model,
  ids: Int32Array,
  chunk = evaluationChunk,
): Promise<StreamCrossEntropy> {
  let nats = 0;
  let carried: States | undefined;
  try {
    for (let start = 0; start < ids.length - 1; start += chunk) {
      const end = Math.min(start + chunk, ids.length - 1);
      const previous = carried;
      // tf.tidy keeps what it returns (nested objects included); its types know only tensors.
      const { sum, states } = tf.tidy(() => {
        const inputs = tf.tensor2d(ids.subarray(start, end), [1, end - start], 'int32');
        const targets = tf.tensor1d(ids.subarray(start + 1, end + 1), 'int32');
        const out = nextTokenLogits(model, inputs, { initialState: previous });
        const result = {
          sum: crossEntropy(out.logits, targets, { reduction: 'sum' }) as tf.Scalar,
          states: out.states,
        };
        return result as unknown as tf.TensorContainer;
      }) as unknown as { sum: tf.Scalar; states: States };
      carried = states;
      tf.dispose(stateTensors(previous));
      // Summed in float64 here: a long text's total would lose digits in float32.
      nats += (await sum.data())[0] as number;
      sum.dispose();
    }
  } finally {
    tf.dispose(stateTensors(carried));
  }
  return { nats, tokens: Math.max(0, ids.length - 1) };
}
