// tfjs-layers is the reference as published, so it runs on tfjs's own kernels. Our plug-ins may
// replace some of them for everyone in the process (@recurrent/backend-wasm swaps in a faster
// BatchMatMul), which would speed up tfjs-layers too: the stock kernels are recorded before our
// plug-ins load and swapped back in around tfjs-layers' runs. Kernels our plug-ins only add
// (fused recurrent kernels, a missing UnsortedSegmentSum) stay.
import * as tf from '@tensorflow/tfjs-core';
// Static imports: evaluated (their kernels registered) before backends.ts imports our plug-ins.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

const stock = new Map<string, Map<string, tf.KernelConfig>>();

/** Records the kernels tfjs registered for these backends; call before importing our plug-ins. */
export function recordStockKernels(backends = ['cpu', 'wasm']): void {
  for (const backend of backends) {
    stock.set(backend, new Map(tf.getKernelsForBackend(backend).map((k) => [k.kernelName, k])));
  }
}

/** Whether tfjs itself has `kernelName` for `backend` (undefined: backend not recorded). */
export function isStockKernel(backend: string, kernelName: string): boolean | undefined {
  return stock.get(backend)?.has(kernelName);
}

/** The stock kernels of `backend` that a plug-in has since replaced. */
export function replacedKernels(backend: string): string[] {
  const recorded = stock.get(backend);
  if (!recorded) return [];
  return [...recorded.values()]
    .filter((k) => tf.getKernel(k.kernelName, backend) !== k)
    .map((k) => k.kernelName);
}

/** Per backend instance, the stock kernels whose setupFunc has run. */
const setUp = new WeakMap<object, Set<string>>();

/** Runs `step` with `backend`'s replaced kernels swapped back to tfjs's own. */
export async function withStockKernels<T>(backend: string, step: () => Promise<T>): Promise<T> {
  const recorded = stock.get(backend);
  const swaps = replacedKernels(backend).map((name) => ({
    ours: tf.getKernel(name, backend),
    theirs: recorded?.get(name) as tf.KernelConfig,
  }));
  const active = tf.backend();
  const done = setUp.get(active) ?? new Set<string>();
  setUp.set(active, done);
  for (const { theirs } of swaps) {
    tf.unregisterKernel(theirs.kernelName, backend);
    tf.registerKernel(theirs);
    // A stock kernel binds its wasm function in setupFunc, which the backend ran at start-up on
    // whatever was registered then: run it once more to be sure.
    if (theirs.setupFunc && !done.has(theirs.kernelName)) theirs.setupFunc(active);
    done.add(theirs.kernelName);
  }
  try {
    return await step();
  } finally {
    for (const { ours, theirs } of swaps) {
      tf.unregisterKernel(theirs.kernelName, backend);
      if (ours) tf.registerKernel(ours);
    }
  }
}
