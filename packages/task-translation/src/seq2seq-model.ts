// What this package uses of core's encoder-decoder, in one place: compiling a translation spec to
// a Seq2seqModel (a Model that also steps: Seq2seqSteps), its training loss, and the batched greedy
// decoder that scores BLEU.
import {
  compile,
  type GreedyTranslation,
  greedyTranslateBatch,
  type LossFunction,
  type Model,
  type ModelSpec,
  type Seq2seqSteps,
  seq2seqLoss,
  TaskError,
} from '@recurrent/core';
import { bosId, eosId, padBatch } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';

/** A compiled translation spec. */
export type TranslationModel = Model & Seq2seqSteps;

export interface TranslationSizes {
  sourceVocabularySize: number;
  targetVocabularySize: number;
}

/** `model` as a Seq2seqModel, or a TaskError saying what it is instead. */
export function asTranslationModel(model: Model): TranslationModel {
  const steps = model as Partial<Seq2seqSteps>;
  if (typeof steps.encode !== 'function' || typeof steps.step !== 'function') {
    throw new TaskError(
      `the model compiled from spec "${model.spec.name}" is not an encoder-decoder (no encode/step)`,
    );
  }
  return model as TranslationModel;
}

export async function compileTranslationModel(
  spec: ModelSpec,
  sizes: TranslationSizes,
  backend: string | undefined,
): Promise<TranslationModel> {
  const model = await compile(spec, {
    ...(backend ? { backend } : {}),
    vocabularySize: sizes.sourceVocabularySize,
    outputSize: sizes.targetVocabularySize,
  });
  try {
    return asTranslationModel(model);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * Mean cross-entropy over the real target tokens of a batch (training.labelSmoothing honoured):
 * core's seq2seqLoss, the same for every translation spec.
 */
export function translationLoss(_spec: ModelSpec): LossFunction {
  return seq2seqLoss;
}

/**
 * Greedy translations of many sources at once (ids ending with <eos>), in their order: each one's
 * output ids, the end token left out, at most `maxLength` tokens with the end token counted. The
 * sources go through core's batched greedy decoder `batchSize` at a time, by length.
 */
export async function greedyTranslations(
  model: TranslationModel,
  sources: readonly Int32Array[],
  maxLength: number,
  batchSize: number,
): Promise<number[][]> {
  const out: number[][] = new Array(sources.length);
  const order = sources.map((_, i) => i).sort((a, b) => sourceLength(a) - sourceLength(b) || a - b);
  function sourceLength(i: number): number {
    return (sources[i] as Int32Array).length;
  }
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const padded = padBatch(rows.map((r) => sources[r] as Int32Array));
    const source = tf.tensor2d(padded.ids, [padded.rows, padded.steps], 'int32');
    try {
      const results = await greedyTranslateBatch(model, source, padded.lengths, {
        startToken: bosId,
        endToken: eosId,
        maxLength,
      });
      rows.forEach((r, k) => {
        out[r] = (results[k] as GreedyTranslation).tokens;
      });
    } finally {
      source.dispose();
    }
  }
  return out;
}
