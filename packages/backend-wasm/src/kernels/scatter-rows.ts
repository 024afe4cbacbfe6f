// ScatterNd with one index per row (indices [N, 1]: out[indices[n]] += updates[n], whole rows), the
// form of an embedding's gradient and of an input projection's through a table, as one pass of our
// gates module's row adds. tfjs-backend-wasm's kernel took 0.5 ms for W6's [2048, 192] rows into
// [65, 192] (measured); every other form, and ids outside the output, stay with it (it reports them).
import * as tf from '@tensorflow/tfjs-core';
import { withScope } from './wasm-heap.js';

interface ScatterArgs {
  inputs: { indices: tf.TensorInfo; updates: tf.TensorInfo };
  backend: unknown;
  attrs: { shape: number[] };
}

export function makeScatterNd(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as ScatterArgs;
    const { indices, updates } = inputs;
    const { shape } = attrs;
    const count = indices.shape[0] as number;
    const rowShape = shape.slice(1);
    const oneIndexPerRow =
      indices.dtype === 'int32' &&
      indices.shape.length === 2 &&
      indices.shape[1] === 1 &&
      updates.dtype === 'float32' &&
      updates.shape.join() === [count, ...rowShape].join();
    if (!oneIndexPerRow) return fallback(args);
    return withScope(backend, (scope) => {
      const gates = scope.gates;
      const rows = shape[0] as number;
      const ids = new Int32Array(scope.wasm.HEAP32.buffer, scope.offset(indices), count);
      if (!gates || ids.some((id) => id < 0 || id >= rows)) return fallback(args);
      const out = scope.output(shape);
      const width = tf.util.sizeFromShape(rowShape);
      scope.f32(out).fill(0);
      if (count > 0 && width > 0) {
        gates.addRowsAt(
          scope.offset(indices),
          scope.offset(updates),
          count,
          width,
          scope.offset(out),
        );
      }
      return out;
    });
  };
}
