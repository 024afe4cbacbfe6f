// Batches of sentence pairs for the Seq2seqModel (core/src/seq2seq/contract.ts): sources
// right-padded with their <eos>, decoder inputs bos y…, labels y… eos, each row's real lengths,
// and while training the teacher-forcing mask of the schedule's ratio where the run is (drawn per
// row and step from a generator seeded by (training.seed, epoch, batch index), so a resumed run
// draws the same; absent when the ratio is 1).
import {
  type Batch,
  type BatchPosition,
  type TeacherForcingSpec,
  type TrainingData,
  teacherForcingMask,
  teacherForcingRandom,
  teacherForcingRatio,
} from '@recurrent/core';
import { bosId, bucketByLength, eosId, padId } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';
import type { EncodedPair } from './pair-encoding.js';

/** Some pairs laid out as the model's inputs, as plain arrays (row-major). */
export interface PairLayout {
  rows: number;
  /** [rows × sourceSteps] source ids then <eos>, padded with <pad>. */
  source: Int32Array;
  sourceSteps: number;
  sourceLengths: number[];
  /** [rows × targetSteps] decoder input: <bos> y1 … yn, padded. */
  target: Int32Array;
  targetSteps: number;
  /** n + 1 per row: the decoder's steps (and labels). */
  targetLengths: number[];
  /** [rows × targetSteps] labels: y1 … yn <eos>, padded with <pad>. */
  labels: Int32Array;
}

export function layOut(pairs: readonly EncodedPair[]): PairLayout {
  const rows = pairs.length;
  const sourceLengths = pairs.map((p) => p.source.ids.length);
  const targetLengths = pairs.map((p) => p.target.length + 1);
  const sourceSteps = Math.max(1, ...sourceLengths);
  const targetSteps = Math.max(1, ...targetLengths);
  const source = new Int32Array(rows * sourceSteps).fill(padId);
  const target = new Int32Array(rows * targetSteps).fill(padId);
  const labels = new Int32Array(rows * targetSteps).fill(padId);
  pairs.forEach((pair, r) => {
    source.set(pair.source.ids, r * sourceSteps);
    target[r * targetSteps] = bosId;
    target.set(pair.target, r * targetSteps + 1);
    labels.set(pair.target, r * targetSteps);
    labels[r * targetSteps + pair.target.length] = eosId;
  });
  return {
    rows,
    source,
    sourceSteps,
    sourceLengths,
    target,
    targetSteps,
    targetLengths,
    labels,
  };
}

/** The model's inputs for a layout (teacher forcing on every step: no mask). */
export function layoutInputs(layout: PairLayout): {
  source: tf.Tensor2D;
  sourceLengths: number[];
  target: tf.Tensor2D;
  targetLengths: number[];
} {
  return {
    source: tf.tensor2d(layout.source, [layout.rows, layout.sourceSteps], 'int32'),
    sourceLengths: layout.sourceLengths,
    target: tf.tensor2d(layout.target, [layout.rows, layout.targetSteps], 'int32'),
    targetLengths: layout.targetLengths,
  };
}

/**
 * Training batches of `batchSize` pairs of similar source length (their order shuffled with the
 * seed; fit shuffles it again each epoch). Batch i while training at `at` carries the mask of the
 * teacher-forcing ratio at `at`; validation (no `at`) teacher-forces every step.
 */
export function trainingBatches(
  pairs: readonly EncodedPair[],
  options: { batchSize: number; seed: number; teacherForcing: TeacherForcingSpec | undefined },
): TrainingData {
  const buckets = bucketByLength(
    pairs.map((p) => p.source.ids.length),
    options.batchSize,
    options.seed,
  );
  return {
    batchCount: buckets.length,
    batch(index: number, at?: BatchPosition): Batch {
      const rows = (buckets[index] as number[]).map((r) => pairs[r] as EncodedPair);
      const layout = layOut(rows);
      const ratio = at ? teacherForcingRatio(options.teacherForcing, at) : 1;
      const mask =
        ratio === 1
          ? undefined
          : teacherForcingMask(
              ratio,
              layout.rows,
              layout.targetSteps,
              teacherForcingRandom(options.seed, (at as BatchPosition).epoch, index),
            );
      return {
        inputs: { ...layoutInputs(layout), ...(mask ? { teacherForcing: mask } : {}) },
        targets: tf.tensor2d(layout.labels, [layout.rows, layout.targetSteps], 'int32'),
        tokens: layout.targetLengths.reduce((a, b) => a + b, 0),
        // The loss is a mean over target tokens: data-parallel parts weigh by their tokens.
        rowWeights: Array.from(layout.targetLengths),
      };
    },
  };
}
