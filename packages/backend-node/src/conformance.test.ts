// The shared backend conformance suite (@recurrent/testkit) on native TensorFlow, wherever
// @tensorflow/tfjs-node is installed; elsewhere the suite is skipped and its title says why.
import '@recurrent/backend-cpu';
import { conformanceSuite } from '@recurrent/testkit';
import { describe, it } from 'vitest';
import { nodeBackend } from './index.js';

const availability = await nodeBackend.isAvailable();

if (availability.available) {
  conformanceSuite({ backend: 'node' });
} else {
  describe.skip(`conformance: node (skipped: ${availability.reason.split(':')[0]})`, () => {
    it('runs the conformance suite on native TensorFlow', () => {});
  });
}
