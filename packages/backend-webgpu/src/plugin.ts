// The "webgpu" plug-in: probes once per set of options (cached), flags software adapters so
// "auto" passes them over (and tells "auto" not to start Dawn at all where no GPU device exists),
// and describes the adapter it runs on.
import { BackendError, type BackendPlugin } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { adapterName, type Probe } from './adapter.js';
import type { DawnDependencies } from './dawn.js';
import { probeWebGpu, skipWebGpuInAuto, type WebGpuBackendOptions } from './probe.js';
import { activateWebGpu } from './tfjs-webgpu.js';

const powerPreferences = ['high-performance', 'low-power'];

/** Checks init()'s options: an option this plug-in does not know is an error, not ignored. */
export function parseOptions(options: Record<string, unknown> = {}): WebGpuBackendOptions {
  const { powerPreference, forceSoftware, ...rest } = options;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new BackendError(
      `webgpu backend: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (known: powerPreference, forceSoftware)`,
    );
  }
  if (powerPreference !== undefined && !powerPreferences.includes(powerPreference as string)) {
    throw new BackendError(
      `webgpu backend: powerPreference must be "high-performance" or "low-power", got ${JSON.stringify(powerPreference)}`,
    );
  }
  if (forceSoftware !== undefined && typeof forceSoftware !== 'boolean') {
    throw new BackendError(
      `webgpu backend: forceSoftware must be a boolean, got ${JSON.stringify(forceSoftware)}`,
    );
  }
  const parsed: WebGpuBackendOptions = {};
  if (powerPreference !== undefined)
    parsed.powerPreference = powerPreference as 'high-performance' | 'low-power';
  if (forceSoftware) parsed.forceSoftware = true;
  return parsed;
}

export function createWebGpuBackend(dependencies: DawnDependencies = {}): BackendPlugin {
  const probes = new Map<string, Promise<Probe>>();
  let activeOptions: WebGpuBackendOptions = {};
  const probe = (options: WebGpuBackendOptions) => {
    const key = `${options.powerPreference ?? ''}|${options.forceSoftware ?? false}`;
    let result = probes.get(key);
    if (!result) {
      result = probeWebGpu(options, dependencies);
      probes.set(key, result);
    }
    return result;
  };
  return {
    name: 'webgpu',
    priority: 30,
    async isAvailable() {
      const result = await probe({});
      if (!result.ok) return { available: false, reason: result.reason };
      if (!result.choice.adapter.software) return { available: true };
      return {
        available: true,
        notForAuto: `only a software adapter (${adapterName(result.choice.adapter)}) is available, slower than wasm: name "webgpu" to use it anyway`,
      };
    },
    skipInAuto: () => skipWebGpuInAuto(dependencies),
    async init(options) {
      const parsed = parseOptions(options);
      const result = await probe(parsed);
      if (!result.ok) throw new BackendError(`backend "webgpu" is not available: ${result.reason}`);
      await activateWebGpu(result.choice);
      activeOptions = parsed;
    },
    async describe() {
      const result = await probe(activeOptions);
      if (!result.ok) throw new BackendError(`backend "webgpu" is not available: ${result.reason}`);
      const { adapter, backend, request, details } = result.choice;
      return {
        device: `${adapterName(adapter)} (${adapter.software ? 'software' : 'GPU'}, WebGPU)`,
        implementation: '@tensorflow/tfjs-backend-webgpu',
        tfjs: tf.version_core,
        ...details,
        backend,
        featureLevel: request.featureLevel ?? 'core',
        software: adapter.software,
        adapter: {
          vendor: adapter.vendor,
          architecture: adapter.architecture,
          device: adapter.device,
          description: adapter.description,
        },
      };
    },
  };
}
