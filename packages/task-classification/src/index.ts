// @recurrent/task-classification: text classification from a classification spec.
export {
  ClassificationTask,
  type Evaluation,
  LabelError,
  type LabelledTexts,
  type Prediction,
  type TrainOptions,
} from './classification-task.js';
export { type EncodedText, TextEncoding, type TokenizerSpec } from './text-encoding.js';
