// @recurrent/testkit (private): shared test helpers, chiefly the backend conformance suite.
export { type ConformanceCase, layerCases, recurrentCases } from './cases.js';
export { compareResults, type Mismatch, type Tolerance } from './compare.js';
export { type DecodeCase, decodeCases, decodeSpec, decodeVocabulary } from './decode-cases.js';
export { type CaseResult, runCase } from './run-case.js';
export {
  type DecodeCaseResult,
  type PromptRunResult,
  runDecodeStepCase,
  runPromptCase,
} from './run-decode-case.js';
export { runSeq2seqCase } from './run-seq2seq-case.js';
export { type Seq2seqCase, seq2seqCases, seq2seqSizes, seq2seqSpec } from './seq2seq-cases.js';
export {
  type ConformanceOptions,
  conformanceSuite,
  defaultTolerance,
  defaultTrainingTarget,
} from './suite.js';
export { type TrainingReport, trainCharModel, trainingRun } from './training-run.js';
