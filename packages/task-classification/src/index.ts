// @recurrent/task-classification: text classification from a classification spec. Importing it
// registers the task with @recurrent/core (createTask, aliases sentiment-analysis and
// text-classification).
import { registerTask } from '@recurrent/core';
import { ClassificationTask } from './classification-task.js';

registerTask({
  name: 'classification',
  aliases: ['sentiment-analysis', 'text-classification'],
  create: (spec, options) => ClassificationTask.create(spec, options),
  load: (dir, options) => ClassificationTask.load(dir, options),
});

export {
  ClassificationTask,
  type Evaluation,
  LabelError,
  type LabelledTexts,
  type Prediction,
  type TrainOptions,
} from './classification-task.js';
export { type EncodedText, TextEncoding, type TokenizerSpec } from './text-encoding.js';
export {
  type ClassificationTargetConfig,
  classificationLoss,
  classificationTrainingTarget,
} from './training-target.js';
