// @recurrent/task-translation: encoder-decoder translation from a translation spec.
// Browser-safe: no node: imports here (file reading is in ./node).
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
