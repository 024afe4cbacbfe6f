// Dawn (the npm package "webgpu") is an optional peer dependency, and "auto" does not start it on a
// machine with no GPU device. The package lookup and the device list are injected, so both sides
// run here without uninstalling anything or adding a GPU.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DawnLoader, dawnVersion } from './dawn.js';
import { gpuDevicesUnder } from './gpu-devices.js';
import { createWebGpuBackend } from './plugin.js';

const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8'));

const notInstalled: DawnLoader = {
  resolve: () => undefined,
  load: () => Promise.reject(new Error('load() must not be called when resolve() finds nothing')),
};

describe('the "webgpu" package is an optional peer dependency', () => {
  it('is a peer marked optional (and a devDependency for these tests), never a dependency', () => {
    expect(manifest.dependencies.webgpu).toBeUndefined();
    expect(manifest.peerDependencies.webgpu).toBe(dawnVersion);
    expect(manifest.peerDependenciesMeta.webgpu).toEqual({ optional: true });
    expect(manifest.devDependencies.webgpu).toBe(dawnVersion);
  });

  it('when absent, isAvailable() says so and gives the install commands', async () => {
    const plugin = createWebGpuBackend({
      dawnLoader: notInstalled,
      findGpuDevices: () => ['/dev/dri/renderD128'],
    });
    const availability = await plugin.isAvailable();
    expect(availability).toEqual({
      available: false,
      reason:
        'the "webgpu" package (Dawn for Node) is not installed: run `npm install webgpu@0.6.2` ' +
        'beside @recurrent/backend-webgpu (with a global @recurrent/cli: `npm install -g webgpu@0.6.2`); ' +
        'it holds Dawn for every platform, about 130 MB. Browsers need nothing (they have navigator.gpu)',
    });
    await expect(plugin.init()).rejects.toThrow(
      'backend "webgpu" is not available: the "webgpu" package (Dawn for Node) is not installed',
    );
  });

  it('when it is installed but does not load, says so with the error and how to reinstall', async () => {
    const plugin = createWebGpuBackend({
      dawnLoader: {
        resolve: () => '/somewhere/webgpu/index.js',
        load: () => Promise.reject(new Error('dawn.node: invalid ELF header')),
      },
    });
    const availability = await plugin.isAvailable();
    const reason = availability.available ? '' : availability.reason;
    expect(reason).toContain(
      'the "webgpu" package (Dawn for Node) is installed but failed to load: dawn.node: invalid ELF header;',
    );
    expect(reason).toContain(`(this is ${process.platform}-${process.arch})`);
    expect(reason).toContain('reinstall it with `npm install webgpu@0.6.2`');
  });
});

describe('"auto" does not start Dawn without a GPU device', () => {
  it.runIf(process.platform === 'linux')(
    'skipInAuto() gives the reason when no GPU device node exists, before loading anything',
    async () => {
      const plugin = createWebGpuBackend({ dawnLoader: notInstalled, findGpuDevices: () => [] });
      expect(await plugin.skipInAuto?.()).toBe(
        'no GPU device on this machine (none of /dev/dri/renderD*, /dev/nvidia*, /dev/dxg), so ' +
          'WebGPU could only run on Mesa\'s llvmpipe, slower than wasm: "auto" does not start ' +
          'Dawn; name "webgpu" to use it anyway',
      );
    },
  );

  it('lets "auto" probe where a GPU device exists', async () => {
    const plugin = createWebGpuBackend({ findGpuDevices: () => ['/dev/dri/renderD128'] });
    expect(await plugin.skipInAuto?.()).toBeUndefined();
  });

  it("finds DRM render nodes, NVIDIA devices and WSL's /dev/dxg, nothing else", () => {
    const root = mkdtempSync(join(tmpdir(), 'gpu-devices-'));
    expect(gpuDevicesUnder(root)).toEqual([]);
    mkdirSync(join(root, 'dev/dri'), { recursive: true });
    // simpledrm's card0 (a display, no GPU), NVIDIA's control node and null are not GPUs.
    for (const name of ['dri/card0', 'dri/by-path', 'nvidiactl', 'nvidia-uvm', 'null'])
      writeFileSync(join(root, 'dev', name), '');
    expect(gpuDevicesUnder(root)).toEqual([]);
    for (const name of ['dri/renderD128', 'dri/renderD129', 'nvidia0', 'dxg'])
      writeFileSync(join(root, 'dev', name), '');
    expect(gpuDevicesUnder(root).sort()).toEqual(
      ['dri/renderD128', 'dri/renderD129', 'nvidia0', 'dxg']
        .map((n) => join(root, 'dev', n))
        .sort(),
    );
  });
});
