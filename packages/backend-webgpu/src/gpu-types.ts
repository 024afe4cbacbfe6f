// The slice of the WebGPU API the plug-in touches, typed here rather than through @webgpu/types:
// tfjs-backend-webgpu and the npm "webgpu" package pull in two different versions of those globals.

export interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

export interface GpuDeviceLike {
  destroy(): void;
}

export interface GpuAdapterLike {
  readonly info?: AdapterInfoLike;
  /** Older browsers only (the field moved to `info`). */
  readonly isFallbackAdapter?: boolean;
  readonly features: { has(name: string): boolean };
  readonly limits: object;
  requestDevice(descriptor?: object): Promise<GpuDeviceLike>;
}

export interface AdapterRequest {
  powerPreference?: 'high-performance' | 'low-power';
  forceFallbackAdapter?: boolean;
  /** Dawn's OpenGL backend only offers "compatibility" adapters. */
  featureLevel?: 'core' | 'compatibility';
}

export interface GpuLike {
  requestAdapter(options?: AdapterRequest): Promise<GpuAdapterLike | null>;
}
