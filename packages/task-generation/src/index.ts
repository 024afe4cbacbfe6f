// @recurrent/task-generation: language models (char- or word-level) from a generation spec.
// Importing it registers the task with @recurrent/core (createTask; aliases text-generation and
// language-modeling). Browser-safe: no node: imports here (file reading is in ./node).
import {
  registerTask,
  type TaskCommandLine,
  type TaskPlugin,
  taskModuleUrl,
} from '@recurrent/core';
import { GenerationTask } from './generation-task.js';
import { generationTrainingTarget } from './training-target.js';

declare module '@recurrent/core' {
  interface TaskTypes {
    generation: GenerationTask;
  }
}

/** What `recurrent train` / `eval` read for this task. */
export const generationCommandLine: TaskCommandLine = {
  data: 'a UTF-8 text file, read as one stream of tokens (the last tenth is held out for validation)',
  formats: ['text'],
  // No options of its own: the CLI refuses --val, --format, --text-column and --label-column.
  options: [],
};

export const generationPlugin: TaskPlugin<'generation', GenerationTask> = {
  name: 'generation',
  aliases: ['text-generation', 'language-modeling'],
  // Data-parallel worker threads import this module to register the task and find trainingTarget.
  // This module is the entry ("" in a bundle without import.meta.url: one thread).
  module: taskModuleUrl(() => import.meta.url),
  create: (spec, options) => GenerationTask.create(spec, options),
  load: (files, options) => GenerationTask.load(files, options),
  trainingTarget: (config, options) => generationTrainingTarget(config, options),
  commandLine: generationCommandLine,
  generator: (task) => task,
};

registerTask(generationPlugin);

export {
  defaultMaxLength,
  type GenerationSettings,
  GenerationSpecError,
  generationSettings,
} from './generation-spec.js';
export {
  type GenerationEvaluation,
  GenerationTask,
  type GenerationTexts,
  type GenerationTrainOptions,
} from './generation-task.js';
export {
  evaluationChunk,
  type StreamCrossEntropy,
  streamCrossEntropy,
} from './stream-evaluation.js';
export {
  heldOutTokens,
  type StreamLayout,
  splitStreams,
  streamBatches,
  TrainingTextError,
} from './streams.js';
export { type EncodedStream, streamTokens, TokenStream } from './token-stream.js';
export {
  chunkLoss,
  type GenerationTargetConfig,
  generationTrainingTarget,
  zeroStateLoss,
} from './training-target.js';
