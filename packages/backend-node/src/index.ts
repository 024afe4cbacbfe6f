// @recurrent/backend-node: registers the "node" backend plug-in with @recurrent/core when imported.
// tfjs-node itself loads only on the first isAvailable()/init(), and only if it is installed.
import { registerBackend } from '@recurrent/core';
import { createNodeBackend } from './plugin.js';

export type { NodeBackendOptions } from './plugin.js';

export const nodeBackend = createNodeBackend();

registerBackend(nodeBackend);
