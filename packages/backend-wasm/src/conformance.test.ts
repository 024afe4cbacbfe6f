// The shared backend conformance suite (@recurrent/testkit) on wasm.
import '@recurrent/backend-cpu';
import { conformanceSuite } from '@recurrent/testkit';
import './index.js';

conformanceSuite({ backend: 'wasm', deterministic: true });
