import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test/run-cli.js';

const repo = join(import.meta.dirname, '../../..');
const examples = readdirSync(join(repo, 'specs/examples')).map((f) =>
  join(repo, 'specs/examples', f),
);
const version = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as {
    version: string;
  }
).version;

function scratch(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'recurrent-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const badSpec = `{
  "version": 1,
  "name": "bad",
  "task": "classification",
  "input": { "tokenizer": { "type": "word" } },
  "layers": [
    { "type": "embedding", "embeddingDim": 8 },
    { "type": "lstmm", "hiddenSize": 4 },
    { "type": "dense", "units": "auto" }
  ],
  "training": { "optimizer": { "type": "adam", "lr": 0 } }
}`;

describe('recurrent validate', () => {
  it('exits 0 for every example spec and lists them', async () => {
    const result = await runCli('validate', ...examples);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const file of examples) expect(result.stdout).toContain(`✓ ${file}`);
    expect(result.stdout).toContain(`${examples.length} valid, 0 invalid`);
  });

  it('exits 1 and prints every error with file, line, column, pointer and suggestion', async () => {
    const dir = scratch({ 'bad.json': badSpec });
    const file = join(dir, 'bad.json');
    const result = await runCli('validate', file, examples[0] as string);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`✗ ${file}: 2 errors`);
    expect(result.stderr).toContain(
      `${file}:8:15: /layers/1/type: unknown layer type "lstmm"; expected one of "embedding", "rnn", "lstm", "gru", "dropout", "dense", "pool", "layer-norm" (did you mean "lstm"?)`,
    );
    expect(result.stderr).toContain(`${file}:11:54: /training/optimizer/lr: must be > 0 (got 0)`);
    expect(result.stderr).toContain('1 valid, 1 invalid');
  });

  it('--json prints a machine-readable report', async () => {
    const dir = scratch({ 'bad.json': badSpec });
    const result = await runCli('validate', '--json', join(dir, 'bad.json'), examples[0] as string);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      file: string;
      valid: boolean;
      errors: { pointer: string; suggestion?: string }[];
    }[];
    expect(report.map((r) => r.valid)).toEqual([false, true]);
    expect(report[0]?.errors.map((e) => e.pointer)).toEqual([
      '/layers/1/type',
      '/training/optimizer/lr',
    ]);
    expect(report[0]?.errors[0]?.suggestion).toBe('did you mean "lstm"?');
  });

  it.each([
    ['a missing file', 'missing.json', null, 'missing.json: no such file'],
    ['a directory', '.', null, '.: not a file'],
    [
      'a file that is not UTF-8',
      'latin1.json',
      new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x7d]),
      'latin1.json: the file is not valid UTF-8 text',
    ],
    [
      'a syntax error',
      'syntax.json',
      '{\n  "version": 1,\n}',
      'syntax.json:3:1: invalid JSON: trailing commas are not allowed in JSON',
    ],
  ])('reports %s and exits 1', async (_what, name, content, expected) => {
    const dir = scratch(content === null ? {} : { [name]: content });
    const result = await runCli('validate', name === '.' ? dir : join(dir, name));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(name === '.' ? `${dir}: not a file` : join(dir, expected));
  });
});

describe('recurrent (program)', () => {
  it('--version prints the package version', async () => {
    expect(await runCli('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the commands', async () => {
    const result = await runCli('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: recurrent/);
    expect(result.stdout).toMatch(/validate \[options\] <spec\.\.\.>/);
  });

  it('no arguments prints help and exits 2', async () => {
    const result = await runCli();
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/Usage: recurrent/);
  });

  it('an unknown command exits 2 and suggests the right one', async () => {
    const result = await runCli('valdate', 'x.json');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'valdate'");
    expect(result.stderr).toContain('Did you mean validate?');
  });

  it('validate without files is a usage error (exit 2)', async () => {
    const result = await runCli('validate');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing required argument 'spec'");
  });

  it('the installed bin runs the built CLI', () => {
    const bin = join(import.meta.dirname, '../bin/recurrent.js');
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' })).toBe(
      `${version}\n`,
    );
    const invalid = spawnSync(process.execPath, [bin, 'validate', join(repo, 'package.json')], {
      encoding: 'utf8',
    });
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain('missing required property "version"');
  });

  it('a reader that goes away (`| head`) ends the output quietly instead of an EPIPE crash', async () => {
    const bin = join(import.meta.dirname, '../bin/recurrent.js');
    const child = spawn(process.execPath, [bin, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The read end closes before the CLI has started, so its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
