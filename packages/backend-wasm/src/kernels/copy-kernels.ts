// Kernels that only move memory, done as whole-row copies on the wasm heap. tfjs-backend-wasm's
// versions copy element by element or duplicate data: measured on BENCHMARKS sizes, a contiguous
// Slice of 3.3M floats took 9.4 ms (1.3 ms as one copy), a strided one (one direction's half of
// W2's [200, 64, 256] output gradient) 72 ms (under 2 ms as 12,800 row copies), a Gather of 12,800
// embedding rows 39 ms, and every Identity (tfjs clones each tensor a custom gradient saves)
// copied its input.
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

/**
 * A slice as equal runs of contiguous elements of x: where each run starts (element offsets, in
 * the output's order) and its length. The runs span the innermost partial axis and every whole
 * axis inside it (e.g. one direction's half of a bidirectional [T, B, 2H] output: T·B runs of H).
 */
export function sliceRuns(
  shape: readonly number[],
  begin: readonly number[],
  sliceSize: readonly number[],
): { runs: Int32Array; length: number } {
  let axis = shape.length - 1;
  while (axis > 0 && begin[axis] === 0 && sliceSize[axis] === shape[axis]) axis--;
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    strides[j] = stride;
    stride *= shape[j] as number;
  }
  const length = size(sliceSize.slice(axis));
  const runs = new Int32Array(size(sliceSize.slice(0, axis)));
  const index = new Array<number>(axis).fill(0);
  for (let r = 0; r < runs.length; r++) {
    let offset = (begin[axis] as number) * (strides[axis] as number);
    for (let j = 0; j < axis; j++)
      offset += ((begin[j] as number) + (index[j] as number)) * (strides[j] as number);
    runs[r] = offset;
    for (let j = axis - 1; j >= 0; j--) {
      index[j] = (index[j] as number) + 1;
      if ((index[j] as number) < (sliceSize[j] as number)) break;
      index[j] = 0;
    }
  }
  return { runs, length };
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
    if (!fourBytes(x.dtype)) return fallback(raw);
    const range = contiguousRange(x.shape, start, sliceSize);
    return withScope(backend, (scope) => {
      const out = scope.backend.makeOutput(sliceSize, x.dtype);
      const heap = scope.wasm.HEAPF32;
      const base = scope.offset(x) >> 2;
      const to = scope.offset(out) >> 2;
      if (range) {
        heap.copyWithin(to, base + range.start, base + range.start + range.length);
        return out;
      }
      const { runs, length } = sliceRuns(x.shape, start, sliceSize);
      for (let r = 0; r < runs.length; r++) {
        const from = base + (runs[r] as number);
        heap.copyWithin(to + r * length, from, from + length);
      }
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
      }
      // One call of our gates module moves every row (a copyWithin per row costs about 0.1 µs).
      const gates = scope.gates;
      if (gates && width > 0) {
        gates.copyRowsFrom(scope.offset(indices), scope.offset(x), count, width, scope.offset(out));
        return out;
      }
      for (let n = 0; n < count; n++) {
        const row = ids[n] as number;
        heap.copyWithin(to + n * width, from + row * width, from + (row + 1) * width);
      }
      return out;
    });
  };
}

/**
 * Transpose of a matrix (perm [1, 0]: our gates module's 4×4 lane shuffles) or of the two leading
 * axes of [P, Q, W] (perm [1, 0, 2], the recurrent stack's batch/time swap: P·Q row copies), for
 * 4-byte types (lanes move bits, never values); tfjs's kernel (an element loop) for the rest. W6's
 * [64, 32, 64] swap took 0.12 ms there.
 */
export function makeTranspose(fallback: tf.KernelFunc): tf.KernelFunc {
  return (raw) => {
    const { inputs, backend, attrs } = raw as unknown as Args;
    const x = inputs.x as tf.TensorInfo;
    const perm = (attrs as unknown as { perm: number[] }).perm.join();
    const matrix = perm === '1,0';
    const leading = perm === '1,0,2';
    if (!fourBytes(x.dtype) || !(matrix || leading) || size(x.shape) === 0) return fallback(raw);
    return withScope(backend, (scope) => {
      const [P, Q, W = 1] = x.shape as [number, number, number?];
      const out = (scope.backend as BackendWasm).makeOutput(leading ? [Q, P, W] : [Q, P], x.dtype);
      const gates = scope.gates;
      if (W === 1 && gates) {
        gates.transpose(scope.offset(x), scope.offset(out), P, Q);
        return out;
      }
      // Int32 views: the bits move as they are (a float copy could change a NaN's payload).
      const heap = scope.wasm.HEAP32;
      const from = scope.offset(x) >> 2;
      const to = scope.offset(out) >> 2;
      if (W === 1) {
        for (let p = 0; p < P; p++)
          for (let q = 0; q < Q; q++) heap[to + q * P + p] = heap[from + p * Q + q] as number;
        return out;
      }
      for (let p = 0; p < P; p++) {
        for (let q = 0; q < Q; q++) {
          const source = from + (p * Q + q) * W;
          heap.copyWithin(to + (q * P + p) * W, source, source + W);
        }
      }
      return out;
    });
  };
}
