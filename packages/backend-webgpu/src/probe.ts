// Finds the adapter the plug-in will use: navigator.gpu where the runtime has one (browsers),
// Dawn in Node. Nothing here loads before the first isAvailable() or init().
import { openAdapter, type Probe } from './adapter.js';
import type { DawnDependencies } from './dawn.js';
import { runtimeGpu } from './navigator-gpu.js';

/** What init() accepts: see the README's "Options". */
export interface WebGpuBackendOptions {
  /** Passed to requestAdapter: which GPU to prefer on machines with two. */
  powerPreference?: 'high-performance' | 'low-power';
  /**
   * Use a software adapter even when a GPU exists (to reproduce CI): Mesa llvmpipe in Node on
   * Linux, the browser's fallback adapter (`forceFallbackAdapter`) in browsers.
   */
  forceSoftware?: boolean;
}

export type ProbeOptions = WebGpuBackendOptions;

const browserHelp =
  'WebGPU needs a secure context (https or localhost) and Chrome/Edge 113+, Safari 26+ or ' +
  'Firefox 141+ (headless Chromium: --enable-unsafe-webgpu)';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** The Node-only module (Dawn, library and device checks), by a computed specifier. */
async function nodeModule(): Promise<typeof import('./dawn.js')> {
  // A computed specifier keeps bundlers from pulling the Node-only module (node:fs, Dawn) into
  // browser builds, where it would not build.
  const dawnModule = './dawn.js';
  return (await import(
    /* @vite-ignore */ /* webpackIgnore: true */ dawnModule
  )) as typeof import('./dawn.js');
}

/**
 * The plug-in's skipInAuto(): in Node on Linux with no GPU device, why "auto" should not start
 * Dawn; undefined where a probe may find a GPU (browsers, macOS, Windows, Linux with a GPU).
 */
export async function skipWebGpuInAuto(
  dependencies: DawnDependencies,
): Promise<string | undefined> {
  if (runtimeGpu() || !isNode) return undefined;
  return (await nodeModule()).noGpuForAuto(dependencies);
}

export async function probeWebGpu(
  options: ProbeOptions,
  dependencies: DawnDependencies,
): Promise<Probe> {
  const gpu = runtimeGpu();
  if (gpu) {
    const probe = await openAdapter(
      gpu,
      {
        ...(options.powerPreference ? { powerPreference: options.powerPreference } : {}),
        ...(options.forceSoftware ? { forceFallbackAdapter: true } : {}),
      },
      'navigator.gpu',
    );
    if (probe.ok) return { ok: true, choice: { ...probe.choice, details: { runtime: 'browser' } } };
    return { ok: false, reason: `${probe.reason}: ${browserHelp}` };
  }
  if (isNode) return (await nodeModule()).probeDawn(options, dependencies);
  return { ok: false, reason: `this runtime has no navigator.gpu: ${browserHelp}` };
}
