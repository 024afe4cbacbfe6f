// Transposed copies of variables, kept while the variable's data lives. XNNPACK takes no
// transpose flags, and a model that runs one token at a time (generation) would otherwise
// transpose every weight matrix on every step, which costs more than the step's products.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm, WasmScope } from './wasm-heap.js';

const cache = new Map<tf.DataId, tf.TensorInfo>();

/** Frees the copies of data that no longer exists (assigning a variable gives it new data). */
function sweep(backend: BackendWasm): void {
  for (const [source, copy] of cache) {
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
  const cached = cache.get(x.dataId);
  if (cached) return cached;
  const [rows, cols] = x.shape as [number, number];
  const keep = isVariableData(x.dataId);
  const copy = keep ? scope.output([cols, rows]) : scope.scratch([cols, rows]);
  scope.transpose(scope.offset(x), scope.offset(copy), rows, cols);
  if (keep) cache.set(x.dataId, copy);
  return copy;
}

/** How many transposed copies are held (for tests). */
export function transposedCopies(): number {
  return cache.size;
}
