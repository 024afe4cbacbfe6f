// Helpers for this package's tests: seeded inputs and running one computation on a named backend.

import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Plain values with a shape, so they can be fed to any backend. */
export interface Values {
  shape: number[];
  values: Float32Array;
}

/** Deterministic values in [-1, 1). */
export function random(shape: number[], seed: number): Values {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  let s = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
    values[i] = (s / 4294967296) * 2 - 1;
  }
  return { shape, values };
}

/** Runs `compute` on `backend` with the inputs as tensors there; returns plain values. */
export async function onBackend(
  backend: string,
  compute: () => tf.Tensor,
): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const result = tf.tidy(compute);
  const values = (await result.data()) as Float32Array;
  const shape = result.shape;
  result.dispose();
  return { shape, values };
}

export const tensor = (v: Values): tf.Tensor => tf.tensor(v.values, v.shape, 'float32');

/** Every element within 10^-digits / 2 of the expected one (as toBeCloseTo), reporting the first miss. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  digits: number,
) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i], `element ${i}`).toBeCloseTo(expected[i] as number, digits);
  }
}
