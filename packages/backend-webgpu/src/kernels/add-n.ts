// AddN for tfjs-backend-webgpu that respects the device's storage-buffer limit. tfjs binds every
// input of AddN to one shader; past maxStorageBuffersPerShaderStage - 1 inputs the pipeline fails
// to build and the result is silently wrong (measured on Mesa llvmpipe: addN of 8 tensors returned
// the sum of the first 4). Here larger sums run in chunks that fit.
import * as tf from '@tensorflow/tfjs-core';

interface WebGpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  disposeData(dataId: tf.DataId): boolean;
}

/** Inputs one AddN shader may take on `backend`: every storage buffer but the output's. */
export function addNInputLimit(backend: WebGpuBackendLike): number {
  return Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
}

let replaced = false;

/** Replaces tfjs-backend-webgpu's AddN (call after importing it). */
export function registerChunkedAddN(): void {
  if (replaced) return;
  const original = tf.getKernel(tf.AddN, 'webgpu');
  if (!original) throw new Error('tfjs-backend-webgpu has no AddN kernel to replace');
  replaced = true;
  tf.unregisterKernel(tf.AddN, 'webgpu');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const backend = args.backend as unknown as WebGpuBackendLike;
      const limit = addNInputLimit(backend);
      const partials: tf.TensorInfo[] = [];
      let terms = args.inputs as unknown as tf.TensorInfo[];
      while (terms.length > limit) {
        const next: tf.TensorInfo[] = [];
        for (let i = 0; i < terms.length; i += limit) {
          const chunk = terms.slice(i, i + limit);
          if (chunk.length === 1) {
            next.push(chunk[0] as tf.TensorInfo);
            continue;
          }
          const sum = original.kernelFunc({ ...args, inputs: chunk as never }) as tf.TensorInfo;
          partials.push(sum);
          next.push(sum);
        }
        terms = next;
      }
      const result = original.kernelFunc({ ...args, inputs: terms as never });
      for (const partial of partials) backend.disposeData(partial.dataId);
      return result;
    },
  });
}
