// @recurrent/core: the model spec, the compiler and layers, safetensors and PyTorch import,
// training, model files in memory, and the backend and task registries. Runs in any runtime (no
// node: imports); model folders, checkpoints, worker threads and logs live in "@recurrent/core/node".
export {
  type Availability,
  activeBackend,
  BackendError,
  type BackendPlugin,
  type BackendStatus,
  backendStatuses,
  listBackends,
  registerBackend,
  useBackend,
} from './backends/registry.js';
export { CrfLayer, crfLayerOf } from './crf/crf-layer.js';
export { crfLoss } from './crf/crf-loss.js';
export { crfLogPartition, crfPathScore } from './crf/forward-algorithm.js';
export { disallowedTransitionScore } from './crf/scores.js';
export {
  type AllowedTransitions,
  allowedTransitions,
  schemeViolation,
  type TagScheme,
  TagSchemeError,
} from './crf/tag-scheme.js';
export { type CrfValues, crfDecode, type ViterbiResult, viterbiDecode } from './crf/viterbi.js';
export { DecodeError } from './decode/check-options.js';
export type {
  DecodedToken,
  DecodeOptions,
  DecodeResult,
  DecodeStepper,
  Hypothesis,
  SamplingOptions,
  StepScores,
  StopReason as DecodeStopReason,
} from './decode/contract.js';
export { decode, decodeStream } from './decode/decode.js';
export { type DecodingOverrides, decodeOptionsFromSpec } from './decode/from-spec.js';
export {
  type ModelStepper,
  type ModelStepperOptions,
  type ModelStepState,
  modelStepper,
} from './decode/model-stepper.js';
export {
  type Seq2seqStepper,
  type Seq2seqStepState,
  seq2seqStepper,
} from './decode/seq2seq-stepper.js';
export { registerGradients } from './grad/register-gradients.js';
export type { InitializerName } from './init/initializers.js';
export { Random } from './init/random.js';
export {
  CheckpointError,
  checkpointFormat,
  checkpointFormatVersion,
  checkpointFromBytes,
  checkpointToBytes,
} from './io/checkpoint-bytes.js';
export {
  type ModelFile,
  ModelFileError,
  type ModelFileSource,
  modelFormat,
  modelFormatVersion,
  modelFromFiles,
  modelTask,
  modelToFiles,
  readModelJson,
} from './io/model-files.js';
export {
  elementCount,
  maxHeaderBytes,
  readSafetensors,
  SafetensorsError,
  SafetensorsFile,
  type TensorEntry,
  type WritableTensor,
  writeSafetensors,
} from './io/safetensors.js';
export { sha256Hex } from './io/sha256.js';
export {
  type ImportProblem,
  loadTorchWeights,
  type NameMap,
  type TorchImportOptions,
  WeightsMismatchError,
} from './io/torch-import.js';
export { CharacterEncoder } from './layers/character-encoder.js';
export type {
  FlowKind,
  ForwardContext,
  Layer,
  Parameter,
  RecurrentState,
} from './layers/layer.js';
export {
  type DecodeStepArguments,
  type DecodeStepBlock,
  type DecodeStepLayer,
  type DecodeStepLayerWeights,
  type DecodeStepResult,
  type DecodeStepStateInfo,
  type DecodeStepWeights,
  decodeStepArguments,
  decodeStepAvailable,
  decodeStepKernel,
  runDecodeStep,
} from './layers/recurrent/decode-step.js';
export {
  type DecodeLayerBuffers,
  type DecodeStepBuffers,
  type DecodeStepProducts,
  decodeStepLoop,
} from './layers/recurrent/decode-step-loop.js';
export {
  type FusedCellName,
  fusedKernelsAvailable,
  recurrentBackwardKernel,
  recurrentForwardKernel,
} from './layers/recurrent/fused.js';
export {
  type BackwardBuffers,
  columnSums,
  type ForwardBuffers,
  fusedBackwardLoop,
  fusedForwardLoop,
  fusedGateCount,
  type LoopShape,
  type Sigmoid,
  scalarSigmoid,
} from './layers/recurrent/fused-loops.js';
export {
  type BleuOptions,
  type BleuResult,
  type BleuSmoothing,
  type BleuTokenizer,
  bleuFromStatistics,
  corpusBleu,
  tokenize13a,
} from './metrics/bleu.js';
export {
  type ClassificationReport,
  type ClassScores,
  classificationReport,
  confusionMatrix,
  tokenAccuracy,
} from './metrics/classification.js';
export {
  type BaselineReport,
  baselineReport,
  type ForecastScores,
  type HorizonReport,
  horizonReport,
  meanAbsoluteScaledError,
  naiveForecast,
  seasonalNaiveForecast,
  symmetricMape,
} from './metrics/forecasting.js';
export {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  perplexity,
  rootMeanSquaredError,
} from './metrics/regression.js';
export {
  extractSpans,
  type Scores,
  type Span,
  type SpanMode,
  type SpanOptions,
  type SpanReport,
  type SpanScheme,
  spanReport,
  spanScheme,
  type TaggingReport,
  taggingReport,
} from './metrics/sequence-labelling.js';
export {
  CompileError,
  type CompileOptions,
  compile,
  SpecValidationError,
} from './model/compile.js';
export {
  type CheckedInputs,
  charactersInput,
  checkInputs,
  describeInput,
  type FeatureInputs,
  type InputAxis,
  type InputDescription,
  type InputValue,
  type Lengths,
  type ModelInputs,
  type Seq2SeqInputs,
  type TokenInputs,
} from './model/inputs.js';
export {
  type ForwardOptions,
  type ForwardResult,
  Model,
  type ModelSizes,
} from './model/model.js';
export {
  type Attention,
  type AttentionSizes,
  type AttentionType,
  createAttention,
} from './seq2seq/attention.js';
export {
  type BatchGreedyOptions,
  type GreedyTranslation,
  greedyTranslateBatch,
} from './seq2seq/batch-greedy.js';
export {
  type Bridge,
  type BridgeType,
  createBridge,
  type RecurrentShape,
} from './seq2seq/bridge.js';
export type {
  DecoderState,
  DecoderStep,
  EncodedSource,
  Seq2seqSteps,
  StepOptions,
} from './seq2seq/contract.js';
export { type Combine, Decoder } from './seq2seq/decoder.js';
export { Encoder } from './seq2seq/encoder.js';
export { maskedSoftmax } from './seq2seq/masked-softmax.js';
export { seq2seqLoss } from './seq2seq/seq2seq-loss.js';
export { Seq2seqModel, seq2seqInputs } from './seq2seq/seq2seq-model.js';
export {
  checkTeacherForcing,
  TeacherForcingError,
  teacherForcingMask,
  teacherForcingRandom,
  teacherForcingRatio,
} from './seq2seq/teacher-forcing.js';
export { modelSchema } from './spec/schema.generated.js';
export { formatSpecError, pointerToPath, type SpecError } from './spec/spec-error.js';
export type * from './spec/types.generated.js';
export { parseSpec, type SpecResult, validateSpec } from './spec/validate.js';
export type {
  AnyTask,
  CheckpointSink,
  ModelFiles,
  ParallelFactory,
  ParallelRun,
  ParallelSetup,
  Task,
  TaskCommand,
  TaskCommandLine,
  TaskData,
  TaskEvaluation,
  TaskName,
  TaskNodeSupport,
  TaskOption,
  TaskOptions,
  TaskOptionValues,
  TaskPlugin,
  TaskTrainOptions,
  TaskTypes,
  TrainEvent,
  TrainingTarget,
  TrainResult,
  TrainStopReason,
} from './tasks/contract.js';
export {
  type CreateTaskOptions,
  createTask,
  isModelFiles,
  type TaskSpec,
} from './tasks/create-task.js';
export { type LoadedTaskModel, loadTaskModel } from './tasks/load-task-model.js';
export { taskModuleUrl } from './tasks/module-url.js';
export {
  findTask,
  registeredPlugins,
  registeredTasks,
  registerTask,
  TaskError,
  taskName,
} from './tasks/registry.js';
export {
  type GeneratedHypothesis,
  type GeneratedPiece,
  type GeneratedText,
  GenerationOptionError,
  type TextGenerationOptions,
  type TextGenerator,
} from './tasks/text-generation.js';
export {
  fitOptionsFromSpec,
  type RunEngine,
  runEngine,
  type TaskRun,
  trainWithSpec,
} from './tasks/train-with-spec.js';
export {
  type AdamArrays,
  type AdamCoefficients,
  adamUpdateKernel,
  adamUpdateValues,
  fusedAdamAvailable,
} from './train/adam-update.js';
export { batchOrder } from './train/batch.js';
export type { Callback, TrainingRun } from './train/callback.js';
export { StopOnAbort } from './train/callbacks/abort.js';
export { Checkpoint, type CheckpointOptions } from './train/callbacks/checkpoint.js';
export { DivergenceError, DivergenceGuard } from './train/callbacks/divergence-guard.js';
export {
  EarlyStopping,
  type EarlyStoppingOptions,
  monitoredValue,
} from './train/callbacks/early-stopping.js';
export { JsonLinesLog, type LineSink } from './train/callbacks/json-lines-log.js';
export { Progress, type ProgressHandlers } from './train/callbacks/progress.js';
export { TimeBudget } from './train/callbacks/time-budget.js';
export { checkpointWeightProblems } from './train/checkpoint-weights.js';
export { createOptimizer } from './train/create-optimizer.js';
export { type FitOptions, fit, fitCallbacks } from './train/fit.js';
export {
  binaryCrossEntropyWithLogits,
  type CrossEntropyOptions,
  crossEntropy,
  crossEntropyWithLogits,
  huberLoss,
  maeLoss,
  mseLoss,
  nllLoss,
  type Reduction,
  type RegressionLossOptions,
} from './train/losses.js';
export { LrScheduler, type ScheduleState } from './train/lr-schedule.js';
export {
  Adam,
  type AdamOptions,
  clipGradNorm,
  clipGradValue,
  parameterGradients,
} from './train/optimizer.js';
export type { Optimizer, OptimizerState } from './train/optimizer-types.js';
export type { WorkerPort, WorkerTransport } from './train/parallel/transport.js';
export {
  type WebWorker,
  type WebWorkerScope,
  webWorker,
  webWorkerPort,
} from './train/parallel/web-transport.js';
export { Rmsprop, type RmspropOptions } from './train/rmsprop.js';
export { disposeTrainingState } from './train/run.js';
export { Sgd, type SgdOptions } from './train/sgd.js';
export {
  crossEntropyGradValues,
  crossEntropyRows,
  fusedCrossEntropyAvailable,
  softmaxCrossEntropyGradKernel,
  softmaxCrossEntropyKernel,
  softmaxRows,
} from './train/softmax-cross-entropy.js';
export {
  defaultGenerationChunk,
  generationChunkLength,
  recurrentStepWork,
  type StepWorkSpec,
} from './train/step-work.js';
export type {
  Batch,
  BatchEvent,
  BatchGradients,
  BatchPosition,
  CarriedLoss,
  ChunkLossFunction,
  DataParallel,
  EpochRecord,
  FitResult,
  LossFunction,
  States,
  StopReason,
  TrainingData,
  TrainingState,
} from './train/types.js';
export {
  serveTaskGradients,
  sharedMemoryProblem,
  type WebWorkerThreadsOptions,
  webWorkerThreads,
} from './train/web-workers.js';
