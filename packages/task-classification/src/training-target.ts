// The classification model's loss, shared by the task's own thread and by data-parallel worker
// threads (through the plug-in's trainingTarget): cross-entropy over C logits, or PyTorch's
// binary recipe (BCEWithLogitsLoss on a single logit) for two labels.
import {
  binaryCrossEntropyWithLogits,
  compile,
  crossEntropy,
  type LossFunction,
  type Model,
  type ModelSpec,
  type Random,
  type TaskOptions,
  type TokenInputs,
  type TrainingTarget,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';

/** The loss a classification spec trains with. */
export type ClassificationLoss = 'cross-entropy' | 'bce-with-logits';

/**
 * `training.loss`, or by default bce-with-logits for a head of 1 unit and cross-entropy otherwise
 * (nll takes log-probabilities, which a linear head does not give: validation refuses it).
 */
export function classificationLossKind(spec: ModelSpec): ClassificationLoss {
  const loss = spec.training.loss;
  if (loss === 'cross-entropy' || loss === 'bce-with-logits') return loss;
  if (loss !== undefined) {
    throw new Error(`training.loss "${loss}" is not a classification loss here`);
  }
  const head = spec.layers?.at(-1);
  return head?.type === 'dense' && head.units === 1 ? 'bce-with-logits' : 'cross-entropy';
}

/** Serializable description of the task's model, sent to each worker thread. */
export interface ClassificationTargetConfig {
  spec: ModelSpec;
  vocabularySize: number;
  /** Units of an "auto" head: the label count (cross-entropy) or 1 (bce-with-logits). */
  outputSize: number;
}

/** The model's logits for token ids [B, T] with each row's real length. */
export function classificationLogits(
  model: Model,
  inputs: TokenInputs,
  random?: Random,
): tf.Tensor {
  return model.forward(inputs, {
    training: random !== undefined,
    ...(random ? { random } : {}),
  }).output;
}

/**
 * Log-probabilities [B, C] of every label from the logits: log-softmax over C logits, or for one
 * logit z (of the second label) [log σ(-z), log σ(z)] = [-softplus(z), -softplus(-z)].
 */
export function labelLogProbabilities(logits: tf.Tensor, kind: ClassificationLoss): tf.Tensor {
  if (kind === 'cross-entropy') return tf.logSoftmax(logits);
  return tf.concat([tf.neg(tf.softplus(logits)), tf.neg(tf.softplus(tf.neg(logits)))], 1);
}

/** Mean loss of the model's logits over the batch's rows (the spec's label smoothing for CE). */
export function classificationLoss(spec: ModelSpec): LossFunction {
  const kind = classificationLossKind(spec);
  const labelSmoothing = spec.training.labelSmoothing;
  return (model, batch, random) => {
    const logits = classificationLogits(model, batch.inputs as TokenInputs, random);
    if (kind === 'bce-with-logits') {
      // The one logit is that of the second label (labels are sorted): target 1 for it.
      return binaryCrossEntropyWithLogits(
        tf.reshape(logits, [-1]),
        tf.cast(batch.targets, 'float32'),
      );
    }
    return crossEntropy(logits, batch.targets, { labelSmoothing }) as tf.Scalar;
  };
}

/** In a data-parallel worker: the same model (fresh weights, synced by the workers) and loss. */
export async function classificationTrainingTarget(
  config: unknown,
  options: TaskOptions = {},
): Promise<TrainingTarget> {
  const c = config as ClassificationTargetConfig;
  const model = await compile(c.spec, {
    ...(options.backend ? { backend: options.backend } : {}),
    vocabularySize: c.vocabularySize,
    outputSize: c.outputSize,
  });
  return { model, loss: classificationLoss(c.spec) };
}
