// What a data-parallel worker thread needs to train its rows of each batch exactly as the task
// does (see ClassificationTask.train's `threads`): the same model and the same loss.
import {
  compile,
  crossEntropy,
  type LossFunction,
  type Model,
  type ModelSpec,
} from '@recurrent/core';
import type * as tf from '@tensorflow/tfjs-core';

/** Serializable description of the task's model, sent to each worker thread. */
export interface ClassificationTargetConfig {
  spec: ModelSpec;
  vocabularySize: number;
  outputSize: number;
  backend: string;
}

/** Mean cross-entropy of the model's logits over the batch's rows, with the spec's smoothing. */
export function classificationLoss(labelSmoothing: number): LossFunction {
  return (model, batch, random) =>
    crossEntropy(
      model.forward(batch.inputs, {
        training: random !== undefined,
        ...(random ? { random } : {}),
      }).output,
      batch.targets,
      { labelSmoothing },
    ) as tf.Scalar;
}

/**
 * The factory a worker module passes to serveGradients from `@recurrent/core/node`:
 * `serveGradients(classificationTrainingTarget)`, after importing the backend packages it may use.
 */
export async function classificationTrainingTarget(
  config: unknown,
): Promise<{ model: Model; loss: LossFunction }> {
  const c = config as ClassificationTargetConfig;
  const model = await compile(c.spec, {
    backend: c.backend,
    vocabularySize: c.vocabularySize,
    outputSize: c.outputSize,
  });
  return { model, loss: classificationLoss(c.spec.training.labelSmoothing) };
}
