// The unavailable and broken-install paths, with the package lookup injected so they run the same
// whether or not tfjs-node is installed here.
import '@recurrent/backend-cpu';
import { BackendError, registerBackend, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeBackend } from './index.js';
import { createNodeBackend } from './plugin.js';
import type { NodePackage, TfjsNodeLoader } from './tfjs-node.js';

/** A loader for which only `installed` packages exist, loading with `load`. */
function loader(
  installed: NodePackage[],
  load: (name: NodePackage) => object = () => ({}),
): TfjsNodeLoader & { loads: NodePackage[] } {
  const loads: NodePackage[] = [];
  return {
    loads,
    resolve: (name) =>
      installed.includes(name) ? `/x/node_modules/${name}/dist/index.js` : undefined,
    load: (name) => {
      loads.push(name);
      return load(name);
    },
    tfjsCoreOf: () =>
      '/x/node_modules/@tensorflow/tfjs/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js',
  };
}

const reasonOf = async (plugin: ReturnType<typeof createNodeBackend>) => {
  const availability = await plugin.isAvailable();
  expect(availability.available).toBe(false);
  return availability.available ? '' : availability.reason;
};

/** What the real tfjs-node throws when its install script did not run (tfjs-node/src/index.ts). */
const missingAddon = new Error(
  "The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node. \nPlease run command 'npm rebuild @tensorflow/tfjs-node --build-addon-from-source' to rebuild the native addon module.",
);

afterEach(() => registerBackend(nodeBackend));

describe('backend-node when tfjs-node is missing or broken', () => {
  it('registers "node" with priority 40 on import', async () => {
    const { listBackends } = await import('@recurrent/core');
    expect(listBackends()[0]).toBe(nodeBackend);
    expect(nodeBackend.priority).toBe(40);
  });

  it('not installed: says so, how to install, and what the install needs', async () => {
    const plugin = createNodeBackend(loader([]));
    const reason = await reasonOf(plugin);
    expect(reason).toMatch(
      /^@tensorflow\/tfjs-node not installed: run `npm install @tensorflow\/tfjs-node@4\.22\.0`/,
    );
    expect(reason).toContain('(or @tensorflow/tfjs-node-gpu@4.22.0 for CUDA)');
    expect(reason).toContain('needs network access to storage.googleapis.com');
  });

  it('gpu: true names tfjs-node-gpu and its CUDA requirement', async () => {
    const plugin = createNodeBackend(loader([]));
    await expect(plugin.init({ gpu: true })).rejects.toThrow(
      /^backend "node" is not available: @tensorflow\/tfjs-node-gpu not installed: .*CUDA 11\.2 and cuDNN 8\.1/,
    );
    const cpuOnly = createNodeBackend(loader(['@tensorflow/tfjs-node']));
    await expect(cpuOnly.init({ gpu: true })).rejects.toThrow('tfjs-node-gpu not installed');
  });

  it('useBackend("node") throws a BackendError naming "node", the reason and the fix', async () => {
    registerBackend(createNodeBackend(loader([])));
    const attempt = useBackend('node');
    await expect(attempt).rejects.toThrow(BackendError);
    await expect(attempt).rejects.toThrow(
      /^backend "node" is not available: @tensorflow\/tfjs-node not installed: run `npm install @tensorflow\/tfjs-node/,
    );
    // "auto" goes on to the next backend.
    expect(await useBackend('auto')).toBe('cpu');
  });

  it('installed but its native addon is missing: the underlying error and the fix', async () => {
    const broken = loader(['@tensorflow/tfjs-node'], () => {
      throw missingAddon;
    });
    const reason = await reasonOf(createNodeBackend(broken));
    expect(reason).toContain(
      '@tensorflow/tfjs-node is installed but failed to load: The Node.js native addon module (tfjs_binding.node) can not be found',
    );
    expect(reason).toContain('run `npm rebuild @tensorflow/tfjs-node`');
    expect(reason).toContain('pnpm approve-builds');
    expect(reason).not.toContain('CUDA');
  });

  it('prefers tfjs-node-gpu when both are installed, and blames CUDA setup for its failures', async () => {
    const both = loader(['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'], () => {
      throw new Error('libcudart.so.11.0: cannot open shared object file');
    });
    const reason = await reasonOf(createNodeBackend(both));
    expect(both.loads).toEqual(['@tensorflow/tfjs-node-gpu']);
    expect(reason).toContain(
      '@tensorflow/tfjs-node-gpu is installed but failed to load: libcudart',
    );
    expect(reason).toContain('also needs Linux x64 with CUDA 11.2 and cuDNN 8.1');
  });

  it('loaded into another copy of tfjs-core: says which copies and how to dedupe', async () => {
    const elsewhere = loader(['@tensorflow/tfjs-node'], () => ({
      version: { 'tfjs-core': '4.21.0', 'tfjs-node': '4.22.0' },
    }));
    const reason = await reasonOf(createNodeBackend(elsewhere));
    expect(reason).toContain(
      'registered its "tensorflow" backend with another copy of @tensorflow/tfjs-core (4.21.0 at /x/node_modules/@tensorflow/tfjs/node_modules/',
    );
    expect(reason).toContain(`than Recurrent uses (${tf.version_core} at `);
    expect(reason).toContain('install one copy, version 4.22.0 everywhere');
  });

  it('loads the package once, keeps the active backend, and cannot switch packages', async () => {
    await useBackend('cpu');
    // Like tfjs-node: registers "tensorflow" and makes it active as it loads.
    const fake = loader(['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'], (name) => {
      const cpu = tf.findBackend('cpu') as tf.KernelBackend;
      tf.registerBackend('tensorflow', () => new (cpu.constructor as new () => tf.KernelBackend)());
      void tf.setBackend('tensorflow');
      return { version: { 'tfjs-node': name === '@tensorflow/tfjs-node' ? '4.22.0' : 'gpu' } };
    });
    try {
      const plugin = createNodeBackend(fake);
      expect(await plugin.isAvailable()).toEqual({ available: true });
      expect(await plugin.isAvailable()).toEqual({ available: true });
      expect(fake.loads).toEqual(['@tensorflow/tfjs-node-gpu']);
      expect(tf.getBackend()).toBe('cpu');
      await expect(plugin.init({ gpu: false })).rejects.toThrow(
        '@tensorflow/tfjs-node-gpu is already loaded in this process and @tensorflow/tfjs-node cannot load beside it',
      );
      await plugin.init({ gpu: true });
      expect(tf.getBackend()).toBe('tensorflow');
      expect(await plugin.describe()).toMatchObject({
        implementation: '@tensorflow/tfjs-node-gpu',
        device: 'CPU (native TensorFlow)',
        tfjsNode: 'gpu',
      });
    } finally {
      tf.removeBackend('tensorflow');
      await tf.setBackend('cpu');
    }
  });

  it.each([
    [{ gpu: 'yes' }, 'gpu must be a boolean, got "yes"'],
    [{ device: 'cuda' }, 'unknown option "device" (known: gpu)'],
  ])('init(%j) is rejected: %s', async (options, message) => {
    await expect(nodeBackend.init(options)).rejects.toThrow(message);
  });
});
