// Test setup for @recurrent/core: core never imports a backend, so its tests register a plain
// cpu plug-in of their own (the published one lives in @recurrent/backend-cpu, which depends on core).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerBackend, useBackend } from '../src/index.js';

registerBackend({
  name: 'cpu',
  priority: 10,
  isAvailable: async () => ({ available: true }),
  init: async () => {
    await tf.setBackend('cpu');
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  },
  describe: async () => ({ device: 'test cpu' }),
});
await useBackend('cpu');
