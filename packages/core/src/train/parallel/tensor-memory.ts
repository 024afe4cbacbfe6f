// Tensor values in and out without a fresh buffer per step. Allocating a large array costs page
// faults the first time it is written (measured on the 2-core VM: ~25 ms to dataSync() or slice()
// 3.5 MB, 0.3 ms to copy the same bytes into memory already in use), and each step reads every
// gradient and writes every weight. tfjs-backend-wasm keeps a tensor's values in its heap and
// copies what a new tensor is made from, so there the values are read in place and the shared
// buffer's views are passed as they are; other backends go through dataSync and a copy.
import * as tf from '@tensorflow/tfjs-core';

/** What tfjs-backend-wasm's backend object has that this module uses. */
interface WasmHeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
}

function wasmHeap(): WasmHeapBackend | undefined {
  const backend = tf.backend() as unknown as Partial<WasmHeapBackend>;
  return backend.wasm?.HEAPU8 instanceof Uint8Array && backend.dataIdMap
    ? (backend as WasmHeapBackend)
    : undefined;
}

/**
 * A float32 tensor's values: a view of the backend's memory where it has one (valid until the
 * backend runs again: read it at once), else dataSync().
 */
export function floatValues(t: tf.Tensor): Float32Array {
  const heap = wasmHeap();
  const offset = heap?.dataIdMap.get(t.dataId)?.memoryOffset;
  if (heap && t.dtype === 'float32' && typeof offset === 'number') {
    return new Float32Array(heap.wasm.HEAPU8.buffer, offset, t.size);
  }
  return t.dataSync() as Float32Array;
}

/**
 * A tensor of `values`, a view of a buffer that changes later: passed as is to a backend that
 * copies it (wasm), copied for one that may keep it (cpu).
 */
export function tensorOfView(
  values: Float32Array | Int32Array,
  shape: number[],
  dtype: 'float32' | 'int32' = 'float32',
): tf.Tensor {
  return tf.tensor(wasmHeap() ? values : values.slice(), shape, dtype);
}
