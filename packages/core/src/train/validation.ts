// Validation of an epoch's record: the task's metrics (validationMetrics, whose "loss" is the
// validation loss) and otherwise the mean loss over the validation batches, dropout off.
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/model.js';
import { batchTensors } from './batch.js';
import type { EpochRecord, LossFunction, TrainingData } from './types.js';

export interface ValidationSettings {
  data?: TrainingData | undefined;
  metrics?: ((model: Model) => Promise<Record<string, number>>) | undefined;
  loss: LossFunction;
}

/** Whether there is anything to validate on. */
export const validates = (settings: ValidationSettings): boolean =>
  Boolean(settings.data || settings.metrics);

/** Fills in the record's validation loss and metrics for the model's current weights. */
export async function validate(
  model: Model,
  record: EpochRecord,
  settings: ValidationSettings,
): Promise<void> {
  if (settings.metrics) {
    const { loss, ...metrics } = await settings.metrics(model);
    record.metrics = metrics;
    if (loss !== undefined) record.validationLoss = loss;
  }
  if (settings.data && record.validationLoss === undefined)
    record.validationLoss = await meanLoss(model, settings.data, settings.loss);
}

/** The mean of the loss over every batch of `data`, dropout off. */
export async function meanLoss(
  model: Model,
  data: TrainingData,
  loss: LossFunction,
): Promise<number> {
  let total = 0;
  for (let i = 0; i < data.batchCount; i++) {
    const batch = data.batch(i);
    const value = tf.tidy(() => loss(model, batch, undefined));
    total += (await value.data())[0] as number;
    tf.dispose([value, ...batchTensors(batch)]);
  }
  return total / Math.max(1, data.batchCount);
}
