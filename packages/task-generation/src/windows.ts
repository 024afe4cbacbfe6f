// Training data from one stream of token ids: the held-out end of the stream for validation, and
// the rest cut into windows of `length` tokens whose targets are the next tokens.
import { type Batch, TaskError, type TrainingData } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';

/** A text too short (or empty) for what is asked of it: a TaskError, an error of the input. */
export class TrainingTextError extends TaskError {
  override name = 'TrainingTextError';
}

export interface StreamSplit {
  /** Windows of the training part. */
  windows: number;
  /** Tokens of the training part: its windows and the target of the last one. */
  trainTokens: number;
  /**
   * Where the held-out part starts. It starts at the last training target, which it only reads as
   * context (a stream's first token is never predicted), so no token is both trained on and scored.
   */
  heldOutStart: number;
}

/**
 * The split of a stream of `tokens` tokens. With `holdOut`, the last tenth of its windows (at least
 * one batch) is held out for validation, as the CLI always did; without, every window trains (the
 * caller validates on another text). `what` names the text in errors.
 */
export function splitStream(
  tokens: number,
  length: number,
  batchSize: number,
  holdOut: boolean,
  what: string,
): StreamSplit {
  if (tokens === 0) throw new TrainingTextError(`${what} is empty: there is nothing to train on`);
  const windows = Math.floor((tokens - 1) / length);
  const heldOut = holdOut ? Math.max(batchSize, Math.floor(windows / 10)) : 0;
  const train = windows - heldOut;
  if (train < batchSize) {
    const needed = holdOut ? 2 * batchSize : batchSize;
    throw new TrainingTextError(
      `${what} has ${tokens} tokens, ${windows} windows of ${length} (input.maxLength); training needs at least ${needed} windows, ${needed * length + 1} tokens: ${holdOut ? `one batch of ${batchSize} (training.batchSize) to train on and one held out for validation` : `one batch of ${batchSize} (training.batchSize)`}`,
    );
  }
  return {
    windows: train,
    trainTokens: train * length + 1,
    heldOutStart: holdOut ? train * length : tokens,
  };
}

/**
 * Batches of windows: window w holds ids[w·L, (w+1)·L) and predicts ids[w·L + 1, (w+1)·L + 1).
 * Batch i takes windows i, i + n, i + 2n, ... (n batches), so its rows come from all over the text
 * rather than one passage, and (unshuffled) batch i + 1 continues each row of batch i: the layout
 * a run that carries the state from batch to batch would need.
 */
export function windowBatches(
  ids: Int32Array,
  windows: number,
  length: number,
  batchSize: number,
): TrainingData {
  if (ids.length < windows * length + 1) {
    throw new Error(`windows: ${windows} windows of ${length} need ${windows * length + 1} ids`);
  }
  const batchCount = Math.ceil(windows / batchSize);
  return {
    batchCount,
    batch(index: number): Batch {
      const rows: number[] = [];
      for (let w = index; w < windows; w += batchCount) rows.push(w);
      const x = new Int32Array(rows.length * length);
      const y = new Int32Array(rows.length * length);
      rows.forEach((w, r) => {
        x.set(ids.subarray(w * length, (w + 1) * length), r * length);
        y.set(ids.subarray(w * length + 1, (w + 1) * length + 1), r * length);
      });
      return {
        inputs: { tokens: tf.tensor2d(x, [rows.length, length], 'int32') },
        targets: tf.tensor1d(y, 'int32'),
      };
    },
  };
}
