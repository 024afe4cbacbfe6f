// @recurrent/task-forecasting: time-series forecasting from a forecasting spec. Importing it
// registers the task with @recurrent/core, typed: `createTask(spec)` with task "forecasting"
// returns a ForecastingTask (alias time-series-forecasting). Browser-safe: no node: imports here
// (the CSV series reader is in ./node).
import { registerTask } from '@recurrent/core';
import { forecastingPlugin } from './plugin.js';

registerTask(forecastingPlugin);

export {
  shuffledOrder,
  trainingBatches,
  windowInputs,
  windowTargets,
} from './batches.js';
export * from './contract.js';
export * from './forecasting-settings.js';
export {
  ForecastingTask,
  type ForecastTrainOptions,
  type ForecastTrainResult,
} from './forecasting-task.js';
export { forecastingCommandLine, forecastingPlugin } from './plugin.js';
export * from './series-check.js';
export * from './series-transform.js';
export * from './series-windows.js';
export * from './split.js';
export {
  compileForecaster,
  type ForecastingTargetConfig,
  forecastingLoss,
  forecastingTrainingTarget,
  type RegressionLossKind,
  regressionLossKind,
} from './training-target.js';
