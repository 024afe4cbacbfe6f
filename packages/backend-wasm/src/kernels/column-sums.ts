// Sum over leading axes (x [rows, ...] summed over its rows: bias gradients, dense layers' and the
// tfjs-ops recurrent path's) as one pass of our gates module's column sums. tfjs-backend-wasm's Sum
// transposes x first: 1.1 ms for [2048, 65] (measured), and a product with a ones row, which core's
// dense layer used instead, spends most of its 0.4-0.6 ms packing x.
import * as tf from '@tensorflow/tfjs-core';
import { withScope } from './wasm-heap.js';

interface SumArgs {
  inputs: { x: tf.TensorInfo };
  backend: unknown;
  attrs: { axis: number | number[]; keepDims: boolean };
}

/** How many leading axes `axes` names when it names exactly axes 0 .. k-1 (k >= 1), else 0. */
function leadingAxes(axes: readonly number[]): number {
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted.every((a, k) => a === k) ? sorted.length : 0;
}

export function makeSum(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as SumArgs;
    const x = inputs.x;
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
    const k = leadingAxes(axes);
    // Summing every axis, or none, or inner ones, stays with tfjs's kernel.
    if (
      x.dtype !== 'float32' ||
      k === 0 ||
      k === x.shape.length ||
      tf.util.sizeFromShape(x.shape) === 0
    )
      return fallback(args);
    return withScope(backend, (scope) => {
      const gates = scope.gates;
      if (!gates) return fallback(args);
      const kept = x.shape.slice(k);
      const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
      const cols = kept.reduce((a, b) => a * b, 1);
      const out = scope.output(attrs.keepDims ? [...new Array(k).fill(1), ...kept] : kept);
      gates.columnSums(scope.offset(x), rows, cols, scope.offset(out));
      return out;
    });
  };
}
