// Training data for a character-level generation model from a plain text file: the vocabulary is
// the file's characters (sorted), the text is cut into windows of `length` + 1 characters (input
// and next-character target), and the last tenth of the windows is the validation set. The data
// package generalizes this (word tokenizers, other tasks).
import type { Batch, TrainingData } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';

export interface TextData {
  vocabulary: string[];
  train: TrainingData;
  validation: TrainingData;
}

function windows(
  ids: Int32Array,
  starts: number[],
  length: number,
  batchSize: number,
): TrainingData {
  return {
    batchCount: Math.floor(starts.length / batchSize),
    batch(index: number): Batch {
      const x = new Int32Array(batchSize * length);
      const y = new Int32Array(batchSize * length);
      for (let b = 0; b < batchSize; b++) {
        const start = starts[index * batchSize + b] as number;
        x.set(ids.subarray(start, start + length), b * length);
        y.set(ids.subarray(start + 1, start + length + 1), b * length);
      }
      return {
        inputs: { tokens: tf.tensor2d(x, [batchSize, length], 'int32') },
        targets: tf.tensor1d(y, 'int32'),
      };
    },
  };
}

export function textData(
  text: string,
  length: number,
  batchSize: number,
  source: string,
): TextData {
  const vocabulary = [...new Set(text)].sort();
  const index = new Map(vocabulary.map((ch, i) => [ch, i]));
  const ids = Int32Array.from(text, (ch) => index.get(ch) as number);
  const count = Math.floor((ids.length - 1) / length);
  const starts = Array.from({ length: count }, (_, i) => i * length);
  const validationCount = Math.max(batchSize, Math.floor(count / 10));
  const trainStarts = starts.slice(0, count - validationCount);
  if (trainStarts.length < batchSize) {
    throw new Error(
      `${source}: ${text.length} characters make ${count} windows of ${length}; need at least ${2 * batchSize} (batch size ${batchSize}, one batch for validation)`,
    );
  }
  return {
    vocabulary,
    train: windows(ids, trainStarts, length, batchSize),
    validation: windows(ids, starts.slice(count - validationCount), length, batchSize),
  };
}
