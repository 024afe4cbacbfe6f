// @recurrent/backend-webgpu: registers the "webgpu" backend plug-in with @recurrent/core when
// imported. Nothing heavy loads here: Dawn and tfjs-backend-webgpu load on first isAvailable()/init().
import { registerBackend } from '@recurrent/core';
import { createWebGpuBackend } from './plugin.js';

export type { WebGpuBackendOptions } from './probe.js';

export const webgpuBackend = createWebGpuBackend();

registerBackend(webgpuBackend);
