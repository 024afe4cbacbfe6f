// The model's weights in one SharedArrayBuffer that every thread sees: the main thread writes the
// parameters there after each optimizer step and the workers upload them into their own backend
// at the start of the next (the one copy each thread needs, made by all of them at once), instead
// of a structured-clone copy of every weight per worker per step.
import * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../../layers/layer.js';
import { floatValues, tensorOfView } from './tensor-memory.js';

/** Where each parameter's values are in the flat buffer, in model order. */
export interface WeightSlot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  trainable: boolean;
}

/** The weights buffer and its version (Int32Array slot 0 of `control`), as sent to a worker. */
export interface SharedWeights {
  slots: WeightSlot[];
  values: SharedArrayBuffer;
  /** [0]: the version of the values, written last (Atomics) after the values. */
  control: SharedArrayBuffer;
}

export function weightSlots(parameters: readonly Parameter[]): WeightSlot[] {
  let offset = 0;
  return parameters.map((p) => {
    const size = p.variable.size;
    const slot = { name: p.name, shape: p.variable.shape, offset, size, trainable: p.trainable };
    offset += size;
    return slot;
  });
}

export function sharedWeights(parameters: readonly Parameter[]): SharedWeights {
  const slots = weightSlots(parameters);
  const total = slots.reduce((n, s) => n + s.size, 0);
  return {
    slots,
    values: new SharedArrayBuffer(total * 4),
    control: new SharedArrayBuffer(4),
  };
}

/**
 * Writes the parameters' values (all of them, or only the trainable ones: frozen ones never
 * change after the first write), then publishes `version`.
 */
export function writeWeights(
  shared: SharedWeights,
  parameters: readonly Parameter[],
  version: number,
  onlyTrainable: boolean,
): void {
  const values = new Float32Array(shared.values);
  for (const [i, p] of parameters.entries()) {
    if (onlyTrainable && !p.trainable) continue;
    const slot = shared.slots[i] as WeightSlot;
    values.set(floatValues(p.variable), slot.offset);
  }
  Atomics.store(new Int32Array(shared.control), 0, version);
}

/**
 * A worker's side: assigns the shared values to its parameters (only trainable ones when
 * `onlyTrainable`). Refuses values of another version than the step's, which would be a
 * half-written or stale buffer.
 */
export function uploadWeights(
  shared: SharedWeights,
  parameters: readonly Parameter[],
  version: number,
  onlyTrainable: boolean,
): void {
  const published = Atomics.load(new Int32Array(shared.control), 0);
  if (published !== version) {
    throw new Error(
      `the shared weights are at version ${published}, the step expects ${version} (written out of order)`,
    );
  }
  const values = new Float32Array(shared.values);
  for (const [i, p] of parameters.entries()) {
    if (onlyTrainable && !p.trainable) continue;
    const slot = shared.slots[i] as WeightSlot;
    const view = values.subarray(slot.offset, slot.offset + slot.size);
    tf.tidy(() => p.variable.assign(tensorOfView(view, p.variable.shape)));
  }
}
