// The "node" plug-in: native TensorFlow through tfjs-node (CPU) or tfjs-node-gpu (CUDA), the
// fastest backend where it installs, so "auto" prefers it.
import { BackendError, type BackendPlugin } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { createProber, type Probe } from './probe.js';
import { nodeModulesLoader, type TfjsNodeLoader } from './tfjs-node.js';

export interface NodeBackendOptions {
  /**
   * true: @tensorflow/tfjs-node-gpu (CUDA); false: @tensorflow/tfjs-node; unset: tfjs-node-gpu
   * when it is installed, else tfjs-node.
   */
  gpu?: boolean;
}

/** What tfjs-node's backend exposes beyond KernelBackend (tfjs-node's nodejs_kernel_backend.ts). */
interface NodeJSKernelBackend {
  isUsingGpuDevice?: boolean;
  binding?: { TF_Version?: string };
}

export function parseOptions(options: Record<string, unknown> = {}): NodeBackendOptions {
  const { gpu, ...rest } = options;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new BackendError(
      `node backend: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (known: gpu)`,
    );
  }
  if (gpu !== undefined && typeof gpu !== 'boolean') {
    throw new BackendError(`node backend: gpu must be a boolean, got ${JSON.stringify(gpu)}`);
  }
  return gpu === undefined ? {} : { gpu };
}

export function createNodeBackend(loader: TfjsNodeLoader = nodeModulesLoader): BackendPlugin {
  const probe = createProber(loader);
  let active: Probe | undefined;
  const unavailable = (reason: string) =>
    new BackendError(`backend "node" is not available: ${reason}`);
  return {
    name: 'node',
    priority: 40,
    async isAvailable() {
      const result = await probe(undefined);
      return result.ok ? { available: true } : { available: false, reason: result.reason };
    },
    async init(options) {
      const { gpu } = parseOptions(options);
      const result = await probe(gpu);
      if (!result.ok) throw unavailable(result.reason);
      if (!(await tf.setBackend('tensorflow'))) {
        throw new BackendError(
          `${result.package} loaded but its "tensorflow" backend did not initialize`,
        );
      }
      active = result;
    },
    async describe() {
      const result = active ?? (await probe(undefined));
      if (!result.ok) throw unavailable(result.reason);
      const backend = tf.findBackend('tensorflow') as NodeJSKernelBackend | null;
      const gpu = backend?.isUsingGpuDevice === true;
      return {
        device: gpu ? 'GPU (CUDA, native TensorFlow)' : 'CPU (native TensorFlow)',
        implementation: result.package,
        tfjs: tf.version_core,
        tfjsNode: result.module.version?.['tfjs-node'],
        tensorflow: backend?.binding?.TF_Version,
        gpu,
      };
    },
  };
}
