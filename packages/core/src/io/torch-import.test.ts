import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import { type WritableTensor, writeSafetensors } from './safetensors.js';
import { loadTorchWeights, WeightsMismatchError } from './torch-import.js';

const spec = {
  version: 1,
  name: 'imp',
  task: 'feature-extraction',
  input: { features: 3 },
  layers: [
    { type: 'lstm', name: 'rnn', hiddenSize: 2 },
    { type: 'dense', name: 'fc', units: 1 },
  ],
  training: { optimizer: { type: 'adam' } },
};

/** A PyTorch-style state_dict for the model above, values 0.5, 1.5, ... */
function stateDict(
  change: (tensors: Record<string, WritableTensor>) => void = () => {},
): Uint8Array {
  const shapes: Record<string, number[]> = {
    'rnn.weight_ih_l0': [8, 3],
    'rnn.weight_hh_l0': [8, 2],
    'rnn.bias_ih_l0': [8],
    'rnn.bias_hh_l0': [8],
    'fc.weight': [1, 2],
    'fc.bias': [1],
  };
  const tensors: Record<string, WritableTensor> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const count = shape.reduce((a, b) => a * b, 1);
    tensors[name] = {
      dtype: 'F32',
      shape,
      data: Float32Array.from({ length: count }, (_, i) => i + 0.5),
    };
  }
  change(tensors);
  return writeSafetensors(tensors);
}

const snapshot = (model: Model) => model.parameters().map((p) => Array.from(p.variable.dataSync()));

describe('loadTorchWeights', () => {
  it('assigns every parameter by name', async () => {
    const model = await compile(spec);
    loadTorchWeights(model, stateDict());
    const weight = model.parameters().find((p) => p.name === 'rnn.weight_hh_l0');
    expect(Array.from(weight?.variable.dataSync() ?? [])).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 0.5),
    );
    model.dispose();
  });

  it('maps names with a table or a function', async () => {
    const model = await compile(spec);
    const renamed = stateDict((t) => {
      t['lstm.weight_ih_l0'] = t['rnn.weight_ih_l0'] as WritableTensor;
      delete t['rnn.weight_ih_l0'];
    });
    loadTorchWeights(model, renamed, { map: { 'lstm.weight_ih_l0': 'rnn.weight_ih_l0' } });
    const weight = model.parameters().find((p) => p.name === 'rnn.weight_ih_l0');
    expect(Array.from(weight?.variable.dataSync() ?? []).slice(0, 2)).toEqual([0.5, 1.5]);
    model.dispose();
    // A function can rename and skip (undefined) tensors, e.g. buffers that are not parameters.
    // A freshly initialized model, so the values below can only come from this load.
    const fresh = await compile(spec);
    const prefixed = stateDict((t) => {
      for (const name of Object.keys(t)) {
        t[`model.${name}`] = t[name] as WritableTensor;
        delete t[name];
      }
      t['model.num_batches_tracked'] = { dtype: 'I64', shape: [], data: Int32Array.from([3]) };
    });
    const map = (name: string) =>
      name.endsWith('num_batches_tracked') ? undefined : name.replace(/^model\./, '');
    loadTorchWeights(fresh, prefixed, { map });
    const expected = (n: number) => Array.from({ length: n }, (_, i) => i + 0.5);
    expect(snapshot(fresh)).toEqual(fresh.parameters().map((p) => expected(p.variable.size)));
    fresh.dispose();
  });

  const cases: [string, Uint8Array, string[]][] = [
    [
      'missing key',
      stateDict((t) => delete t['rnn.bias_hh_l0']),
      ['missing parameter "rnn.bias_hh_l0": the file has no tensor for it'],
    ],
    [
      'extra key',
      stateDict((t) => {
        t['rnn.weight_ih_l1'] = { dtype: 'F32', shape: [8, 2], data: new Float32Array(16) };
      }),
      ['unexpected tensor "rnn.weight_ih_l1": the model has no such parameter'],
    ],
    [
      'wrong shape',
      stateDict((t) => {
        t['fc.weight'] = { dtype: 'F32', shape: [2, 1], data: new Float32Array(2) };
      }),
      ['shape mismatch for "fc.weight": the file has [2, 1], the model needs [1, 2]'],
    ],
    [
      'integer tensor for a weight',
      stateDict((t) => {
        t['fc.bias'] = { dtype: 'I64', shape: [1], data: Int32Array.from([1]) };
      }),
      ['tensor "fc.bias" has dtype I64; parameters need F32, F16 or BF16'],
    ],
    [
      'several problems at once',
      stateDict((t) => {
        delete t['rnn.bias_hh_l0'];
        t['fc.weight'] = { dtype: 'F32', shape: [3], data: new Float32Array(3) };
      }),
      [
        'shape mismatch for "fc.weight": the file has [3], the model needs [1, 2]',
        'missing parameter "rnn.bias_hh_l0": the file has no tensor for it',
      ],
    ],
  ];

  it.each(cases)('%s: lists every problem and changes nothing', async (_name, bytes, messages) => {
    const model = await compile(spec);
    const before = snapshot(model);
    let error: unknown;
    try {
      loadTorchWeights(model, bytes, { source: 'm.safetensors' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeightsMismatchError);
    expect((error as WeightsMismatchError).problems.map((p) => p.message)).toEqual(messages);
    expect((error as Error).message).toContain(
      `cannot load weights from m.safetensors: ${messages.length} problem`,
    );
    expect(snapshot(model)).toEqual(before);
    model.dispose();
  });

  it('reports a corrupt file before touching the model, and leaves no tensor behind', async () => {
    const baseline = tf.memory().numTensors;
    const model = await compile(spec);
    const before = snapshot(model);
    expect(() => loadTorchWeights(model, new Uint8Array(4), { source: 'm.safetensors' })).toThrow(
      'm.safetensors: file is 4 bytes, too short',
    );
    expect(snapshot(model)).toEqual(before);
    model.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('leaves no tensor behind after a load, a failed load and dispose', async () => {
    const baseline = tf.memory().numTensors;
    const model = await compile(spec);
    loadTorchWeights(model, stateDict());
    expect(() =>
      loadTorchWeights(
        model,
        stateDict((t) => delete t['fc.bias']),
      ),
    ).toThrow(WeightsMismatchError);
    model.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
