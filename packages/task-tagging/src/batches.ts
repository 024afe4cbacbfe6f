// Batches of tagged sentences: word ids right-padded to the batch's longest sentence, with each
// row's length (and the characters of each word, for a character encoder), tag ids padded with 0
// (masked out by the lengths), and rows weighted by their tokens (the loss is a mean per token).
import type { Batch, ModelInputs, TrainingData } from '@recurrent/core';
import { bucketByLength, padBatch } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';

/** One sentence (or piece of one) ready for the model. */
export interface EncodedSentence {
  /** The tokens as given (the character encoder reads them as written). */
  tokens: readonly string[];
  ids: Int32Array;
  unknown: number;
}

/** Builds the model inputs of some sentences: word ids and lengths, and characters if any. */
export type InputBuilder = (rows: readonly EncodedSentence[]) => ModelInputs;

/** Word ids [B, T] and lengths, as every tagger takes. */
export function wordInputs(rows: readonly EncodedSentence[]): {
  tokens: tf.Tensor;
  lengths: number[];
} {
  const padded = padBatch(rows.map((r) => r.ids));
  return {
    tokens: tf.tensor2d(padded.ids, [padded.rows, padded.steps], 'int32'),
    lengths: padded.lengths,
  };
}

/** Tag ids [B, T], right-padded with 0 (padding is masked out by the lengths). */
export function tagTargets(tags: readonly Int32Array[]): tf.Tensor {
  const padded = padBatch(tags);
  return tf.tensor2d(padded.ids, [padded.rows, padded.steps], 'int32');
}

/** Length-bucketed training batches (the batch order shuffled by the seed). */
export function trainingBatches(
  sentences: readonly EncodedSentence[],
  tags: readonly Int32Array[],
  batchSize: number,
  seed: number,
  inputs: InputBuilder,
): TrainingData {
  const buckets = bucketByLength(
    sentences.map((s) => s.ids.length),
    batchSize,
    seed,
  );
  return {
    batchCount: buckets.length,
    batch(i: number): Batch {
      const rows = buckets[i] as number[];
      const lengths = rows.map((r) => (sentences[r] as EncodedSentence).ids.length);
      return {
        inputs: inputs(rows.map((r) => sentences[r] as EncodedSentence)),
        targets: tagTargets(rows.map((r) => tags[r] as Int32Array)),
        tokens: lengths.reduce((a, b) => a + b, 0),
        rowWeights: lengths,
      };
    },
  };
}

/** Indices of `lengths` in batches of similar length (shortest first), for inference. */
export function inferenceOrder(lengths: readonly number[], batchSize: number): number[][] {
  return bucketByLength(lengths, batchSize);
}
