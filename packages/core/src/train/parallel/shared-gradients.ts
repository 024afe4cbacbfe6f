// The parts' gradients in one SharedArrayBuffer, combined by all threads at once: each part writes
// its gradient (already weighted by its share of the batch) into its own region, then each thread
// sums one range of the flat gradient over every region into region 0 (a reduce-scatter), and the
// main thread makes the gradient tensors from region 0. The threads take turns by message (a part
// is written before its 'computed' reply, a range summed before its 'combined' one), so no thread
// reads a region while another writes it. Parameters of rows looked up by id (an
// embedding table: a batch touches few of its rows) do not come here: see sparse-rows.ts.
import type * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../../layers/layer.js';
import { floatValues, tensorOfView } from './tensor-memory.js';

/** A dense trainable parameter's place in each region. */
export interface GradientSlot {
  /** Its index among the model's parameters. */
  parameter: number;
  shape: number[];
  offset: number;
  size: number;
}

export interface SharedGradients {
  slots: GradientSlot[];
  /** Floats per region (one region per part). */
  size: number;
  parts: number;
  values: SharedArrayBuffer;
}

export function sharedGradients(
  parameters: readonly Parameter[],
  rowSparse: ReadonlySet<number>,
  parts: number,
): SharedGradients {
  const slots: GradientSlot[] = [];
  let offset = 0;
  for (const [i, p] of parameters.entries()) {
    if (!p.trainable || rowSparse.has(i)) continue;
    slots.push({ parameter: i, shape: p.variable.shape, offset, size: p.variable.size });
    offset += p.variable.size;
  }
  return { slots, size: offset, parts, values: new SharedArrayBuffer(offset * parts * 4) };
}

/**
 * Writes part `part`'s gradients times `share` into its region (zeros where a parameter got no
 * gradient). Returns the parameters that got one.
 */
export function writePart(
  shared: SharedGradients,
  part: number,
  parameters: readonly Parameter[],
  grads: ReadonlyMap<Parameter, tf.Tensor>,
  share: number,
): number[] {
  const region = new Float32Array(shared.values, part * shared.size * 4, shared.size);
  const present: number[] = [];
  for (const slot of shared.slots) {
    const g = grads.get(parameters[slot.parameter] as Parameter);
    if (!g) {
      region.fill(0, slot.offset, slot.offset + slot.size);
      continue;
    }
    present.push(slot.parameter);
    const values = floatValues(g);
    for (let i = 0; i < slot.size; i++) region[slot.offset + i] = share * (values[i] as number);
  }
  return present;
}

/** The range of the flat gradient that thread `part` sums: as equal as possible, in order. */
export function combineRange(size: number, parts: number, part: number): [number, number] {
  const base = Math.floor(size / parts);
  const extra = size % parts;
  const start = part * base + Math.min(part, extra);
  return [start, start + base + (part < extra ? 1 : 0)];
}

/**
 * Sums thread `part`'s range over the first `parts` regions (the parts of this batch: a batch of
 * fewer rows than threads has fewer) into region 0, regions in order (reproducible).
 */
export function combineOwnRange(shared: SharedGradients, part: number, parts: number): void {
  const [start, end] = combineRange(shared.size, parts, part);
  const all = new Float32Array(shared.values);
  const { size } = shared;
  for (let i = start; i < end; i++) {
    let sum = all[i] as number;
    for (let k = 1; k < parts; k++) sum += all[k * size + i] as number;
    all[i] = sum;
  }
}

/** The combined gradients of the parameters in `present`, as tensors (copied out of region 0). */
export function combinedTensors(
  shared: SharedGradients,
  present: ReadonlySet<number>,
): Map<number, tf.Tensor> {
  const region = new Float32Array(shared.values, 0, shared.size);
  const tensors = new Map<number, tf.Tensor>();
  for (const slot of shared.slots) {
    if (!present.has(slot.parameter)) continue;
    const values = region.subarray(slot.offset, slot.offset + slot.size);
    tensors.set(slot.parameter, tensorOfView(values, slot.shape));
  }
  return tensors;
}
