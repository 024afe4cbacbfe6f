// The first recurrent layer's input projection for every token of a small vocabulary, for the
// decoding step: with one token per row, embedding[id] · W_ihᵀ + biases is a row of
// table = embedding · W_ihᵀ + biases [V, G*H], so a step copies B rows instead of reading W_ih
// (256 KB for W1, about 5% of a token's time). Kept while the embedding, W_ih and the biases keep
// their data (assigning a variable gives it new data); made only when the table is at most four
// times the size of W_ih, i.e. for character-sized vocabularies.
import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm, WasmScope } from './wasm-heap.js';

/** The sources of a table; biases absent without bias. */
export interface TableSources {
  embedding: tf.TensorInfo; // [V, E]
  /** W_ih transposed [E, G*H] (an XNNPACK right operand). */
  wihT: tf.TensorInfo;
  wih: tf.TensorInfo;
  bih: tf.TensorInfo | undefined;
  /** bias_hh when the cell folds it into the input projection (every cell but the GRU). */
  bhh: tf.TensorInfo | undefined;
}

interface Table {
  sources: tf.DataId[];
  table: tf.TensorInfo;
}

const tables = new Map<tf.DataId, Table>();

const sourceIds = (s: TableSources) =>
  [s.embedding, s.wih, s.bih, s.bhh].map((info) => info?.dataId).filter((id) => id !== undefined);

/** Frees the tables whose sources are gone. */
function sweep(backend: BackendWasm): void {
  for (const [key, entry] of tables) {
    if (!entry.sources.every((id) => backend.dataIdMap.has(id))) {
      backend.disposeData(entry.table.dataId, true);
      tables.delete(key);
    }
  }
}

/** Whether a table is worth making for this layer: at most four times the size of W_ih. */
export function tableFits(vocabularySize: number, embeddingDim: number): boolean {
  return vocabularySize <= 4 * embeddingDim;
}

/**
 * The table of `sources` [V, G*H], made (one XNNPACK product, then the biases) when missing. It
 * allocates: call it before taking views of the heap.
 */
export function inputTable(scope: WasmScope, sources: TableSources): tf.TensorInfo {
  sweep(scope.backend);
  const ids = sourceIds(sources);
  const found = tables.get(sources.embedding.dataId);
  if (
    found &&
    found.sources.length === ids.length &&
    found.sources.every((id, i) => id === ids[i])
  ) {
    return found.table;
  }
  if (found) {
    scope.backend.disposeData(found.table.dataId, true);
    tables.delete(sources.embedding.dataId);
  }
  const [V, E] = sources.embedding.shape as [number, number];
  const GH = sources.wihT.shape[1] as number;
  const table = scope.output([V, GH]);
  scope.matMul(scope.id(sources.embedding), scope.id(sources.wihT), scope.id(table), V, E, GH);
  const values = scope.f32(table);
  const biases = [sources.bih, sources.bhh].filter((b) => b !== undefined).map((b) => scope.f32(b));
  for (const bias of biases) {
    for (let v = 0; v < V; v++) {
      const row = v * GH;
      for (let j = 0; j < GH; j++)
        values[row + j] = (values[row + j] as number) + (bias[j] as number);
    }
  }
  tables.set(sources.embedding.dataId, { sources: ids, table });
  return table;
}

/** Whether a table is held for this embedding's data (for tests). */
export function hasInputTable(embedding: tf.DataId): boolean {
  return tables.has(embedding);
}
