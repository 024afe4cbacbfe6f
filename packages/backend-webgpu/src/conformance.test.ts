// The shared backend conformance suite (@recurrent/testkit) on webgpu: a real GPU when there is
// one, Mesa llvmpipe otherwise (correctness only; speed is judged on a real GPU).
import '@recurrent/backend-cpu';
import { conformanceSuite } from '@recurrent/testkit';
import * as tf from '@tensorflow/tfjs-core';
import './index.js';

conformanceSuite({
  backend: 'webgpu',
  // tfjs-backend-webgpu runs ops on tensors under 1,000 elements on the CPU; these cases are
  // small, so that shortcut is turned off to test the shaders.
  setup: () => tf.env().set('WEBGPU_CPU_FORWARD', false),
});
