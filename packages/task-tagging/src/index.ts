// @recurrent/task-tagging: sequence tagging (part of speech, named entities, slots) from a tagging
// spec. Importing it registers the task with @recurrent/core, typed: `createTask(spec)` with task
// "tagging" returns a TaggingTask (aliases token-classification, pos-tagging). Browser-safe: no
// node: imports here (the CoNLL file readers are in ./node).
import { registerTask } from '@recurrent/core';
import { taggingPlugin } from './plugin.js';

registerTask(taggingPlugin);

export {
  type EncodedSentence,
  tagTargets,
  trainingBatches,
  wordInputs,
} from './batches.js';
export type {
  TaggedSentenceResult,
  TaggedSentences,
  TaggingEvaluation,
  TagOptions,
} from './contract.js';
export { taggingCommandLine, taggingPlugin } from './plugin.js';
export { checkTagged, pieces, TaggingDataError } from './sentences.js';
export { type TaggingSettings, TaggingSpecError, taggingSettings } from './tagging-settings.js';
export {
  TaggingTask,
  type TaggingTrainOptions,
  type TaggingTrainResult,
} from './tagging-task.js';
export {
  compileTagger,
  softmaxTaggingLoss,
  type TaggingTargetConfig,
  taggingLoss,
  taggingTrainingTarget,
} from './training-target.js';
export { type SentenceSplit, splitSentences } from './validation-split.js';
export { WordEncoding } from './word-encoding.js';
