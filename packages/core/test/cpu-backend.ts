// A plain cpu plug-in for core's own tests and benchmarks. Core never imports a backend package
// (and @recurrent/backend-cpu depends on core), so core registers tfjs-backend-cpu itself here.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerBackend } from '../src/index.js';

export function registerCpuBackend(): void {
  registerBackend({
    name: 'cpu',
    priority: 10,
    isAvailable: async () => ({ available: true }),
    init: async () => {
      await tf.setBackend('cpu');
      (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    },
    describe: async () => ({
      device: 'CPU (JavaScript)',
      implementation: '@tensorflow/tfjs-backend-cpu',
    }),
  });
}
