// `recurrent train` end to end, in child processes of the installed command, for every task
// through the registry: a run killed with SIGKILL at random moments and resumed ends with the
// weights of an uninterrupted run (generation and classification), the time budget, the JSON-lines
// log, a resume with another thread count refused, and every task option refused by name for the
// task that does not use it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@recurrent/core';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../bin/recurrent.js');
const fixtures = join(import.meta.dirname, '../../test/fixtures');
const uci = join(import.meta.dirname, '../../../../fixtures/datasets/sentiment-labelled-sentences');

/** One short run per task, on one thread of the cpu backend, with checkpoints every 2 steps. */
const tasks = {
  generation: {
    spec: join(fixtures, 'tiny-char.json'),
    // Real text: the first 4 KB of Tiny Shakespeare (core's test slice, with its README).
    data: join(import.meta.dirname, '../../../core/test/fixtures/tinyshakespeare/slice.txt'),
    extra: [] as string[],
  },
  classification: {
    spec: join(fixtures, 'sentiment-small.json'),
    data: join(uci, 'amazon_cells_labelled.txt'),
    extra: ['--epochs', '1', '--checkpoint-every', '2'],
  },
};
type TaskName = keyof typeof tasks;

const args = (task: TaskName, out: string, ...more: string[]) => [
  bin,
  'train',
  tasks[task].spec,
  '--data',
  tasks[task].data,
  '--out',
  out,
  '--backend',
  'cpu',
  ...tasks[task].extra,
  ...more,
];
const run = (task: TaskName, out: string, ...more: string[]) =>
  spawnSync(process.execPath, args(task, out, ...more), { encoding: 'utf8' });

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

const jsonLines = (log: string) =>
  readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

/** Batch lines written to the log so far. */
function loggedBatches(log: string): number {
  if (!existsSync(log)) return 0;
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"batch"')).length;
}

/** Starts a run and kills it with SIGKILL once `batches` batches are logged (or it ends first). */
async function killAfter(task: TaskName, out: string, log: string, batches: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    args(task, out, '--threads', '1', '--log', log),
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let killed = false;
  while (child.exitCode === null && !killed) {
    if (loggedBatches(log) >= batches) killed = child.kill('SIGKILL');
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await exited;
  return killed;
}

describe.each(Object.keys(tasks) as TaskName[])('recurrent train, %s', (task) => {
  const root = mkdtempSync(join(tmpdir(), `train-${task}-`));
  const reference = join(root, 'reference');
  let batches = 0;

  it('trains, logs one JSON line per batch and per epoch, and writes a model folder', () => {
    const log = join(root, 'reference.jsonl');
    const result = run(task, reference, '--threads', '1', '--log', log);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^backend: cpu$/m);
    expect(result.stdout).toMatch(/^epoch 1\/\d: loss \d\.\d{4}, validation loss \d\.\d{4}, /m);
    const lines = jsonLines(log);
    batches = lines.filter((l) => l.type === 'batch').length;
    const epochs = lines.filter((l) => l.type === 'epoch');
    expect(batches).toBeGreaterThan(10);
    expect(result.stdout).toContain(`trained ${batches} steps; model saved to`);
    expect(epochs.map((l) => l.epoch)).toEqual(epochs.map((_, i) => i));
    expect(lines.at(-1)).toMatchObject({ type: 'epoch', validationLoss: expect.any(Number) });
    // Steps count up by one per batch line (no gradient accumulation in these specs).
    expect(lines.filter((l) => l.type === 'batch').map((l) => l.step)).toEqual(
      Array.from({ length: batches }, (_, i) => i + 1),
    );
    const model = JSON.parse(readFileSync(join(reference, 'model.json'), 'utf8'));
    expect(model.metadata.task).toBe(task);
    expect(model.metadata.training.steps).toBe(batches);
  }, 90_000);

  // Random moments, drawn once per test run: after 2 batches up to 2 before the end.
  const fractions = Array.from({ length: 2 }, () => Math.random());
  it.each(fractions.map((f, i) => [i + 1, f]))(
    'kill point %i: SIGKILL after a random share (%d) of the batches, then --resume, ends with the uninterrupted weights',
    async (_, fraction) => {
      const after = 2 + Math.floor(fraction * (batches - 4));
      const out = join(root, `killed-${after}-${Math.random().toString(36).slice(2)}`);
      const killed = await killAfter(task, out, `${out}.jsonl`, after);
      expect(killed, 'the run was killed before it finished').toBe(true);
      const resumed = run(task, out, '--threads', '1', '--resume');
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(
        /resuming at epoch \d, batch \d+, step \d+|no checkpoint in .* yet/,
      );
      expect(maxDifference(weights(reference), weights(out))).toBe(0);
    },
    90_000,
  );

  it('stops at the time budget and continues with --resume to the same weights', () => {
    const out = join(root, 'budget');
    const first = run(task, out, '--threads', '1', '--max-time', '0s');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(
      'trained 0 steps (time budget spent: the last weights kept; --resume continues)',
    );
    const second = run(task, out, '--threads', '1', '--resume');
    expect(second.stdout).toContain('resuming at epoch 1, batch 1, step 0');
    expect(maxDifference(weights(reference), weights(out))).toBe(0);
  }, 90_000);

  it('trains these small specs on one thread under --threads auto, saying why', () => {
    const result = run(task, join(root, 'auto'), '--max-time', '0s');
    expect(result.status, result.stderr).toBe(0);
    // Generation's rows are full chunks: judged by a whole batch's work (core's threads.ts).
    expect(result.stdout).toMatch(
      task === 'generation'
        ? /^threads: 1 \(auto: a batch's recurrent products \(chunks of \d+ tokens\) are [\d.]+ MFLOP, under the 48 MFLOP that splitting batches needs to gain\)$/m
        : /^threads: 1 \(auto: a time step's recurrent products over a batch are [\d.]+ MFLOP, under the 10 MFLOP that splitting batches needs to gain\)$/m,
    );
  }, 90_000);

  it('refuses to resume a run on another thread count, saying which and why', () => {
    const out = join(root, 'threads');
    expect(run(task, out, '--threads', '2', '--max-time', '0s').status).toBe(0);
    const other = run(task, out, '--threads', '1', '--resume');
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(
      'this checkpoint was written by another run: 2 threads (this run has 1; a run continues only on the thread count it started with: each thread draws its own dropout masks)',
    );
    expect(other.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});

describe('recurrent train refuses what a task does not use', () => {
  const root = mkdtempSync(join(tmpdir(), 'train-refused-'));
  it.each([
    ['--val', ['--val', tasks.classification.data]],
    ['--format', ['--format', 'csv']],
    ['--text-column', ['--text-column', '0']],
    ['--label-column', ['--label-column', '1']],
  ])('%s for generation, by name, before reading anything', (flag, extra) => {
    const result = run('generation', join(root, 'out'), ...extra);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `recurrent: ${flag} is not used by the generation task (${tasks.generation.spec}); it reads a UTF-8 text file`,
    );
    expect(existsSync(join(root, 'out'))).toBe(false);
  });

  it.each([
    [
      ['--max-time', 'soon'],
      "option '--max-time <duration>' argument 'soon' is invalid. expected a duration like 90s, 30m or 1h30m",
    ],
    [['--data', '/no/such/file.txt'], '/no/such/file.txt: cannot read the file'],
    [
      ['--log', '/no/such/folder/train.jsonl'],
      '/no/such/folder/train.jsonl: cannot write the training log (ENOENT',
    ],
    [
      ['--threads', 'many'],
      "option '--threads <n|auto>' argument 'many' is invalid. expected auto or a positive integer",
    ],
  ])('refuses bad input %j with a clear message', (extra, message) => {
    const result = run('generation', join(root, 'bad'), ...extra);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
