// Model files in memory (what a task's save() returns, in any runtime): a round trip predicts
// identically, the checksum is the plain sha256 of the weights (folders written before still
// load), and a bad-input table: each damage raises its error and builds nothing (no tensors left).
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from '../model/compile.js';
import type { ModelFiles } from '../tasks/contract.js';
import { ModelFileError, modelFromFiles, modelToFiles } from './model-files.js';
import { SafetensorsError, writeSafetensors } from './safetensors.js';

const spec = {
  version: 1,
  name: 'files',
  task: 'classification',
  input: { tokenizer: { type: 'char' } },
  layers: [
    { type: 'embedding', embeddingDim: 4 },
    { type: 'lstm', hiddenSize: 3 },
    { type: 'pool', mode: 'max' },
    { type: 'dense', units: 'auto' },
  ],
  training: { optimizer: { type: 'adam' }, seed: 5 },
};
const sizes = { vocabularySize: 10, outputSize: 2 };

async function files(): Promise<ModelFiles> {
  const model = await compile(spec, sizes);
  const saved = await modelToFiles(model, { labels: ['a', 'b'] });
  model.dispose();
  return saved;
}

// biome-ignore lint/suspicious/noExplicitAny: the cases reach into model.json freely to damage it
const editJson = (f: ModelFiles, change: (json: Record<string, any>) => void): ModelFiles => {
  const json = JSON.parse(f['model.json']);
  change(json);
  return { ...f, 'model.json': JSON.stringify(json) };
};

describe('modelToFiles / modelFromFiles', () => {
  it('round-trips in memory: same predictions, sizes and metadata', async () => {
    const model = await compile(spec, sizes);
    const saved = await modelToFiles(model, { labels: ['a', 'b'] });
    const { model: loaded, metadata } = await modelFromFiles(saved);
    expect(metadata).toEqual({ labels: ['a', 'b'] });
    expect(loaded.sizes).toEqual(sizes);
    tf.tidy(() => {
      const ids = tf.tensor2d([[1, 4, 9, 2]], [1, 4], 'int32');
      expect(Array.from(loaded.forward({ tokens: ids }).output.dataSync())).toEqual(
        Array.from(model.forward({ tokens: ids }).output.dataSync()),
      );
    });
    model.dispose();
    loaded.dispose();
  });

  it('records the plain sha256 of the weights (as folders always did)', async () => {
    const saved = await files();
    const json = JSON.parse(saved['model.json']);
    expect(json.weights).toEqual({
      file: 'weights.safetensors',
      bytes: saved['weights.safetensors'].byteLength,
      sha256: createHash('sha256').update(saved['weights.safetensors']).digest('hex'),
    });
  });

  const weightsWith = (
    change: (name: string, shape: number[]) => [string, number[]],
    intName = '',
  ) =>
    (async () => {
      const model = await compile(spec, sizes);
      const tensors = Object.fromEntries(
        model.parameters().map((p) => {
          const [name, shape] = change(p.name, [...p.variable.shape]);
          const size = shape.reduce((a, b) => a * b, 1);
          return [
            name,
            name === intName
              ? { dtype: 'I32' as const, shape, data: new Int32Array(size) }
              : { dtype: 'F32' as const, shape, data: new Float32Array(size) },
          ];
        }),
      );
      model.dispose();
      return writeSafetensors(tensors, { format: 'pt' });
    })();

  /** Replaces the weights and fixes model.json's size and checksum, so the tensors are checked. */
  const withWeights = async (f: ModelFiles, bytes: Uint8Array): Promise<ModelFiles> =>
    editJson({ ...f, 'weights.safetensors': bytes }, (j) => {
      j.weights.bytes = bytes.byteLength;
      j.weights.sha256 = createHash('sha256').update(bytes).digest('hex');
    });

  const cases: [string, (f: ModelFiles) => Promise<ModelFiles> | ModelFiles, unknown, string][] = [
    [
      'model.json not JSON',
      (f) => ({ ...f, 'model.json': '{"format":' }),
      ModelFileError,
      'model.json: not valid JSON',
    ],
    [
      'another format',
      (f) =>
        editJson(f, (j) => {
          j.format = 'keras';
        }),
      ModelFileError,
      'model.json: not a Recurrent model (format is "keras")',
    ],
    [
      'a newer format version',
      (f) =>
        editJson(f, (j) => {
          j.formatVersion = 2;
        }),
      ModelFileError,
      'model.json: format version 2 is newer than this Recurrent reads (1); upgrade @recurrent/core',
    ],
    [
      'truncated weights',
      (f) => ({ ...f, 'weights.safetensors': f['weights.safetensors'].subarray(0, 50) }),
      ModelFileError,
      'weights.safetensors: does not match model.json (50 bytes, expected',
    ],
    [
      'weights replaced by others of the same size',
      (f) => ({
        ...f,
        'weights.safetensors': f['weights.safetensors'].map((b, i) => (i === 200 ? b ^ 1 : b)),
      }),
      ModelFileError,
      'checksum differs): truncated or replaced',
    ],
    [
      'a spec that no longer validates',
      (f) =>
        editJson(f, (j) => {
          j.spec.layers[1].type = 'lstmm';
        }),
      ModelFileError,
      'model.json: invalid model spec',
    ],
    [
      'a tensor of another shape',
      async (f) =>
        withWeights(f, await weightsWith((n, s) => [n, n === 'lstm.weight_hh_l0' ? [12, 4] : s])),
      Error,
      'shape mismatch for "lstm.weight_hh_l0": the file has [12, 4], the model needs [12, 3]',
    ],
    [
      'a tensor under another name',
      async (f) =>
        withWeights(f, await weightsWith((n, s) => [n === 'lstm.bias_ih_l0' ? 'lstm.bias' : n, s])),
      Error,
      'lstm.bias_ih_l0',
    ],
    [
      'a tensor of another dtype',
      async (f) => withWeights(f, await weightsWith((n, s) => [n, s], 'dense.bias')),
      Error,
      'dtype I32; parameters need F32, F16 or BF16',
    ],
    [
      'weights that are not safetensors',
      async (f) => withWeights(f, new Uint8Array(64)),
      SafetensorsError,
      'weights.safetensors',
    ],
  ];

  it.each(cases)('refuses %s, building nothing', async (_name, damage, kind, message) => {
    const damaged = await damage(await files());
    const before = tf.memory().numTensors;
    const error = await modelFromFiles(damaged).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(kind as typeof Error);
    expect((error as Error).message).toContain(message);
    expect(tf.memory().numTensors).toBe(before);
  });
});
