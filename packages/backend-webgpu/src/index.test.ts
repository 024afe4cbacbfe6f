// The registered plug-in on this machine. CI machines have no GPU and no Vulkan loader, and install
// the EGL/Mesa packages (.ci/run), so webgpu runs on llvmpipe there; expectations that only hold
// for that setup are gated on it.
import { createRequire } from 'node:module';
import '@recurrent/backend-cpu';
import { compile, listBackends, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { webgpuBackend } from './index.js';
import { probeWebGpu } from './probe.js';
import { findSystemLibrary, vulkanLoader } from './system-libraries.js';

const require = createRequire(import.meta.url);
const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
const llvmpipeMachine = process.platform === 'linux' && !findSystemLibrary(vulkanLoader);

const spec = {
  version: 1,
  name: 'webgpu-check',
  task: 'feature-extraction',
  input: { features: 3 },
  layers: [{ type: 'lstm', hiddenSize: 4, numLayers: 2, bidirectional: true }],
  training: { optimizer: { type: 'adam' }, seed: 3 },
};

/**
 * The same computations on whichever backend is active, read back as plain arrays. The tensors
 * have >= 1000 elements: below that tfjs-backend-webgpu may run an op on its CPU helper instead.
 */
async function computations(): Promise<number[][]> {
  const model = await compile(spec, { backend: tf.getBackend() });
  const results = tf.tidy(() => {
    const a = tf.randomNormal([40, 50], 0, 1, 'float32', 1);
    const b = tf.randomNormal([50, 30], 0, 1, 'float32', 2);
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 3);
    return [
      tf.matMul(a, b),
      tf.sigmoid(a),
      tf.tanh(a),
      tf.sum(a, 0),
      tf.softmax(b),
      model.forward({ features: x, lengths: [5, 3] }).output,
    ];
  });
  const arrays = await Promise.all(results.map(async (t) => Array.from(await t.data())));
  tf.dispose(results);
  model.dispose();
  return arrays;
}

describe('@recurrent/backend-webgpu', () => {
  it('registers the webgpu plug-in on import with priority 30', () => {
    const plugin = listBackends().find((b) => b.name === 'webgpu');
    expect(plugin).toBe(webgpuBackend);
    expect(plugin?.priority).toBe(30);
  });

  it('is available, and flagged notForAuto exactly when the adapter is software', async () => {
    const availability = await webgpuBackend.isAvailable();
    expect(availability).toMatchObject({ available: true });
    const { software } = await webgpuBackend.describe();
    if (software) {
      expect(availability).toMatchObject({
        notForAuto: expect.stringMatching(
          /^only a software adapter \(.+\) is available, slower than wasm: name "webgpu"/,
        ),
      });
    } else expect(availability).toEqual({ available: true });
  });

  it.runIf(llvmpipeMachine)("runs on llvmpipe through Dawn's OpenGL backend here", async () => {
    expect(await webgpuBackend.isAvailable()).toEqual({
      available: true,
      notForAuto: expect.stringContaining('(llvmpipe'),
    });
    const description = await webgpuBackend.describe();
    expect(description).toMatchObject({
      device: expect.stringMatching(/^llvmpipe.* \(software, WebGPU\)$/),
      implementation: '@tensorflow/tfjs-backend-webgpu',
      runtime: 'Node (Dawn)',
      backend: 'opengl',
      featureLevel: 'compatibility',
      software: true,
      adapter: {
        device: expect.stringMatching(/^llvmpipe/),
        description: expect.stringMatching(/^OpenGL .*Mesa/),
      },
    });
    // "auto" passes the software adapter over.
    expect(await useBackend('auto')).toBe('cpu');
  });

  it("describes versions: tfjs, tfjs-backend-webgpu and Dawn's webgpu package", async () => {
    expect(await webgpuBackend.describe()).toMatchObject({
      tfjs: tf.version_core,
      tfjsWebgpu: version('@tensorflow/tfjs-backend-webgpu'),
      webgpu: version('webgpu'),
    });
  });

  it('rejects an unknown init option before touching the GPU', async () => {
    await expect(webgpuBackend.init({ threads: 2 })).rejects.toThrow('unknown option "threads"');
  });

  it('computes what cpu computes: ops and a bidirectional LSTM with lengths', async () => {
    await useBackend('cpu');
    const expected = await computations();
    const started = performance.now();
    expect(await useBackend('webgpu')).toBe('webgpu');
    const initMs = performance.now() - started;
    expect(tf.getBackend()).toBe('webgpu');
    const actual = await computations();
    // The work went through GPU buffers, not a CPU forward.
    const memory = tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU?: number };
    expect(memory.numBytesAllocatedInGPU).toBeGreaterThan(0);
    for (const [i, values] of actual.entries()) {
      const reference = expected[i] as number[];
      expect(values).toHaveLength(reference.length);
      const worst = Math.max(...values.map((v, j) => Math.abs(v - (reference[j] as number))));
      expect(worst, `result ${i}`).toBeLessThan(1e-4);
    }
    expect(initMs).toBeLessThan(10_000);
  });

  it.runIf(process.platform === 'linux')(
    'forceSoftware takes llvmpipe, and options cannot change once webgpu runs',
    async () => {
      const forced = await probeWebGpu({ forceSoftware: true }, {});
      expect(forced).toMatchObject({
        ok: true,
        choice: {
          backend: 'opengl',
          adapter: { software: true, device: expect.stringMatching(/^llvmpipe/) },
        },
      });
      await useBackend('webgpu');
      await expect(webgpuBackend.init({ forceSoftware: true })).rejects.toThrow(
        'init options cannot change after the first init',
      );
      expect(tf.getBackend()).toBe('webgpu');
    },
  );

  it('leaves no tensors behind after forward and backward passes', async () => {
    await useBackend('webgpu');
    const model = await compile(spec, { backend: 'webgpu' });
    const x = tf.randomNormal([2, 5, 3]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(
        () =>
          tf.sum(
            model.forward({ features: x, lengths: [5, 2] }, { training: true }).output,
          ) as tf.Scalar,
      );
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
