// The language model's training loss, for fit on this thread and for data-parallel workers: the
// mean cross-entropy of every next token of a batch of windows (with the spec's label smoothing),
// whole or, for truncated BPTT, chunk by chunk with the state carried.
import {
  type Batch,
  type ChunkLossFunction,
  compile,
  crossEntropy,
  type LossFunction,
  type Model,
  type ModelSpec,
} from '@recurrent/core';
import type * as tf from '@tensorflow/tfjs-core';
import { nextTokenLogits } from './forward.js';

/** The token ids of a batch of windows (built by windows.ts as `{ tokens }`). */
const tokensOf = (batch: Batch): tf.Tensor => batch.inputs.tokens as tf.Tensor;

/**
 * Mean over the batch's tokens. Every row has the same number of tokens, so it is also the mean
 * over rows of each row's mean, which data-parallel workers rely on to combine their parts.
 */
export function windowLoss(labelSmoothing: number): LossFunction {
  return (model, batch, random) =>
    crossEntropy(nextTokenLogits(model, tokensOf(batch), { random }).logits, batch.targets, {
      labelSmoothing,
    }) as tf.Scalar;
}

/** One chunk of a batch (training.truncatedBptt), from the states the previous chunk ended with. */
export function chunkLoss(labelSmoothing: number): ChunkLossFunction {
  return (model, chunk, random, initialState) => {
    const { logits, states } = nextTokenLogits(model, tokensOf(chunk), { random, initialState });
    return {
      loss: crossEntropy(logits, chunk.targets, { labelSmoothing }) as tf.Scalar,
      states,
    };
  };
}

/** What a data-parallel worker needs to build the same model and loss: sent as JSON. */
export interface GenerationTargetConfig {
  spec: ModelSpec;
  vocabularySize: number;
}

/** The model and loss of a worker, from the config the task hands to its ParallelFactory. */
export async function generationTrainingTarget(
  config: unknown,
  options: { backend?: string } = {},
): Promise<{ model: Model; loss: LossFunction }> {
  const c = config as GenerationTargetConfig;
  const model = await compile(c.spec, {
    ...(options.backend ? { backend: options.backend } : {}),
    vocabularySize: c.vocabularySize,
    outputSize: c.vocabularySize,
  });
  return { model, loss: windowLoss(c.spec.training.labelSmoothing) };
}
