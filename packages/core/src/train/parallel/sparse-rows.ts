// Gradients of embedding tables kept sparse between threads: a part's rows of text touch few of
// a table's rows (W2: a few thousand of 20,000), and every other row's gradient is exactly zero,
// so a worker writes the rows that are not zero (their ids and values) to its region of a shared
// buffer instead of the table, and the main thread adds them to its own part's gradient by row.
import * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../../layers/layer.js';
import { tensorOfView } from './tensor-memory.js';

/** A table's place in each part's region: room for all of its rows (the worst case). */
export interface TableSlot {
  parameter: number;
  rows: number;
  width: number;
  /** Of its row ids in a region of `ids`; its values start at `offset * width` in `values`. */
  offset: number;
}

export interface SharedRows {
  tables: TableSlot[];
  /** Rows per region (all tables'). */
  size: number;
  ids: SharedArrayBuffer;
  values: SharedArrayBuffer;
}

export function sharedRows(
  parameters: readonly Parameter[],
  tables: readonly number[],
  parts: number,
): SharedRows {
  let offset = 0;
  let floats = 0;
  const slots = tables.map((parameter) => {
    const [rows, width] = (parameters[parameter] as Parameter).variable.shape as [number, number];
    const slot = { parameter, rows, width, offset };
    offset += rows;
    floats += rows * width;
    return slot;
  });
  return {
    tables: slots,
    size: offset,
    ids: new SharedArrayBuffer(offset * parts * 4),
    values: new SharedArrayBuffer(floats * parts * 4),
  };
}

/** Part `part`'s room for table `slot`: its row ids and their values. */
function regionOf(shared: SharedRows, slot: TableSlot, part: number) {
  const floats = shared.tables.reduce((n, t) => n + t.rows * t.width, 0);
  const before = shared.tables
    .filter((t) => t.offset < slot.offset)
    .reduce((n, t) => n + t.rows * t.width, 0);
  return {
    ids: new Int32Array(shared.ids, (part * shared.size + slot.offset) * 4, slot.rows),
    values: new Float32Array(shared.values, (part * floats + before) * 4, slot.rows * slot.width),
  };
}

/**
 * Writes the rows of `table` ([rows, width] values) that are not all zero, times `scale`, to
 * part `part`'s region of `slot`. Returns how many.
 */
export function writeNonzeroRows(
  shared: SharedRows,
  slot: TableSlot,
  part: number,
  table: Float32Array,
  scale: number,
): number {
  const { ids, values } = regionOf(shared, slot, part);
  const width = slot.width;
  let count = 0;
  for (let r = 0; r < slot.rows; r++) {
    const start = r * width;
    let j = start;
    while (j < start + width && table[j] === 0) j++;
    if (j === start + width) continue;
    ids[count] = r;
    const to = count * width;
    for (let k = 0; k < width; k++) values[to + k] = scale * (table[start + k] as number);
    count++;
  }
  return count;
}

/**
 * A table's combined gradient: this thread's part (a dense tensor, times `ownShare`; absent when
 * this thread's rows gave it none) plus the rows the other parts wrote (`counts[k]` rows for
 * part k + 1), in part order.
 */
export function addRows(
  shared: SharedRows,
  slot: TableSlot,
  own: tf.Tensor | undefined,
  ownShare: number,
  counts: ReadonlyArray<number | undefined>,
): tf.Tensor {
  const shape = [slot.rows, slot.width];
  return tf.tidy(() => {
    let sum = own ? tf.mul(own, ownShare) : tf.zeros(shape);
    for (const [k, count] of counts.entries()) {
      if (!count) continue;
      const { ids, values } = regionOf(shared, slot, k + 1);
      const indices = tensorOfView(ids.subarray(0, count), [count, 1], 'int32');
      const rows = tensorOfView(values.subarray(0, count * slot.width), [count, slot.width]);
      sum = tf.add(sum, tf.scatterND(indices, rows, shape));
    }
    return sum;
  });
}
