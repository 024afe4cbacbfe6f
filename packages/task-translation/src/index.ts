// @recurrent/task-translation: encoder-decoder translation from a translation spec. Importing it
// registers the task with @recurrent/core, typed: `createTask(spec)` with task "translation"
// returns a TranslationTask (aliases machine-translation, seq2seq). Browser-safe: no node:
// imports here (file reading is in ./node).
import { registerTask } from '@recurrent/core';
import { translationPlugin } from './plugin.js';

registerTask(translationPlugin);

export { layOut, type PairLayout, trainingBatches } from './batches.js';
export type {
  EvaluateOptions,
  TranslateOptions,
  Translation,
  TranslationEvaluation,
  TranslationHypothesis,
  TranslationPair,
  TranslationPairs,
  TranslationTaskApi,
} from './contract.js';
export {
  evaluateDecoding,
  type ResolvedDecoding,
  TranslationOptionError,
  translateDecoding,
} from './decoding-options.js';
export {
  type EncodedPair,
  type EncodedSource,
  PairEncoding,
  type SkippedPairs,
  trainable,
} from './pair-encoding.js';
export { parseParallelPairs, parseTsvPairs } from './pair-files.js';
export { translationCommandLine, translationPlugin } from './plugin.js';
export { type TranslationTargetConfig, translationTrainingTarget } from './training-target.js';
export {
  type SideSettings,
  type TranslationSettings,
  TranslationSpecError,
  translationSettings,
} from './translation-spec.js';
export {
  describeSkipped,
  TranslationTask,
  type TranslationTrainOptions,
  type TranslationTrainResult,
} from './translation-task.js';
export { type PairSplit, splitPairs } from './validation-split.js';
