// Kernels that only move memory, done as whole-row copies on the wasm heap. tfjs-backend-wasm's
// versions copy element by element or duplicate data: measured on BENCHMARKS sizes, a contiguous
// Slice of 3.3M floats took 9.4 ms (1.3 ms as one copy), a Gather of 12,800 embedding rows 39 ms,
// and every Identity (tfjs clones each tensor a custom gradient saves) copied its input.
import * as tf from '@tensorflow/tfjs-core';
import { type BackendWasm, withScope } from './wasm-heap.js';

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const fourBytes = (dtype: tf.DataType) => dtype === 'float32' || dtype === 'int32';

/** Identity shares the input's memory (tensors are immutable), as tfjs-backend-cpu does. */
export const identity: tf.KernelFunc = (raw) => {
  const { inputs, backend } = raw as unknown as Args;
  const x = inputs.x as tf.TensorInfo;
  (backend as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/**
 * The element range of a slice when it is one contiguous block of x (leading axes of size 1, then
 * one partial axis, then whole axes), else undefined.
 */
export function contiguousRange(
  shape: readonly number[],
  begin: readonly number[],
  sliceSize: readonly number[],
): { start: number; length: number } | undefined {
  let axis = shape.length - 1;
  while (axis > 0 && begin[axis] === 0 && sliceSize[axis] === shape[axis]) axis--;
  for (let j = 0; j < axis; j++) if (sliceSize[j] !== 1) return undefined;
  let start = 0;
  let stride = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    start += (begin[j] as number) * stride;
    stride *= shape[j] as number;
  }
  return { start, length: size(sliceSize) };
}

export function makeSlice(fallback: tf.KernelFunc): tf.KernelFunc {
  return (raw) => {
    const { inputs, backend, attrs } = raw as unknown as Args;
    const x = inputs.x as tf.TensorInfo;
    const { begin, size: requested } = attrs as unknown as { begin: number[]; size: number[] };
    const [start, sliceSize] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, requested) as [
      number[],
      number[],
    ];
    const range = fourBytes(x.dtype) ? contiguousRange(x.shape, start, sliceSize) : undefined;
    if (!range) return fallback(raw);
    return withScope(backend, (scope) => {
      const out = scope.backend.makeOutput(sliceSize, x.dtype);
      const from = (scope.offset(x) >> 2) + range.start;
      scope.wasm.HEAPF32.copyWithin(scope.offset(out) >> 2, from, from + range.length);
      return out;
    });
  };
}

/** GatherV2 of whole rows (axis 0, no batch dims) as row copies; other forms use tfjs's. */
export function makeGather(fallback: tf.KernelFunc): tf.KernelFunc {
  return (raw) => {
    const { inputs, backend, attrs } = raw as unknown as Args;
    const x = inputs.x as tf.TensorInfo;
    const indices = inputs.indices as tf.TensorInfo;
    const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
    const rowAxis = axis === 0 || axis === -x.shape.length;
    if (!rowAxis || batchDims !== 0 || !fourBytes(x.dtype) || indices.dtype !== 'int32') {
      return fallback(raw);
    }
    const rows = x.shape[0] as number;
    const width = size(x.shape.slice(1));
    return withScope(backend, (scope) => {
      const count = size(indices.shape);
      const out = (scope.backend as BackendWasm).makeOutput(
        [...indices.shape, ...x.shape.slice(1)],
        x.dtype,
      );
      const heap = scope.wasm.HEAPF32;
      const ids = new Int32Array(scope.wasm.HEAP32.buffer, scope.offset(indices), count);
      const from = scope.offset(x) >> 2;
      const to = scope.offset(out) >> 2;
      for (let n = 0; n < count; n++) {
        const row = ids[n] as number;
        if (row < 0 || row >= rows) {
          scope.backend.disposeData(out.dataId, true);
          throw new Error(`GatherV2: index ${row} (position ${n}) is not in [0, ${rows - 1}]`);
        }
        heap.copyWithin(to + n * width, from + row * width, from + (row + 1) * width);
      }
      return out;
    });
  };
}
