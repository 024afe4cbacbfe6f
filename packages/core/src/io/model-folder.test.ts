import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from '../model/compile.js';
import { writeFileAtomic } from './atomic-write.js';
import { ModelFileError } from './model-files.js';
import { loadModel, saveModel } from './model-folder.js';

const spec = {
  version: 1,
  name: 'files',
  task: 'classification',
  input: { tokenizer: { type: 'char' } },
  layers: [
    { type: 'embedding', embeddingDim: 4 },
    { type: 'gru', hiddenSize: 3, bidirectional: true },
    { type: 'pool', mode: 'mean' },
    { type: 'dense', units: 'auto' },
  ],
  training: { optimizer: { type: 'adam' }, seed: 9 },
};

const scratch = () => mkdtempSync(join(tmpdir(), 'recurrent-model-'));

async function savedModel(): Promise<string> {
  const model = await compile(spec, { vocabularySize: 12, outputSize: 3 });
  const dir = scratch();
  await saveModel(model, dir, { note: 'test' });
  model.dispose();
  return dir;
}

describe('saveModel / loadModel', () => {
  it('round-trips: the loaded model predicts identically', async () => {
    const model = await compile(
      { ...spec, training: { ...spec.training, seed: 1 } },
      { vocabularySize: 12, outputSize: 3 },
    );
    const dir = scratch();
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    tf.tidy(() => {
      const ids = tf.tensor2d(
        [
          [1, 5, 7],
          [2, 3, 0],
        ],
        [2, 3],
        'int32',
      );
      const a = model.forward({ tokens: ids, lengths: [3, 2] }).output;
      const b = loaded.forward({ tokens: ids, lengths: [3, 2] }).output;
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    });
    expect(loaded.sizes).toEqual({ vocabularySize: 12, outputSize: 3 });
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))).toMatchObject({
      format: 'recurrent-model',
      formatVersion: 1,
    });
    model.dispose();
    loaded.dispose();
  });

  // biome-ignore lint/suspicious/noExplicitAny: the cases reach into model.json freely to damage it
  const edit = (dir: string, change: (json: Record<string, any>) => void) => {
    const path = join(dir, 'model.json');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    change(json);
    writeFileSync(path, JSON.stringify(json));
  };

  const cases: [string, (dir: string) => void, string | RegExp][] = [
    [
      'missing model.json',
      (dir) => rmSync(join(dir, 'model.json')),
      /model\.json: missing model description/,
    ],
    [
      'model.json not JSON',
      (dir) => writeFileSync(join(dir, 'model.json'), '{"format":'),
      /model\.json: not valid JSON/,
    ],
    [
      'not a Recurrent model',
      (dir) =>
        edit(dir, (j) => {
          j.format = 'keras';
        }),
      /model\.json: not a Recurrent model \(format is "keras"\)/,
    ],
    [
      'newer format version',
      (dir) =>
        edit(dir, (j) => {
          j.formatVersion = 2;
        }),
      /format version 2 is newer than this Recurrent reads \(1\); upgrade @recurrent\/core/,
    ],
    [
      'missing weights',
      (dir) =>
        edit(dir, (j) => {
          j.weights.file = 'nope.safetensors';
        }),
      /nope\.safetensors: missing weights/,
    ],
    [
      'truncated weights',
      (dir) => {
        const path = join(dir, 'weights.safetensors');
        writeFileSync(path, readFileSync(path).subarray(0, 100));
      },
      /weights\.safetensors: does not match model\.json \(100 bytes, expected \d+; checksum differs\): truncated or replaced/,
    ],
    [
      'spec no longer valid',
      (dir) =>
        edit(dir, (j) => {
          j.spec.layers[1].type = 'lstmm';
        }),
      /model\.json: invalid model spec:\n {2}\/layers\/1\/type: unknown layer type "lstmm"/,
    ],
    [
      'spec and weights disagree',
      (dir) =>
        edit(dir, (j) => {
          j.spec.layers[1].hiddenSize = 5;
        }),
      'shape mismatch for "gru.weight_ih_l0": the file has [9, 4], the model needs [15, 4]',
    ],
  ];

  it.each(cases)('%s', async (_name, damage, message) => {
    const dir = await savedModel();
    damage(dir);
    await expect(loadModel(dir)).rejects.toThrow(message);
  });

  it('errors are ModelFileErrors for folder problems', async () => {
    await expect(loadModel(scratch())).rejects.toBeInstanceOf(ModelFileError);
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file only with a complete new one', async () => {
    const dir = scratch();
    const path = join(dir, 'w.bin');
    await writeFileAtomic(path, 'old');
    // A write that fails midway (here: data that cannot be written) leaves the old file intact.
    await expect(writeFileAtomic(path, 42 as unknown as string)).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['w.bin']); // no temporary left behind
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
  });
});
