// @recurrent/backend-cpu: registers the "cpu" backend plug-in with @recurrent/core when imported.
import { type BackendPlugin, registerBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerDecodeStep } from './decode-step.js';
import { registerFusedKernels } from './fused-kernels.js';

export const cpuBackend: BackendPlugin = {
  name: 'cpu',
  priority: 10,
  async isAvailable() {
    return { available: true };
  },
  async init() {
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not initialize its cpu backend');
    // Porting note: tfjs-backend-cpu prints a banner recommending tfjs-node on first use in Node;
    // Recurrent selects backends itself (`recurrent backends` lists them), so it is silenced.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  },
  async describe() {
    return {
      device: 'CPU (JavaScript)',
      implementation: '@tensorflow/tfjs-backend-cpu',
      tfjs: tf.version_core,
      threads: 1,
      fusedRecurrentKernels: ['RecurrentForward', 'RecurrentBackward', 'DecodeStep'],
    };
  },
};

registerBackend(cpuBackend);
registerFusedKernels();
registerDecodeStep();
