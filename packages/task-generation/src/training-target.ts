// The language model's training loss, for fit on this thread and for data-parallel workers: the
// mean cross-entropy of every next token of a batch of streams (with the spec's label smoothing),
// from the states the previous batch ended with, returning the states this one ends with.
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

/** The token ids of a batch of streams (built by streams.ts as `{ tokens }`). */
const tokensOf = (batch: Batch): tf.Tensor => batch.inputs.tokens as tf.Tensor;

/**
 * One chunk of every stream, from the states the previous chunk ended with (zeros at an epoch's
 * start). The mean over the chunk's tokens: every row has as many, so it is also the mean over
 * rows of each row's mean, which data-parallel workers rely on to combine their parts.
 */
export function chunkLoss(labelSmoothing: number): ChunkLossFunction {
  return (model, chunk, random, initialState) => {
    const { logits, states } = nextTokenLogits(model, tokensOf(chunk), { random, initialState });
    return {
      loss: crossEntropy(logits, chunk.targets, { labelSmoothing }) as tf.Scalar,
      states,
    };
  };
}

/**
 * The same from zero states: the LossFunction core's contract asks of every task besides the
 * chunk loss (training carries the state, so it uses chunkLoss only).
 */
export function zeroStateLoss(labelSmoothing: number): LossFunction {
  return (model, batch, random) =>
    crossEntropy(nextTokenLogits(model, tokensOf(batch), { random }).logits, batch.targets, {
      labelSmoothing,
    }) as tf.Scalar;
}

/** What a data-parallel worker needs to build the same model and loss: sent as JSON. */
export interface GenerationTargetConfig {
  spec: ModelSpec;
  vocabularySize: number;
}

/** The model and losses of a worker, from the config the task hands to its ParallelFactory. */
export async function generationTrainingTarget(
  config: unknown,
  options: { backend?: string } = {},
): Promise<{ model: Model; loss: LossFunction; chunkLoss: ChunkLossFunction }> {
  const c = config as GenerationTargetConfig;
  const model = await compile(c.spec, {
    ...(options.backend ? { backend: options.backend } : {}),
    vocabularySize: c.vocabularySize,
    outputSize: c.vocabularySize,
  });
  const smoothing = c.spec.training.labelSmoothing;
  return { model, loss: zeroStateLoss(smoothing), chunkLoss: chunkLoss(smoothing) };
}
