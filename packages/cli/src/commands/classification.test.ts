// Classification from the command line on real data (the UCI sentences, and the SST-2 slice for the
// default validation split): train on yelp, evaluate on amazon, predict from arguments and stdin,
// and the errors for unreadable inputs. Resume after SIGKILL is in train.test.ts, for every task.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@recurrent/core';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../bin/recurrent.js');
const spec = join(import.meta.dirname, '../../test/fixtures/sentiment-small.json');
const uci = join(import.meta.dirname, '../../../../fixtures/datasets/sentiment-labelled-sentences');
const sst2 = join(import.meta.dirname, '../../../../fixtures/datasets/sst2/train-head-5000.tsv');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
  });

describe('classification from the CLI', () => {
  const root = mkdtempSync(join(tmpdir(), 'classification-'));
  const model = join(root, 'model');

  it('trains on a headerless TSV (yelp) with a seeded random validation tenth, and says so', () => {
    const result = run([
      'train',
      spec,
      '--data',
      join(uci, 'yelp_labelled.txt'),
      '--out',
      model,
      '--backend',
      'wasm',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('data: 900 training and 100 validation examples\n');
    expect(result.stdout).toMatch(
      /^validation split: a seeded random 10% of the rows \(seed 2; \d+% of the rows are phrases of others, so rows are split at random\)/m,
    );
    expect(result.stdout).toMatch(/^validation: accuracy \d+\.\d\d%, macro-F1 0\.\d{4}, loss /m);
    const saved = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    expect(saved.metadata.metrics.count).toBe(100);
    // Each epoch line carries the validation metrics.
    const epochs = [
      ...result.stdout.matchAll(
        /^epoch \d+\/\d+: loss \d\.\d{4}, validation loss \d\.\d{4}, accuracy (\d+\.\d\d)%, macro-F1 0\.\d{4}, /gm,
      ),
    ];
    expect(epochs.length).toBeGreaterThan(0);
  }, 60_000);

  it('evaluates on another domain (amazon): accuracy, per class, confusion; --json parses', () => {
    const result = run([
      'eval',
      model,
      '--data',
      join(uci, 'amazon_cells_labelled.txt'),
      '--backend',
      'wasm',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^accuracy \d+\.\d\d%, macro-F1 0\.\d{4}, loss \d+\.\d{4}$/m);
    expect(result.stdout).toMatch(/^ {2}0 +precision 0\.\d{3} {2}recall/m);
    const json = JSON.parse(
      run([
        'eval',
        model,
        '--data',
        join(uci, 'amazon_cells_labelled.txt'),
        '--backend',
        'wasm',
        '--json',
      ]).stdout,
    );
    expect(json.count).toBe(1000);
    expect(json.accuracy).toBeGreaterThan(0.6);
  }, 60_000);

  it('predicts texts from arguments and from stdin, saying what was unusual', () => {
    const fromArgs = run([
      'predict',
      model,
      'I love this place',
      'worst food ever',
      '--backend',
      'wasm',
    ]);
    expect(fromArgs.status, fromArgs.stderr).toBe(0);
    expect(fromArgs.stdout.trim().split('\n')).toHaveLength(2);
    const fromStdin = run(
      ['predict', model, '--backend', 'wasm', '--json'],
      'great service\n\nqwxz zyzzyva\n',
    );
    const lines = fromStdin.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.text)).toEqual(['great service', '', 'qwxz zyzzyva']);
    expect(lines[1]).toMatchObject({ tokens: 0 });
    expect(lines[2]).toMatchObject({ tokens: 2, unknown: 2 });
    for (const l of lines) expect(['0', '1']).toContain(l.label);
  }, 60_000);

  it('trains on 2 threads reproducibly, to the weights of 1 thread up to rounding (no dropout)', () => {
    const base = ['train', spec, '--data', join(uci, 'yelp_labelled.txt'), '--backend', 'wasm'];
    const out = (name: string) => join(root, name);
    const first = run([...base, '--out', out('two-a'), '--threads', '2', '--epochs', '1']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('threads: 2 (each batch split by rows');
    expect(run([...base, '--out', out('two-b'), '--threads', '2', '--epochs', '1']).status).toBe(0);
    const one = run([...base, '--out', out('one'), '--threads', '1', '--epochs', '1']);
    expect(one.stdout).toContain('threads: 1\n');
    const weights = (dir: string) => readFileSync(join(dir, 'weights.safetensors'));
    expect(weights(out('two-a')).equals(weights(out('two-b')))).toBe(true);
    const a = readSafetensors(weights(out('two-a')));
    const b = readSafetensors(weights(out('one')));
    expect(a.names()).toEqual(b.names());
    for (const name of a.names()) {
      const x = a.float32(name);
      const y = b.float32(name);
      let worst = 0;
      for (let i = 0; i < x.length; i++)
        worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
      expect(worst, name).toBeLessThan(1e-3);
    }
  }, 90_000);

  it('stops at the time budget and resumes to exactly the weights of an uninterrupted run', () => {
    const data = join(uci, 'yelp_labelled.txt');
    const base = ['train', spec, '--data', data, '--backend', 'wasm', '--epochs', '2'];
    const whole = join(root, 'whole');
    expect(run([...base, '--out', whole]).status).toBe(0);
    const parts = join(root, 'parts');
    const first = run([...base, '--out', parts, '--max-time', '0s']);
    expect(first.stdout).toContain(
      'trained 0 steps (time budget spent: the last weights kept; --resume continues)',
    );
    const second = run([...base, '--out', parts, '--resume']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('resuming at epoch 1, batch 1, step 0');
    const weights = (dir: string) => readFileSync(join(dir, 'weights.safetensors'));
    expect(weights(parts).equals(weights(whole))).toBe(true);
    const other = run([
      'train',
      spec,
      '--data',
      join(uci, 'amazon_cells_labelled.txt'),
      '--backend',
      'wasm',
      '--epochs',
      '2',
      '--out',
      parts,
      '--resume',
    ]);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('this checkpoint was written by another run: other data.');
    // --epochs is part of the run: another count is another schedule.
    const epochs = run([...base.slice(0, -1), '3', '--out', parts, '--resume']);
    expect(epochs.status).toBe(1);
    expect(epochs.stderr).toContain('this checkpoint was written by another run: another spec.');
  }, 60_000);

  it('holds out whole sentences of SST-2-like data by default and leaves their phrases out', () => {
    const result = run([
      'train',
      spec,
      '--data',
      sst2,
      '--out',
      join(root, 'sst2'),
      '--backend',
      'cpu',
      '--max-time',
      '0s',
    ]);
    expect(result.status, result.stderr).toBe(0);
    const split = result.stdout.match(
      /^validation split: a seeded 10% of the whole sentences \(seed 2\): (\d+)% of the rows are phrases of other rows, so (\d+) rows inside held-out sentences are left out of training/m,
    );
    expect(split, result.stdout).not.toBeNull();
    const [, , dropped] = split as RegExpMatchArray;
    const counts = result.stdout.match(/^data: (\d+) training and (\d+) validation examples$/m);
    const [, train, validation] = (counts as RegExpMatchArray).map(Number);
    expect((train as number) + (validation as number) + Number(dropped)).toBe(5000);
  }, 60_000);

  it.each([
    [
      'a non-UTF-8 file',
      () => {
        const path = join(root, 'latin1.tsv');
        writeFileSync(
          path,
          Buffer.from([
            0x62, 0x61, 0x64, 0x09, 0x31, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x09, 0x30, 0x0a,
          ]),
        );
        return ['eval', model, '--data', path, '--backend', 'wasm'];
      },
      'latin1.tsv:2: invalid UTF-8',
    ],
    [
      'a label the model does not know',
      () => {
        const path = join(root, 'neutral.tsv');
        writeFileSync(path, 'fine\tneutral\n');
        return ['eval', model, '--data', path, '--backend', 'wasm'];
      },
      'example 1 has label "neutral", which the model does not know (labels: 0, 1)',
    ],
    [
      'a folder that is not a model',
      () => ['predict', root, 'hi', '--backend', 'wasm'],
      'model.json: missing model description',
    ],
  ])('refuses %s with a clear message and no stack trace', (_name, args, message) => {
    const result = run(args());
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
