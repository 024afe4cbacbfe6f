// The shared buffers of data-parallel training on hand-made values: the reduce-scatter's ranges
// and sums, a part's gradients times its share, an embedding table's nonzero rows and their sum
// with this thread's part, weights published by version. (data-parallel-text.test.ts runs them
// between threads.)
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Parameter } from '../../layers/layer.js';
import { combineOwnRange, combineRange, sharedGradients, writePart } from './shared-gradients.js';
import { sharedWeights, uploadWeights, writeWeights } from './shared-weights.js';
import { addRows, sharedRows, writeNonzeroRows } from './sparse-rows.js';
import { tensorOfView } from './tensor-memory.js';

const parameter = (name: string, values: number[][] | number[], trainable = true): Parameter => ({
  name,
  variable: tf.variable(tf.tensor(values), trainable, `${name}-${Math.random()}`),
  trainable,
});

describe('combineRange', () => {
  it('cuts the flat gradient into contiguous ranges differing by at most one', () => {
    expect([0, 1, 2].map((k) => combineRange(10, 3, k))).toEqual([
      [0, 4],
      [4, 7],
      [7, 10],
    ]);
    expect([0, 1].map((k) => combineRange(1, 2, k))).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });
});

describe('shared gradients', () => {
  it('writes each part times its share, zeros where it got none, and sums the parts by range', () => {
    const a = parameter('a', [1, 2, 3]);
    const b = parameter('b', [[4], [5]]);
    const frozen = parameter('frozen', [9], false);
    const parameters = [a, frozen, b];
    const shared = sharedGradients(parameters, new Set(), 3);
    expect(shared.slots.map((s) => [s.parameter, s.offset, s.size])).toEqual([
      [0, 0, 3],
      [2, 3, 2],
    ]);
    const grads = (x: number[], y?: number[]) =>
      new Map<Parameter, tf.Tensor>([
        [a, tf.tensor(x)],
        ...(y ? [[b, tf.tensor(y, [2, 1])] as [Parameter, tf.Tensor]] : []),
      ]);
    const parts = [
      grads([1, 2, 3], [4, 5]),
      grads([10, 20, 30]),
      grads([100, 200, 300], [400, 500]),
    ];
    // Region 2 first holds stale values: part 1 must zero b, not leave them.
    new Float32Array(shared.values).fill(7);
    expect(writePart(shared, 0, parameters, parts[0] as never, 0.5)).toEqual([0, 2]);
    expect(writePart(shared, 1, parameters, parts[1] as never, 0.25)).toEqual([0]);
    expect(writePart(shared, 2, parameters, parts[2] as never, 0.25)).toEqual([0, 2]);
    for (const k of [2, 0, 1]) combineOwnRange(shared, k, 3); // any order: disjoint ranges
    expect(Array.from(new Float32Array(shared.values, 0, 5))).toEqual([
      0.5 + 2.5 + 25,
      1 + 5 + 50,
      1.5 + 7.5 + 75,
      2 + 0 + 100,
      2.5 + 0 + 125,
    ]);
    tf.dispose([...parts.flatMap((m) => [...m.values()]), a.variable, b.variable, frozen.variable]);
  });

  it('sums only the parts of a batch with fewer rows than threads', () => {
    const a = parameter('a', [0, 0]);
    const shared = sharedGradients([a], new Set(), 3);
    new Float32Array(shared.values).set([1, 2, 10, 20, 1000, 2000]);
    combineOwnRange(shared, 0, 2);
    combineOwnRange(shared, 1, 2);
    expect(Array.from(new Float32Array(shared.values, 0, 2))).toEqual([11, 22]);
    a.variable.dispose();
  });
});

describe('embedding rows', () => {
  it('sends the nonzero rows times the share and adds them to this thread’s part by row', () => {
    const table = parameter('table', [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const shared = sharedRows([table], [0], 3);
    const slot = shared.tables[0] as (typeof shared.tables)[number];
    const part1 = Float32Array.of(0, 0, 1, -2, 0, 0, 0, 3, 0, 0);
    const part2 = Float32Array.of(4, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(writeNonzeroRows(shared, slot, 1, part1, 0.5)).toBe(2);
    expect(writeNonzeroRows(shared, slot, 2, part2, 0.25)).toBe(1);
    const own = tf.tensor2d([
      [2, 2],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 4],
    ]);
    const sum = addRows(shared, slot, own, 0.25, [2, 1]);
    expect(sum.arraySync()).toEqual([
      [0.5 + 1, 0.5],
      [0.5, -1],
      [0, 0],
      [0, 1.5],
      [0, 1],
    ]);
    // Without this thread's part (its rows never looked the table up), and a part with none.
    const others = addRows(shared, slot, undefined, 0.25, [2, undefined]);
    expect(others.arraySync()).toEqual([
      [0, 0],
      [0.5, -1],
      [0, 0],
      [0, 1.5],
      [0, 0],
    ]);
    tf.dispose([own, sum, others, table.variable]);
  });
});

describe('shared weights', () => {
  it('publishes values by version; frozen ones go once; a stale version is refused', () => {
    const trained = parameter('trained', [1, 2]);
    const frozen = parameter('frozen', [3], false);
    const shared = sharedWeights([trained, frozen]);
    writeWeights(shared, [trained, frozen], 1, false);
    const worker = [parameter('trained', [0, 0]), parameter('frozen', [0], false)];
    uploadWeights(shared, worker, 1, false);
    expect(worker.map((p) => Array.from(p.variable.dataSync()))).toEqual([[1, 2], [3]]);
    tf.tidy(() => trained.variable.assign(tf.tensor([5, 6])));
    tf.tidy(() => frozen.variable.assign(tf.tensor([8]))); // not sent any more: trainable only
    writeWeights(shared, [trained, frozen], 2, true);
    expect(() => uploadWeights(shared, worker, 3, true)).toThrow(
      'the shared weights are at version 2, the step expects 3 (written out of order)',
    );
    uploadWeights(shared, worker, 2, true);
    expect(worker.map((p) => Array.from(p.variable.dataSync()))).toEqual([[5, 6], [3]]);
    tf.dispose([trained, frozen, ...worker].map((p) => p.variable));
  });

  it('gives a backend that keeps arrays (cpu) a copy of the shared view', () => {
    const view = new Float32Array(new SharedArrayBuffer(8));
    view.set([1, 2]);
    const t = tensorOfView(view, [2]);
    view.set([7, 7]);
    expect(Array.from(t.dataSync())).toEqual([1, 2]);
    t.dispose();
  });
});
