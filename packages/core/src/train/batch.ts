// Batches as fit uses them: the order of an epoch's batches, freeing a batch's tensors, and
// cutting a batch along time into chunks for truncated backpropagation through time.
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../init/random.js';
import { type InputDescription, inputTensors, type ModelInputs } from '../model/inputs.js';
import type { Model } from '../model/model.js';
import type { Batch } from './types.js';

/** The order of the batches in `epoch`: the same for the same seed, whatever happened before. */
export function batchOrder(count: number, seed: number, epoch: number, shuffle: boolean): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (!shuffle) return order;
  const random = new Random((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** Every tensor of a batch: its inputs' and its targets. */
export function batchTensors(batch: Batch): tf.Tensor[] {
  return [...inputTensors(batch.inputs), batch.targets];
}

/**
 * A batch cut along time into chunks of `steps` (the last may be shorter): every input with a
 * time axis (axis 1, as `model.inputs` describes it) is sliced, and the targets, [B, T] or
 * [B * T], with them. Inputs with lengths (padding) are refused: a chunk would cut rows short.
 */
export function chunksOf(model: Model, batch: Batch, steps: number): Batch[] {
  const timed = timedInputs(model, batch.inputs);
  const [first] = timed;
  if (!first)
    throw new Error(`truncatedBptt: model "${model.spec.name}" has no input with a time axis`);
  const [B, T] = first[1].shape as [number, number];
  const flat = batch.targets.rank === 1;
  if (batch.targets.size !== B * T) {
    throw new Error(
      `truncatedBptt: targets [${batch.targets.shape.join(', ')}] do not align with input "${first[0]}" [${B}, ${T}]`,
    );
  }
  // Inside tidy: only the chunks (kept) outlive the reshapes.
  return tf.tidy(() => {
    const targets = flat ? tf.reshape(batch.targets, [B, T]) : batch.targets;
    const chunks: Batch[] = [];
    for (let start = 0; start < T; start += steps) {
      const size = Math.min(steps, T - start);
      const inputs = Object.fromEntries(
        timed.map(([name, x, onHost]) => [
          name,
          tf.keep(onHost ? sliceTimeOnHost(x, start, size) : sliceTime(x, start, size)),
        ]),
      );
      const chunkTargets = tf.slice(targets, [0, start], [B, size]);
      chunks.push({
        inputs,
        targets: tf.keep(flat ? tf.reshape(chunkTargets, [B * size]) : chunkTargets),
        tokens: B * size,
      });
    }
    return chunks as unknown as tf.TensorContainer;
  }) as unknown as Batch[];
}

/**
 * The batch's inputs that have a time axis, all of one length, each with whether the model reads
 * it on the CPU (InputDescription.readOnHost); refuses lengths.
 */
function timedInputs(model: Model, inputs: ModelInputs): Array<[string, tf.Tensor, boolean]> {
  const described = new Map(model.inputs.map((d) => [d.name, d] as const));
  const timed: Array<[string, tf.Tensor, boolean]> = [];
  for (const [name, value] of Object.entries(inputs)) {
    if (value === undefined) continue;
    const d = described.get(name) as InputDescription | undefined;
    if (d?.lengthsOf !== undefined) {
      throw new Error(
        `truncatedBptt: batches with lengths (padding) cannot be cut into chunks (input "${name}")`,
      );
    }
    if (d?.shape[1] !== 'time' || !(value instanceof tf.Tensor)) {
      throw new Error(
        `truncatedBptt: cannot cut input "${name}" along time: model "${model.spec.name}" takes ${model.inputs.map((i) => `"${i.name}"`).join(', ')}`,
      );
    }
    const [, T] = timed[0]?.[1].shape ?? [];
    if (T !== undefined && value.shape[1] !== T) {
      throw new Error(
        `truncatedBptt: input "${name}" has ${value.shape[1]} time steps but "${timed[0]?.[0]}" has ${T}`,
      );
    }
    timed.push([name, value, d.readOnHost === true]);
  }
  return timed;
}

/**
 * sliceTime done in JavaScript: a tensor made from values, which every backend can still read
 * synchronously (a GPU backend's kernel output could not be, in Node).
 */
function sliceTimeOnHost(x: tf.Tensor, start: number, size: number): tf.Tensor {
  const [B, T] = x.shape as [number, number];
  const inner = x.size / (B * T);
  const values = x.dataSync() as Int32Array | Float32Array;
  const out =
    x.dtype === 'int32' ? new Int32Array(B * size * inner) : new Float32Array(B * size * inner);
  for (let b = 0; b < B; b++) {
    const from = (b * T + start) * inner;
    out.set(values.subarray(from, from + size * inner), b * size * inner);
  }
  return tf.tensor(out, [B, size, ...x.shape.slice(2)], x.dtype);
}

/** Steps [start, start + size) of x [B, T, ...]. */
function sliceTime(x: tf.Tensor, start: number, size: number): tf.Tensor {
  const begin = x.shape.map((_, axis) => (axis === 1 ? start : 0));
  const extent = x.shape.map((n, axis) => (axis === 1 ? size : n));
  return tf.slice(x, begin, extent);
}
