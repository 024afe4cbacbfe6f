// Collects the comparisons of one case and makes sure every expected tensor was checked.

import * as tf from '@tensorflow/tfjs-core';
import type { SafetensorsFile } from '../index.js';
import { type Comparison, compareTensors, type Tolerance } from './compare.js';

export class Checker {
  readonly comparisons: Comparison[] = [];
  readonly #checked = new Set<string>();
  /** Copies of the tensors to compare, read back asynchronously by settle(). */
  readonly #pending: Array<{ name: string; actual: tf.Tensor; tolerance: Tolerance }> = [];

  constructor(
    readonly expected: SafetensorsFile,
    /** Tensors of the file that are inputs, not results. */
    readonly inputs: ReadonlySet<string>,
  ) {}

  /**
   * Queues `actual` for comparison with the expected tensor `name` (a copy is kept, so this may be
   * called inside tidy). Comparisons appear after settle().
   */
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
    this.#pending.push({ name, actual: tf.keep(tf.clone(actual)), tolerance });
  }

  /**
   * Reads back every queued tensor (asynchronously: GPU backends in Node have no synchronous read)
   * and compares it; the copies are disposed.
   */
  async settle(): Promise<void> {
    for (const { name, actual, tolerance } of this.#pending.splice(0)) {
      const values = (await actual.data()) as Float32Array;
      const shape = actual.shape;
      actual.dispose();
      const entry = this.expected.entry(name);
      this.comparisons.push(
        compareTensors(name, values, shape, this.expected.float32(name), entry.shape, tolerance),
      );
    }
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
