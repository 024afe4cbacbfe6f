// Opening a WebGPU adapter the way tfjs-backend-webgpu will use it, and saying what it is: the
// fields describe() reports and whether it is a software rasterizer (slower than wasm there).
import type { AdapterInfoLike, AdapterRequest, GpuAdapterLike, GpuLike } from './gpu-types.js';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
}

/** A working adapter and how to ask for it again: an adapter can create only one device. */
export interface GpuChoice {
  readonly gpu: GpuLike;
  readonly request: AdapterRequest;
  readonly adapter: AdapterSummary;
  /** "navigator.gpu" in browsers, else Dawn's backend: "vulkan", "opengl", "metal", "d3d12". */
  readonly backend: string;
  /** Node: what was set up to get the adapter, and package versions, for describe(). */
  readonly details?: Record<string, unknown>;
  /** Node: makes this gpu navigator.gpu, which tfjs-backend-webgpu's backend requires. */
  readonly install?: () => void;
}

export type Probe = { ok: true; choice: GpuChoice } | { ok: false; reason: string };

// Dawn reports Mesa's llvmpipe with isFallbackAdapter false, so the names are checked as well.
const softwareNames = /llvmpipe|lavapipe|softpipe|swiftshader|software|basic render driver/i;

export function summarizeAdapter(adapter: GpuAdapterLike): AdapterSummary {
  const info: AdapterInfoLike = adapter.info ?? {};
  const summary = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  const named = softwareNames.test(Object.values(summary).join(' '));
  return { ...summary, software: fallback || named };
}

/** A short name for messages: "llvmpipe-llvm-15-0-6-256-bits-", "nvidia ampere". */
export function adapterName(adapter: AdapterSummary): string {
  return (
    adapter.device ||
    [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') ||
    adapter.description ||
    'unnamed adapter'
  );
}

/** The device tfjs-backend-webgpu's own factory would request (same features and limits). */
export function requestTfjsDevice(adapter: GpuAdapterLike) {
  const limits = adapter.limits as Record<string, number>;
  const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage'].filter((f) =>
    adapter.features.has(f),
  );
  return adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      // The default of 8 is too few for ops with many inputs (AddN, Concat) in tfjs shaders.
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    },
  });
}

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Asks `gpu` for an adapter and checks it can create tfjs's device (an adapter that cannot is
 * useless, e.g. one missing required limits), then releases the device.
 */
export async function openAdapter(
  gpu: GpuLike,
  request: AdapterRequest,
  backend: string,
): Promise<Probe> {
  try {
    const adapter = await gpu.requestAdapter(request);
    if (!adapter) return { ok: false, reason: `${backend}: no adapter` };
    const summary = summarizeAdapter(adapter);
    const device = await requestTfjsDevice(adapter);
    device.destroy();
    return { ok: true, choice: { gpu, request, adapter: summary, backend } };
  } catch (error) {
    return { ok: false, reason: `${backend}: ${errorMessage(error)}` };
  }
}
