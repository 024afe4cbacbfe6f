// import-torch end to end: the tutorial's PyTorch sentiment model (the seed parity fixture) is
// imported from its state_dict, saved, loaded, and predicts the logits PyTorch computed.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@recurrent/core';
import { loadModel, seedSentimentSpec } from '@recurrent/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

const seed = join(import.meta.dirname, '../../../../fixtures/parity/seed_sentiment_bilstm');

describe('recurrent import-torch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-'));
  const caseJson = async () => JSON.parse(await readFile(join(seed, 'case.json'), 'utf8'));

  it("imports a PyTorch state_dict into a model folder that reproduces PyTorch's logits", async () => {
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify(seedSentimentSpec(await caseJson())));
    const out = join(dir, 'model');
    const result = await runCli(
      'import-torch',
      spec,
      join(seed, 'weights.safetensors'),
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `imported 19 parameters from ${join(seed, 'weights.safetensors')} into ${out}`,
    );
    const model = await loadModel(out);
    const tensors = readSafetensors(
      new Uint8Array(await readFile(join(seed, 'tensors.safetensors'))),
    );
    tf.tidy(() => {
      const tokens = tf.tensor(
        tensors.int32('tokens'),
        tensors.entry('tokens').shape as number[],
        'int32',
      );
      const logits = model.forward({ tokens, lengths: tensors.int32('lengths') }).output;
      const expected = tensors.float32('logits');
      // One logit per sentence of the case's batch, each within 1e-5 of PyTorch's.
      expect(expected.length).toBe(tensors.entry('tokens').shape[0]);
      expect(logits.size).toBe(expected.length);
      for (const [i, v] of Array.from(logits.dataSync()).entries())
        expect(Math.abs(v - (expected[i] as number))).toBeLessThan(1e-5);
    });
    model.dispose();
  });

  it('lists every mismatch and writes nothing when the spec does not fit the weights', async () => {
    const c = await caseJson();
    const spec = join(dir, 'wrong.json');
    writeFileSync(
      spec,
      JSON.stringify(
        seedSentimentSpec({ ...c, sizes: { ...c.sizes, hidden: c.sizes.hidden + 1 } }),
      ),
    );
    const out = join(dir, 'not-written');
    const result = await runCli(
      'import-torch',
      spec,
      join(seed, 'weights.safetensors'),
      '--out',
      out,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('recurrent: cannot load weights from');
    expect(result.stderr).toContain(
      'shape mismatch for "rnn.weight_hh_l0": the file has [48, 12], the model needs [52, 13]',
    );
    expect(result.stderr).toContain(
      'shape mismatch for "fc.weight": the file has [1, 24], the model needs [1, 26]',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('renames with --map and reports a bad spec like validate does', async () => {
    const spec = join(dir, 'renamed.json');
    const c = await caseJson();
    const renamed = seedSentimentSpec(c) as { layers: { name: string }[] };
    (renamed.layers[2] as { name: string }).name = 'classifier';
    writeFileSync(spec, JSON.stringify(renamed));
    const map = join(dir, 'map.json');
    writeFileSync(
      map,
      JSON.stringify({ 'fc.weight': 'classifier.weight', 'fc.bias': 'classifier.bias' }),
    );
    const ok = await runCli(
      'import-torch',
      spec,
      join(seed, 'weights.safetensors'),
      '--out',
      join(dir, 'renamed'),
      '--map',
      map,
    );
    expect(ok.code).toBe(0);
    writeFileSync(spec, '{"version": 1, "name": "x", "task": "clasification"}');
    const bad = await runCli(
      'import-torch',
      spec,
      join(seed, 'weights.safetensors'),
      '--out',
      join(dir, 'x'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${spec}:1:37: /task: unknown task "clasification"`);
  });

  it.each([
    ['node', 'backend "node" is not available: '],
    ['nonsense', 'unknown backend "nonsense": Recurrent\'s backends are cpu, wasm, webgpu, node'],
  ])('--backend %s exits 1 with the reason and writes nothing', async (name, expected) => {
    const spec = join(dir, 'spec-backend.json');
    writeFileSync(spec, JSON.stringify(seedSentimentSpec(await caseJson())));
    const out = join(dir, `not-written-${name}`);
    const result = await runCli(
      'import-torch',
      spec,
      join(seed, 'weights.safetensors'),
      '--out',
      out,
      '--backend',
      name,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`recurrent: ${expected}`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
