// Transposed copies kept while their source's data lives: of variables, because a model that runs
// one token at a time (generation) would otherwise transpose every weight matrix on every step,
// and of gate gradients the recurrent backward kernel has already transposed, which the input
// projection's weight gradient (dGatesᵀ · X) needs again. XNNPACK takes no transpose flags.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm, WasmScope } from './wasm-heap.js';

/** Copies by source data; `rows` is the source's row count in the 2-D view that was transposed. */
const cache = new Map<tf.DataId, { copy: tf.TensorInfo; rows: number }>();

/** Frees the copies of data that no longer exists (assigning a variable gives it new data). */
function sweep(backend: BackendWasm): void {
  for (const [source, { copy }] of cache) {
    if (!backend.dataIdMap.has(source)) {
      backend.disposeData(copy.dataId, true);
      cache.delete(source);
    }
  }
}

function isVariableData(dataId: tf.DataId): boolean {
  const variables = tf.engine().state.registeredVariables;
  for (const name in variables) if (variables[name]?.dataId === dataId) return true;
  return false;
}

/**
 * x [rows, cols] transposed. A variable's copy is cached; any other tensor's copy is a scratch
 * tensor of `scope`.
 */
export function transposed2d(scope: WasmScope, x: tf.TensorInfo): tf.TensorInfo {
  sweep(scope.backend);
  const [rows, cols] = x.shape as [number, number];
  const cached = cache.get(x.dataId);
  if (cached && cached.rows === rows) return cached.copy; // the same 2-D view of the data
  const keep = isVariableData(x.dataId);
  const copy = keep ? scope.output([cols, rows]) : scope.scratch([cols, rows]);
  scope.transpose(scope.offset(x), scope.offset(copy), rows, cols);
  if (keep) cache.set(x.dataId, { copy, rows });
  return copy;
}

/** Whether x's transpose is held (then transposed2d costs nothing). */
export function hasTransposed(x: tf.TensorInfo): boolean {
  return cache.get(x.dataId)?.rows === x.shape[0];
}

/**
 * Hands `copy` (x transposed, a tensor the caller allocated and no longer owns) to the cache, for
 * later products that need xᵀ.
 */
export function rememberTransposed(
  backend: BackendWasm,
  x: tf.TensorInfo,
  rows: number,
  copy: tf.TensorInfo,
): void {
  sweep(backend);
  const previous = cache.get(x.dataId);
  if (previous) backend.disposeData(previous.copy.dataId, true);
  cache.set(x.dataId, { copy, rows });
}

/** How many transposed copies are held (for tests). */
export function transposedCopies(): number {
  return cache.size;
}
