// The translation model and loss of a data-parallel worker thread (the plug-in's trainingTarget):
// the same spec compiled with the same vocabulary sizes, so its parameters match the task's (the
// workers receive the weights after every step), and the same loss. Each worker gets its rows of
// every batch input, the teacher-forcing mask included.
import {
  type ModelSpec,
  seq2seqLoss,
  type TaskOptions,
  type TrainingTarget,
} from '@recurrent/core';
import { compileTranslationModel } from './seq2seq-model.js';

/** What a worker needs to build the task's model: sent as JSON. */
export interface TranslationTargetConfig {
  spec: ModelSpec;
  sourceVocabularySize: number;
  targetVocabularySize: number;
}

export async function translationTrainingTarget(
  config: unknown,
  options: TaskOptions = {},
): Promise<TrainingTarget> {
  const c = config as TranslationTargetConfig;
  const model = await compileTranslationModel(c.spec, c, options.backend);
  return { model, loss: seq2seqLoss };
}
