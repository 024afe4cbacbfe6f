// `recurrent inspect` on a model folder `recurrent train` wrote, and on folders it must refuse.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../bin/recurrent.js');
const spec = join(import.meta.dirname, '../../test/fixtures/tiny-char.json');
const data = join(import.meta.dirname, '../../../core/test/fixtures/tinyshakespeare/slice.txt');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('recurrent inspect', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'inspect-')), 'model');

  it('prints the summary, the training history and the metrics of a trained model', () => {
    const trained = run(
      'train',
      spec,
      '--data',
      data,
      '--out',
      out,
      '--backend',
      'cpu',
      '--epochs',
      '1',
    );
    expect(trained.status, trained.stderr).toBe(0);
    const result = run('inspect', out, '--backend', 'cpu');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Model "tiny-char" \(generation\), backend cpu$/m);
    // embedding V x 16, LSTM 16 -> 32 (4 gates: 32 x 16 + 32 x 32 weights, two biases of 32),
    // head 32 x V + V.
    const vocabulary = Number(result.stdout.match(/^Vocabulary: (\d+) entries$/m)?.[1]);
    const params = 16 * vocabulary + 4 * 32 * (16 + 32 + 2) + 33 * vocabulary;
    expect(result.stdout).toMatch(
      new RegExp(`^Total params: ${params.toLocaleString('en-US')}`, 'm'),
    );
    const steps = JSON.parse(run('inspect', out, '--backend', 'cpu', '--json').stdout).metadata
      .training.steps;
    expect(trained.stdout).toContain(`trained ${steps} steps`);
    expect(result.stdout).toMatch(new RegExp(`^Training: ${steps} steps, stopped by epochs$`, 'm'));
    expect(result.stdout).toMatch(/^ {2}epoch 1: loss \d\.\d{4} {2}validation loss \d\.\d{4}/m);
    expect(result.stdout).toMatch(/^Metrics: validationLoss \d\.\d{4}, perplexity \d+\.\d{4}$/m);
    const metrics = result.stdout.match(/^Metrics: validationLoss (\S+), perplexity (\S+)$/m);
    // The loss is printed to 4 decimals: exp of it is off by up to perplexity · 5e-5 (1.3e-3 at a
    // perplexity of 25), so 2 decimals is what the printed figures can agree to.
    expect(Number(metrics?.[2])).toBeCloseTo(Math.exp(Number(metrics?.[1])), 2);
    const json = JSON.parse(run('inspect', out, '--backend', 'cpu', '--json').stdout);
    expect(json.metadata.training.history).toHaveLength(1);
    expect(json.summary).toContain('lstm (lstm)');
  }, 60_000);

  it('refuses a folder with missing weights, naming the file, without a stack trace', () => {
    rmSync(join(out, 'weights.safetensors'));
    const result = run('inspect', out, '--backend', 'cpu');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('weights.safetensors: missing');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
