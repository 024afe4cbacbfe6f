// `recurrent train` end to end, in child processes of the installed command: a run killed with
// SIGKILL at a random moment and resumed ends with the weights of an uninterrupted run (three kill
// points), the JSON-lines log, the model folder, and the errors a user can meet.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@recurrent/core';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../bin/recurrent.js');
const spec = join(import.meta.dirname, '../../test/fixtures/tiny-char.json');
// Real text: the first 4 KB of Tiny Shakespeare (core's test slice, with its README).
const data = join(import.meta.dirname, '../../../core/test/fixtures/tinyshakespeare/slice.txt');

const args = (out: string, ...more: string[]) => [
  bin,
  'train',
  spec,
  '--data',
  data,
  '--out',
  out,
  '--backend',
  'cpu',
  ...more,
];

function weights(dir: string): Map<string, Float32Array> {
  const file = readSafetensors(readFileSync(join(dir, 'weights.safetensors')));
  return new Map(file.names().map((name) => [name, file.float32(name)]));
}

function maxDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  expect([...b.keys()]).toEqual([...a.keys()]);
  let worst = 0;
  for (const [name, values] of a) {
    const other = b.get(name) as Float32Array;
    for (let i = 0; i < values.length; i++) {
      worst = Math.max(worst, Math.abs((values[i] as number) - (other[i] as number)));
    }
  }
  return worst;
}

/** Batch lines written to the log so far. */
function loggedBatches(log: string): number {
  if (!existsSync(log)) return 0;
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"batch"')).length;
}

/** Starts a run and kills it with SIGKILL once `batches` batches are logged (or it ends first). */
async function killAfter(out: string, log: string, batches: number): Promise<boolean> {
  const child: ChildProcess = spawn(process.execPath, args(out, '--log', log), { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let killed = false;
  while (child.exitCode === null && !killed) {
    if (loggedBatches(log) >= batches) killed = child.kill('SIGKILL');
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await exited;
  return killed;
}

describe('recurrent train', () => {
  const root = mkdtempSync(join(tmpdir(), 'train-'));
  const reference = join(root, 'reference');

  it('trains the generation spec on a text file, logs JSON lines and writes a model folder', () => {
    const log = join(root, 'reference.jsonl');
    const result = spawnSync(process.execPath, args(reference, '--log', log), { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^backend: cpu$/m);
    expect(result.stdout).toMatch(
      /^epoch 2\/2: loss \d\.\d{4}, validation loss \d\.\d{4} \(perplexity/m,
    );
    expect(result.stdout).toMatch(/trained 28 steps; model saved to/);
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'batch')).toHaveLength(28);
    expect(lines.filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual([0, 1]);
    const model = JSON.parse(readFileSync(join(reference, 'model.json'), 'utf8'));
    expect(model.metadata.vocabulary.length).toBeGreaterThan(30);
    expect(model.metadata.metrics.perplexity).toBeCloseTo(
      Math.exp(model.metadata.metrics.validationLoss),
      6,
    );
  }, 60_000);

  // Random moments, drawn once per test run: after 2 to 26 of the 28 batches.
  const killPoints = Array.from({ length: 3 }, () => 2 + Math.floor(Math.random() * 25));
  it.each(killPoints.map((n, i) => [i + 1, n]))(
    'kill point %i (after %i batches): SIGKILL, then --resume, ends with the uninterrupted weights',
    async (_, batches) => {
      const out = join(root, `killed-${batches}-${Math.random().toString(36).slice(2)}`);
      const killed = await killAfter(out, `${out}.jsonl`, batches);
      expect(killed, 'the run was killed before it finished').toBe(true);
      const resumed = spawnSync(process.execPath, args(out, '--resume'), { encoding: 'utf8' });
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(
        /resuming at epoch \d, batch \d+, step \d+|no checkpoint in .* yet/,
      );
      expect(maxDifference(weights(reference), weights(out))).toBeLessThanOrEqual(1e-6);
    },
    60_000,
  );

  it('stops at the time budget and continues with --resume', () => {
    const out = join(root, 'budget');
    const first = spawnSync(process.execPath, args(out, '--max-time', '0s'), { encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('trained 0 steps (time budget spent: --resume continues)');
    const second = spawnSync(process.execPath, args(out, '--resume'), { encoding: 'utf8' });
    expect(second.stdout).toContain('resuming at epoch 1, batch 1, step 0');
    expect(maxDifference(weights(reference), weights(out))).toBeLessThanOrEqual(1e-6);
  }, 60_000);

  it.each([
    [
      ['--max-time', 'soon'],
      "option '--max-time <duration>' argument 'soon' is invalid. expected a duration like 90s, 30m or 1h30m",
    ],
    [['--data', '/no/such/file.txt'], '/no/such/file.txt: cannot read the training text'],
    [['--threads', '2'], 'tiny-char.json is "generation"'],
    [
      ['--threads', 'many'],
      "option '--threads <n|auto>' argument 'many' is invalid. expected auto or a positive integer",
    ],
  ])('refuses bad input %j with a clear message', (extra, message) => {
    const result = spawnSync(process.execPath, args(join(root, 'bad'), ...extra), {
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
