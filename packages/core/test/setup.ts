// Test setup for @recurrent/core: a cpu backend for the tests (see cpu-backend.ts).
import { useBackend } from '../src/index.js';
import { registerCpuBackend } from './cpu-backend.js';

registerCpuBackend();
await useBackend('cpu');
