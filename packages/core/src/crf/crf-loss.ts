// The CRF tagger's training loss: the negative log-likelihood of each sentence's gold tag path,
// summed over the batch and divided by its real tokens (a token mean, as the softmax tagger's, so
// a learning rate carries over and data-parallel parts weigh by their lengths).
import * as tf from '@tensorflow/tfjs-core';
import type { Lengths } from '../model/inputs.js';
import type { Model } from '../model/model.js';
import type { LossFunction } from '../train/types.js';
import { crfLayerOf } from './crf-layer.js';
import { crfLogPartition, crfPathScore } from './forward-algorithm.js';
import type { AllowedTransitions } from './tag-scheme.js';

/** Each row's real length; absent lengths mean every row fills the time axis. */
function batchLengths(lengths: Lengths | undefined, batch: number, time: number): Int32Array {
  if (lengths === undefined) return new Int32Array(batch).fill(time);
  if (lengths instanceof tf.Tensor) return Int32Array.from(lengths.dataSync() as ArrayLike<number>);
  return Int32Array.from(lengths);
}

/**
 * Negative log-likelihood: sum over rows / total real tokens. The batch's inputs go to the model
 * (`lengths` among them), `targets` are the gold tag ids int32 [B, T] (padded positions ignored).
 */
export function crfLoss(allowed?: AllowedTransitions): LossFunction {
  return (model: Model, batch, random) => {
    const crf = crfLayerOf(model);
    if (!crf) {
      throw new Error(
        `crfLoss: model "${model.spec.name}" has no CRF layer (a tagging spec with "tagging": {"output": "crf"} adds one)`,
      );
    }
    return tf.tidy(() => {
      const emissions = model.forward(batch.inputs, {
        training: random !== undefined,
        ...(random ? { random } : {}),
      }).output;
      const [rows, time] = emissions.shape as [number, number, number];
      const lengths = batchLengths(batch.inputs.lengths as Lengths | undefined, rows, time);
      const logZ = crfLogPartition(emissions, lengths, crf, allowed);
      const gold = crfPathScore(emissions, batch.targets, lengths, crf, allowed);
      const tokens = lengths.reduce((sum, n) => sum + n, 0);
      return tf.div(tf.sum(tf.sub(logZ, gold)), tokens) as tf.Scalar;
    });
  };
}
