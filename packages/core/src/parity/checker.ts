// Collects the comparisons of one case and makes sure every expected tensor was checked.

import type * as tf from '@tensorflow/tfjs-core';
import type { SafetensorsFile } from '../index.js';
import { type Comparison, compareTensors, type Tolerance } from './compare.js';

export class Checker {
  readonly comparisons: Comparison[] = [];
  readonly #checked = new Set<string>();

  constructor(
    readonly expected: SafetensorsFile,
    /** Tensors of the file that are inputs, not results. */
    readonly inputs: ReadonlySet<string>,
  ) {}

  /** Compares `actual` with the expected tensor `name`. */
  check(name: string, actual: tf.Tensor, tolerance: Tolerance): void {
    this.#checked.add(name);
    if (!this.expected.entries.has(name)) {
      this.comparisons.push({
        name,
        maxError: Number.POSITIVE_INFINITY,
        worstRatio: Number.POSITIVE_INFINITY,
        ok: false,
        problem: 'not in the fixture',
      });
      return;
    }
    const entry = this.expected.entry(name);
    this.comparisons.push(
      compareTensors(
        name,
        actual.dataSync() as Float32Array,
        actual.shape,
        this.expected.float32(name),
        entry.shape,
        tolerance,
      ),
    );
  }

  has(name: string): boolean {
    return this.expected.entries.has(name);
  }

  /** Expected tensors that no comparison covered: each is a failure. */
  unchecked(): string[] {
    return this.expected
      .names()
      .filter((name) => !this.inputs.has(name) && !this.#checked.has(name));
  }
}
