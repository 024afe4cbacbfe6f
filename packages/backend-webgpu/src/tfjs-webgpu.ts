// Hands the chosen adapter to tfjs-backend-webgpu. Its own factory (registered at import when
// navigator.gpu exists) asks for a "high-performance" core adapter, which Dawn's OpenGL backend
// does not offer, so it is replaced by one that requests the chosen adapter again.
import * as tf from '@tensorflow/tfjs-core';
import { errorMessage, type GpuChoice, requestTfjsDevice } from './adapter.js';
import { registerChunkedAddN } from './kernels/add-n.js';

let activated: GpuChoice | undefined;
let lastFailure: unknown;

/** The backend priority tfjs-backend-webgpu registers itself with. */
const tfjsPriority = 3;

export async function activateWebGpu(choice: GpuChoice): Promise<void> {
  if (activated && activated !== choice) {
    throw new Error(
      'the webgpu backend is already running on another adapter in this process; init options ' +
        'cannot change after the first init',
    );
  }
  if (!activated) {
    choice.install?.(); // before the import: tfjs checks navigator.gpu at import and in the backend
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    registerChunkedAddN();
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    tf.registerBackend(
      'webgpu',
      async () => {
        try {
          const adapter = await choice.gpu.requestAdapter(choice.request);
          if (!adapter) throw new Error(`${choice.backend}: the adapter is gone`);
          const device = await requestTfjsDevice(adapter);
          return new WebGPUBackend(device as never, adapter.info as never);
        } catch (error) {
          lastFailure = error; // tf.setBackend only logs it and returns false
          throw error;
        }
      },
      tfjsPriority,
    );
    activated = choice;
  }
  const previous = tf.getBackend();
  lastFailure = undefined;
  if (!(await tf.setBackend('webgpu'))) {
    // A failed setBackend leaves tfjs naming "webgpu" with no backend behind it.
    if (previous && previous !== 'webgpu') await tf.setBackend(previous);
    throw new Error(`tfjs could not initialize its webgpu backend: ${errorMessage(lastFailure)}`);
  }
}
