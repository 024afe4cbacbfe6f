// The PyTorch parity fixtures through the installed command, in a plain Node process (the path
// users take: no test-runner module loading, only the gradients Recurrent registers itself).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../bin/recurrent.js');
// The PyTorch cases copied into the repository (fixtures/README.md).
const fixtures = join(import.meta.dirname, '../../../../fixtures/parity');
const caseNames = readdirSync(fixtures, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

function parity(...args: string[]) {
  return spawnSync(process.execPath, [bin, 'parity', ...args], { encoding: 'utf8' });
}

describe('recurrent parity', () => {
  it("finds the repository's fixtures: nine layer cases, the seed model and seq2seq", () => {
    expect(caseNames).toHaveLength(11);
    expect(caseNames).toContain('seed_sentiment_bilstm');
    expect(caseNames).toContain('seq2seq_bahdanau');
  });

  // webgpu runs on Mesa llvmpipe where there is no GPU (CI installs the Debian packages).
  it.each(['cpu', 'wasm', 'webgpu'])(
    'passes every case (layers, the seed sentiment model, seq2seq with Bahdanau attention) on %s',
    (backend) => {
      const result = parity(fixtures, '--backend', backend);
      const lines = result.stdout.split('\n');
      expect(lines).toContain(`backend: ${backend}`);
      const cases = lines.filter((l) => /^(PASS|FAIL|SKIP) /.test(l));
      expect(cases).toHaveLength(caseNames.length);
      for (const line of cases) expect(line, result.stdout).toMatch(/^PASS /);
      expect(cases.some((l) => /^PASS {2}seq2seq_bahdanau +seq2seq-bahdanau /.test(l))).toBe(true);
      expect(lines).toContain(`${caseNames.length} passed, 0 failed`);
      expect(result.status).toBe(0);
    },
  );

  /** A folder with a case of a kind this version does not know (a fixture set from a newer one). */
  function withUnknownKind(...others: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'parity-'));
    cpSync(join(fixtures, 'gru_1l'), join(dir, 'future_case'), { recursive: true });
    const file = join(dir, 'future_case/case.json');
    writeFileSync(
      file,
      JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), kind: 'transformer-encoder' }),
    );
    for (const name of others) cpSync(join(fixtures, name), join(dir, name), { recursive: true });
    return dir;
  }

  it('fails a case of an unknown kind, and says --skip-unsupported skips such cases', () => {
    const result = parity(withUnknownKind('lstm_1l'), '--backend', 'cpu');
    const lines = result.stdout.split('\n');
    expect(lines).toContain('      unsupported kind "transformer-encoder"');
    expect(result.stdout).toMatch(/^FAIL {2}future_case +transformer-encoder /m);
    expect(lines).toContain('1 passed, 1 failed');
    expect(lines).toContain(
      '(future_case: a kind this version cannot run yet; --skip-unsupported reports such cases as skipped)',
    );
    expect(result.status).toBe(1);
  });

  it('--skip-unsupported reports it as SKIP with its reason and passes', () => {
    const result = parity(withUnknownKind('lstm_1l'), '--backend', 'cpu', '--skip-unsupported');
    const lines = result.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL '))).toEqual([]);
    const at = lines.findIndex((l) => /^SKIP {2}future_case +transformer-encoder /.test(l));
    expect(at, result.stdout).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('      unsupported kind "transformer-encoder"');
    expect(lines).toContain(
      '1 passed, 0 failed, 1 skipped (a kind this version cannot run yet: future_case)',
    );
    expect(result.status).toBe(0);
  });

  it('--skip-unsupported still fails when nothing could be checked, or a supported case fails', () => {
    const only = parity(join(withUnknownKind(), 'future_case'), '--skip-unsupported');
    expect(only.stdout).toContain('0 passed, 0 failed, 1 skipped');
    expect(only.stdout).toContain('nothing was checked: every case was skipped');
    expect(only.status).toBe(1);
    const dir = withUnknownKind('gru_1l');
    cpSync(join(fixtures, 'lstm_1l/tensors.safetensors'), join(dir, 'gru_1l/tensors.safetensors'));
    const broken = parity(dir, '--backend', 'cpu', '--skip-unsupported');
    expect(broken.stdout).toMatch(/^FAIL {2}gru_1l/m);
    expect(broken.stdout).toContain('0 passed, 1 failed, 1 skipped');
    expect(broken.status).toBe(1);
  });

  it('fails a case whose expected values are off, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-'));
    cpSync(join(fixtures, 'gru_1l'), join(dir, 'gru_1l'), { recursive: true });
    // Swap in another case's expectations: same kind, different numbers.
    cpSync(join(fixtures, 'lstm_1l/tensors.safetensors'), join(dir, 'gru_1l/tensors.safetensors'));
    const result = parity(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^FAIL {2}gru_1l/m);
    expect(result.stdout).toContain('0 passed, 1 failed');
  });

  it('runs a single case folder and says which backend "auto" chose', () => {
    const one = parity(join(fixtures, 'lstm_1l'));
    expect(one.status).toBe(0);
    expect(one.stdout).toMatch(/^backend: \w+ \(auto\)$/m);
    expect(one.stdout).toContain('1 passed, 0 failed');
    const named = parity(join(fixtures, 'lstm_1l'), '--backend', 'cpu');
    expect(named.status).toBe(0);
    expect(named.stdout.split('\n')).toContain('backend: cpu');
  });

  it.each([
    [
      'an unavailable backend, with the reason and its fix',
      'node',
      ['recurrent: backend "node" is not available: ', 'tfjs-node'],
    ],
    [
      'an unknown backend, listing the known ones',
      'nonsense',
      [
        'recurrent: unknown backend "nonsense": Recurrent\'s backends are cpu, wasm, webgpu, node, or "auto"',
        'registered: ',
      ],
    ],
    [
      'a misspelt backend, with a suggestion',
      'wasmm',
      ['recurrent: unknown backend "wasmm" (did you mean "wasm"?)'],
    ],
  ])('--backend: %s, exits 1 without a stack trace or a fallback', (_what, name, expected) => {
    const result = parity(fixtures, '--backend', name);
    expect(result.status).toBe(1);
    for (const text of expected) expect(result.stderr).toContain(text);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe('');
  });
});
