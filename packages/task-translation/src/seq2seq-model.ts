// What this package uses of core's encoder-decoder, in one place: compiling a translation spec to
// a Seq2seqModel (a Model that also steps: Seq2seqSteps) and the batched greedy decoder that
// scores BLEU. (The training loss is core's seq2seqLoss: mean cross-entropy over the real target
// tokens, with training.labelSmoothing.)
import {
  compile,
  type GreedyTranslation,
  greedyTranslateBatch,
  type Model,
  type ModelSpec,
  type Seq2seqSteps,
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
  const length = (i: number) => (sources[i] as Int32Array).length;
  const order = sources.map((_, i) => i).sort((a, b) => length(a) - length(b) || a - b);
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
