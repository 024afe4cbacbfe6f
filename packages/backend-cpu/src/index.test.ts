import { compile, listBackends, useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from './index.js';

describe('@recurrent/backend-cpu', () => {
  it('registers the cpu plug-in on import, always available', async () => {
    expect(listBackends().map((b) => b.name)).toContain('cpu');
    expect(await cpuBackend.isAvailable()).toEqual({ available: true });
    expect(await cpuBackend.describe()).toMatchObject({
      implementation: '@tensorflow/tfjs-backend-cpu',
      tfjs: tf.version_core,
    });
  });

  it('is what "auto" picks when it is the only backend, and runs a model', async () => {
    expect(await useBackend('auto')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const model = await compile({
      version: 1,
      name: 'tiny',
      task: 'feature-extraction',
      input: { features: 2 },
      layers: [{ type: 'lstm', hiddenSize: 3 }],
      training: { optimizer: { type: 'adam' } },
    });
    const x = tf.ones([1, 4, 2]);
    const { output } = model.forward({ features: x });
    expect(output.shape).toEqual([1, 4, 3]);
    tf.dispose([x, output]);
    model.dispose();
  });
});
