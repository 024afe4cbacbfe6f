// Direct access to tfjs-backend-wasm's module: tensor memory on the wasm heap, tensor ids known to
// its C++ side, and its BatchMatMul/Transpose entry points called without tensor bookkeeping.
// These are internals of tfjs-backend-wasm 4.22.0 (pinned exactly); wasm-heap.test.ts checks them.
import type * as tf from '@tensorflow/tfjs-core';
import { type GateKernels, gateKernels } from './gates/module.js';

interface WasmModule {
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _BatchMatMul(
    aId: number,
    aShape: number,
    aRank: number,
    bId: number,
    bShape: number,
    bRank: number,
    transposeA: number,
    transposeB: number,
    outId: number,
  ): void;
  _Sigmoid(xId: number, outId: number): void;
  /** The Emscripten module's exports: the memory, in the builds without threads. */
  asm?: { memory?: WebAssembly.Memory };
  /** The (shared) memory of the threaded build, which creates it and passes it in. */
  wasmMemory?: WebAssembly.Memory;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

interface TensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: tf.DataType;
}

/** The parts of tfjs-backend-wasm's BackendWasm this package uses. */
export interface BackendWasm {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: tf.DataId): TensorData | undefined; has(dataId: tf.DataId): boolean };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/**
 * A kernel's working set: tensor ids for views into other tensors' memory (so XNNPACK can read or
 * write one time step of a [T, B, N] tensor in place), scratch tensors, and small int32 arrays for
 * shapes. `release()` frees all of it; the memory under views belongs to the viewed tensors.
 */
export class WasmScope {
  readonly backend: BackendWasm;
  readonly #views: number[] = [];
  readonly #scratch: tf.TensorInfo[] = [];
  readonly #shapes: number;

  constructor(backend: BackendWasm) {
    this.backend = backend;
    this.#shapes = backend.wasm._malloc(4 * 12);
  }

  get wasm(): WasmModule {
    return this.backend.wasm;
  }

  /** Our WASM SIMD module (gates/module.ts) over this heap; undefined where it cannot run. */
  get gates(): GateKernels | undefined {
    return backendGateKernels(this.backend);
  }

  /** The C++ id of a tensor. */
  id(info: tf.TensorInfo): number {
    return this.#data(info).id;
  }

  /** The heap byte offset of a tensor's memory. */
  offset(info: tf.TensorInfo): number {
    return this.#data(info).memoryOffset;
  }

  /** A Float32Array over a tensor's memory; invalid once the heap grows (any allocation). */
  f32(info: tf.TensorInfo): Float32Array {
    const size = info.shape.reduce((a, b) => a * b, 1);
    return new Float32Array(this.wasm.HEAPF32.buffer, this.offset(info), size);
  }

  /** A new float32 tensor owned by the caller (a kernel output). */
  output(shape: number[]): tf.TensorInfo {
    return this.backend.makeOutput(shape, 'float32');
  }

  /** A float32 tensor freed by release(). */
  scratch(shape: number[]): tf.TensorInfo {
    const info = this.output(shape);
    this.#scratch.push(info);
    return info;
  }

  /** Registers `size` floats at `byteOffset` as a tensor id (a view), unregistered by release(). */
  view(byteOffset: number, size: number): number {
    const id = this.backend.dataIdNextNumber++;
    this.wasm.tfjs.registerTensor(id, size, byteOffset);
    this.#views.push(id);
    return id;
  }

  /**
   * out[M, N] = a[M, K] · b[K, N] by ids, on XNNPACK's fast path (no transpose flags, batch 1).
   * XNNPACK packs `b` once per id and reuses the packing while the id lives: pass weights as `b`.
   */
  matMul(aId: number, bId: number, outId: number, M: number, K: number, N: number): void {
    const shapes = this.#shapes >> 2;
    const heap = this.wasm.HEAP32;
    heap.set([1, M, K, 1, K, N], shapes);
    this.wasm._BatchMatMul(aId, this.#shapes, 3, bId, this.#shapes + 12, 3, 0, 0, outId);
  }

  /**
   * out[cols, rows] = x[rows, cols]ᵀ, float32, by heap byte offsets: 4×4 lane shuffles in our gates
   * module, else JavaScript in 32×32 tiles (itself about 3× faster than tfjs-backend-wasm's
   * Transpose kernel on these sizes: 8 vs 26 ms for 2048×1024, measured).
   */
  transpose(fromOffset: number, toOffset: number, rows: number, cols: number): void {
    const gates = this.gates;
    if (gates) {
      gates.transpose(fromOffset, toOffset, rows, cols);
      return;
    }
    const heap = this.wasm.HEAPF32;
    const from = fromOffset >> 2;
    const to = toOffset >> 2;
    const tile = 32;
    for (let r0 = 0; r0 < rows; r0 += tile) {
      const r1 = Math.min(r0 + tile, rows);
      for (let c0 = 0; c0 < cols; c0 += tile) {
        const c1 = Math.min(c0 + tile, cols);
        for (let r = r0; r < r1; r++) {
          const base = from + r * cols;
          for (let c = c0; c < c1; c++) heap[to + c * rows + r] = heap[base + c] as number;
        }
      }
    }
  }

  /**
   * Makes sure `bytes` of free heap exist (allocating and freeing a block grows the heap once if
   * needed; wasm memory never shrinks), so that small allocations that follow do not grow it.
   */
  reserveHeap(bytes: number): void {
    this.wasm._free(this.wasm._malloc(bytes));
  }

  /** out = sigmoid(x) elementwise by ids (float32; XNNPACK's vectorized sigmoid). */
  sigmoid(xId: number, outId: number): void {
    this.wasm._Sigmoid(xId, outId);
  }

  release(): void {
    for (const id of this.#views) this.wasm.tfjs.disposeData(id);
    for (const info of this.#scratch) this.backend.disposeData(info.dataId, true);
    this.wasm._free(this.#shapes);
    this.#views.length = 0;
    this.#scratch.length = 0;
  }

  #data(info: tf.TensorInfo): TensorData {
    const data = this.backend.dataIdMap.get(info.dataId);
    if (!data) throw new Error('wasm kernel: a tensor input has no data on the wasm backend');
    return data;
  }
}

/** Our gates module over a tfjs-backend-wasm backend's memory; undefined where it cannot run. */
export function backendGateKernels(backend: BackendWasm): GateKernels | undefined {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  return memory ? gateKernels(memory) : undefined;
}

/**
 * Weights XNNPACK has packed: its first product with new weights allocates (which can grow the heap
 * and detach views), so that product runs before views are taken; later ones allocate nothing.
 */
const packed = new WeakSet<tf.DataId>();

/** Runs `warmUp` (a product with `weights` as the right operand) unless it ran for them before. */
export function packOnce(weights: tf.TensorInfo, warmUp: () => void): void {
  if (packed.has(weights.dataId)) return;
  warmUp();
  packed.add(weights.dataId);
}

/** Runs `body` with a scope that is always released. */
export function withScope<T>(backend: unknown, body: (scope: WasmScope) => T): T {
  const scope = new WasmScope(backend as BackendWasm);
  try {
    return body(scope);
  } finally {
    scope.release();
  }
}
