// @recurrent/task-classification: text classification from a classification spec, in any runtime
// (no node: imports; model folders and file readers are in "@recurrent/task-classification/node").
// Importing it registers the task with @recurrent/core, typed: `createTask(spec)` with task
// "classification" returns a ClassificationTask (aliases sentiment-analysis, text-classification).
import { registerTask } from '@recurrent/core';
import { classificationPlugin } from './plugin.js';

registerTask(classificationPlugin);

export {
  ClassificationTask,
  type Evaluation,
  LabelError,
  type LabelledTexts,
  type Prediction,
  type TrainOptions,
} from './classification-task.js';
export { classificationPlugin } from './plugin.js';
export { type EncodedText, TextEncoding, type TokenizerSpec } from './text-encoding.js';
export {
  type ClassificationLoss,
  type ClassificationTargetConfig,
  classificationLoss,
  classificationLossKind,
  classificationTrainingTarget,
  labelLogProbabilities,
} from './training-target.js';
export { type ValidationSplit, validationSplit } from './validation-split.js';
