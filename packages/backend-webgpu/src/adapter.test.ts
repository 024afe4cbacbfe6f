import { describe, expect, it } from 'vitest';
import { adapterName, summarizeAdapter } from './adapter.js';
import type { AdapterInfoLike } from './gpu-types.js';

const adapter = (info: AdapterInfoLike, isFallbackAdapter?: boolean) => ({
  info,
  ...(isFallbackAdapter === undefined ? {} : { isFallbackAdapter }),
  features: new Set<string>(),
  limits: {},
  requestDevice: async () => ({ destroy() {} }),
});

describe('summarizeAdapter', () => {
  // Adapter info as real implementations report it.
  it.each([
    {
      what: "Dawn's OpenGL backend on Mesa llvmpipe (isFallbackAdapter false)",
      info: {
        vendor: '',
        architecture: '',
        device: 'llvmpipe-llvm-15-0-6-256-bits-',
        description: 'OpenGL version 4.5 (Core Profile) Mesa 22.3.6',
        isFallbackAdapter: false,
      },
      software: true,
      name: 'llvmpipe-llvm-15-0-6-256-bits-',
    },
    {
      what: 'headless Chromium on SwiftShader',
      info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '' },
      software: true,
      name: 'google swiftshader',
    },
    {
      what: 'Mesa lavapipe through Vulkan',
      info: { vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
      software: true,
      name: 'llvmpipe (LLVM 15.0.6, 256 bits)',
    },
    {
      what: 'a fallback adapter with no telling name',
      info: { vendor: 'acme', architecture: 'x', isFallbackAdapter: true },
      software: true,
      name: 'acme x',
    },
    {
      what: 'an NVIDIA GPU in Chrome',
      info: { vendor: 'nvidia', architecture: 'ampere', device: '', description: '' },
      software: false,
      name: 'nvidia ampere',
    },
    {
      what: 'an Apple GPU through Metal',
      info: {
        vendor: 'apple',
        architecture: 'metal-3',
        device: 'Apple M2',
        description: 'Metal driver on macOS',
      },
      software: false,
      name: 'Apple M2',
    },
  ])('$what: software $software', ({ info, software, name }) => {
    const summary = summarizeAdapter(adapter(info));
    expect(summary.software).toBe(software);
    expect(adapterName(summary)).toBe(name);
  });

  it('reads isFallbackAdapter from the adapter where older browsers keep it', () => {
    expect(summarizeAdapter(adapter({ vendor: 'acme' }, true)).software).toBe(true);
    expect(summarizeAdapter(adapter({ vendor: 'acme' }, false)).software).toBe(false);
  });
});
