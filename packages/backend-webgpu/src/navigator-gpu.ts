// navigator.gpu: the browser's WebGPU, or in Node the Dawn instance the plug-in installs there
// (tfjs-backend-webgpu registers itself and builds its backend only when navigator.gpu exists).
import type { GpuLike } from './gpu-types.js';

const installed = new WeakSet<object>();

interface WithNavigator {
  navigator?: { gpu?: GpuLike };
}

/** navigator.gpu when the runtime provides it (a browser, Deno), not when this package put it there. */
export function runtimeGpu(): GpuLike | undefined {
  const gpu = (globalThis as WithNavigator).navigator?.gpu;
  return gpu && !installed.has(gpu) ? gpu : undefined;
}

/** Makes `gpu` navigator.gpu. Node 21+ has a navigator object (without gpu); Node 20 has none. */
export function installNavigatorGpu(gpu: GpuLike): void {
  const scope = globalThis as WithNavigator;
  installed.add(gpu);
  const property = { value: gpu, configurable: true, writable: true, enumerable: true };
  if (scope.navigator) Object.defineProperty(scope.navigator, 'gpu', property);
  else Object.defineProperty(scope, 'navigator', { ...property, value: { gpu } });
}
