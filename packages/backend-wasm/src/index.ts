// @recurrent/backend-wasm: registers the "wasm" backend plug-in with @recurrent/core when imported,
// with the kernels our layers need that tfjs-backend-wasm lacks or runs slowly.
import { type BackendPlugin, registerBackend } from '@recurrent/core';
import {
  getThreadsCount,
  setThreadsCount,
  setWasmPaths,
  version_wasm,
} from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { prepareGateKernels } from './kernels/gates/module.js';
import { registerWasmKernels } from './kernels/register.js';
import { type BackendWasm, backendGateKernels } from './kernels/wasm-heap.js';

export interface WasmBackendOptions {
  /**
   * Where the .wasm files are served from, for bundlers (see the README's Vite recipe): a URL
   * prefix ending in "/", or a map from file name to URL. Node finds them by itself.
   */
  wasmPaths?: string | Record<string, string>;
  /** Threads for the threaded build (browsers with cross-origin isolation only). */
  threads?: number;
}

let initialized = false;

export const wasmBackend: BackendPlugin = {
  name: 'wasm',
  priority: 20,
  async isAvailable() {
    if (typeof WebAssembly !== 'object') {
      return { available: false, reason: 'this JavaScript runtime has no WebAssembly' };
    }
    return { available: true };
  },
  async init(options?: Record<string, unknown>) {
    const { wasmPaths, threads } = (options ?? {}) as WasmBackendOptions;
    if (!initialized) {
      // Paths and threads are read once, when tfjs instantiates the module.
      if (wasmPaths !== undefined) setWasmPaths(wasmPaths as Parameters<typeof setWasmPaths>[0]);
      if (threads !== undefined) setThreadsCount(threads);
    }
    // Our gates module is compiled here, asynchronously: browsers refuse to compile a module of
    // its size synchronously on the main thread (kernels would then keep their JavaScript loops).
    await prepareGateKernels();
    if (!(await tf.setBackend('wasm'))) {
      throw new Error(
        'tfjs could not initialize its wasm backend: the .wasm files were not found or failed to ' +
          'load (in a bundled page, pass `wasmPaths`; see the @recurrent/backend-wasm README)',
      );
    }
    initialized = true;
  },
  async describe() {
    const flags = tf.env();
    const simd = await flags.getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await flags.getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return {
      device: 'CPU (WebAssembly, XNNPACK)',
      implementation: '@tensorflow/tfjs-backend-wasm',
      tfjs: tf.version_core,
      tfjsWasm: version_wasm,
      simd: Boolean(simd),
      threads: threads && initialized ? getThreadsCount() : 1,
      multithreadingSupported: Boolean(threads),
      fusedRecurrentKernels: ['RecurrentForward', 'RecurrentBackward', 'DecodeStep'],
      // Where those kernels run each step's cell arithmetic (see the README's gates module).
      cellArithmetic: initialized && gatesRun() ? 'WebAssembly SIMD' : 'JavaScript',
    };
  },
};

function gatesRun(): boolean {
  const backend = tf.findBackend('wasm') as unknown as BackendWasm | null;
  return backend !== null && backendGateKernels(backend) !== undefined;
}

registerBackend(wasmBackend);
registerWasmKernels();
