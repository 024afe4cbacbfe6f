// Gradients of embedding tables kept sparse between threads: a part's rows of text touch few of
// a table's rows (W2: a few thousand of 20,000), and every other row's gradient is exactly zero,
// so a worker sends the rows that are not zero (their ids and values) instead of the table, and
// the main thread adds them to its own part's gradient row by row.
import * as tf from '@tensorflow/tfjs-core';

/** Some rows of a [rows, width] gradient: their ids, ascending, and their values, row-major. */
export interface GradientRows {
  rows: Int32Array;
  values: Float32Array;
}

/** The rows of a [rows, width] table that have a value other than zero, times `scale`. */
export function nonzeroRows(table: Float32Array, width: number, scale: number): GradientRows {
  const count = table.length / width;
  const kept: number[] = [];
  for (let r = 0; r < count; r++) {
    const start = r * width;
    for (let j = start; j < start + width; j++) {
      if (table[j] !== 0) {
        kept.push(r);
        break;
      }
    }
  }
  const values = new Float32Array(kept.length * width);
  for (const [k, r] of kept.entries()) {
    for (let j = 0; j < width; j++)
      values[k * width + j] = scale * (table[r * width + j] as number);
  }
  return { rows: Int32Array.from(kept), values };
}

/**
 * A table's combined gradient: this thread's part (a dense tensor, times `ownShare`; absent when
 * this thread's rows gave it none) plus the other parts' rows, in part order.
 */
export function addRows(
  own: tf.Tensor | undefined,
  ownShare: number,
  parts: readonly GradientRows[],
  shape: number[],
): tf.Tensor {
  const width = shape[1] as number;
  return tf.tidy(() => {
    let sum = own ? tf.mul(own, ownShare) : tf.zeros(shape);
    for (const part of parts) {
      if (part.rows.length === 0) continue;
      const indices = tf.tensor2d(part.rows, [part.rows.length, 1], 'int32');
      const values = tf.tensor2d(part.values, [part.rows.length, width], 'float32');
      sum = tf.add(sum, tf.scatterND(indices, values, shape));
    }
    return sum;
  });
}
