// The shared backend conformance suite (@recurrent/testkit) on cpu: the fused kernels against core's
// tfjs-ops loop on the same backend, plus parity, training, leaks and determinism.
import { conformanceSuite } from '@recurrent/testkit';
import './index.js';

conformanceSuite({ backend: 'cpu', deterministic: true });
