// The forecaster's model and loss, shared by the task's own thread and data-parallel worker
// threads (the plug-in's trainingTarget): the spec (features resolved) compiled with the head's
// size, and the regression loss the spec names (mse by default, mae or huber) between the head's
// output [B, steps × targets] and the batch's targets, in model space (scaled, differenced).
import {
  compile,
  huberLoss,
  type LossFunction,
  type Model,
  type ModelInputs,
  type ModelSpec,
  maeLoss,
  mseLoss,
  type Random,
  type TaskOptions,
  type TrainingTarget,
} from '@recurrent/core';
import type * as tf from '@tensorflow/tfjs-core';

/** What a worker needs to build the task's model: sent as JSON. */
export interface ForecastingTargetConfig {
  /** The spec with forecasting.features and targets resolved. */
  spec: ModelSpec;
  /** The head's units: steps × targets (horizon × targets direct, targets recursive). */
  outputSize: number;
}

export type RegressionLossKind = 'mse' | 'mae' | 'huber';

/** The loss a forecasting spec trains with: training.loss, mse when absent. */
export function regressionLossKind(spec: ModelSpec): RegressionLossKind {
  const loss = spec.training.loss ?? 'mse';
  // The spec's semantic checks allow only these three for forecasting.
  return loss === 'mae' || loss === 'huber' ? loss : 'mse';
}

/** The forecaster of `config`, freshly initialized from the spec's seed. */
export function compileForecaster(
  config: ForecastingTargetConfig,
  backend?: string,
): Promise<Model> {
  return compile(config.spec, {
    ...(backend ? { backend } : {}),
    outputSize: config.outputSize,
  });
}

/** The head's output [B, steps × targets] for some windows; dropout on when `random` is given. */
export function headOutput(model: Model, inputs: ModelInputs, random?: Random): tf.Tensor {
  return model.forward(inputs, { training: random !== undefined, ...(random ? { random } : {}) })
    .output;
}

/**
 * The spec's regression loss, a mean over every value of the batch (rows × steps × targets), as
 * PyTorch's mean reduction: every row weighs the same, so data-parallel parts combine by rows.
 */
export function forecastingLoss(spec: ModelSpec): LossFunction {
  const kind = regressionLossKind(spec);
  const loss = kind === 'mae' ? maeLoss : kind === 'huber' ? huberLoss : mseLoss;
  return (model, batch, random) =>
    loss(headOutput(model, batch.inputs, random), batch.targets) as tf.Scalar;
}

/** One value's loss, for evaluation in plain numbers (huber with PyTorch's delta 1). */
export function pointLoss(kind: RegressionLossKind, difference: number): number {
  const a = Math.abs(difference);
  if (kind === 'mse') return difference * difference;
  if (kind === 'mae') return a;
  return a < 1 ? 0.5 * difference * difference : a - 0.5;
}

/** In a data-parallel worker: the same model (fresh weights, synced by the workers) and loss. */
export async function forecastingTrainingTarget(
  config: unknown,
  options: TaskOptions = {},
): Promise<TrainingTarget> {
  const c = config as ForecastingTargetConfig;
  const model = await compileForecaster(c, options.backend);
  return { model, loss: forecastingLoss(c.spec) };
}
