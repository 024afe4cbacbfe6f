// The PyTorch parity fixtures through the installed command, in a plain Node process (the path
// users take: no test-runner module loading, only the gradients Recurrent registers itself).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../bin/recurrent.js');
const fixtures = join(import.meta.dirname, '../../../../../shared/parity/fixtures');

function parity(...args: string[]) {
  return spawnSync(process.execPath, [bin, 'parity', ...args], { encoding: 'utf8' });
}

describe('recurrent parity', () => {
  it('finds the shared fixtures (CI places shared/ beside the repository)', () => {
    expect(existsSync(fixtures), `${fixtures} is missing`).toBe(true);
  });

  // webgpu runs on Mesa llvmpipe where there is no GPU (CI installs the Debian packages).
  it.each(['cpu', 'wasm', 'webgpu'])(
    'passes every layer case and the seed sentiment model on %s; seq2seq is reported unsupported',
    (backend) => {
      const result = parity(fixtures, '--backend', backend);
      expect(result.stdout.split('\n')).toContain(`backend: ${backend}`);
      const lines = result.stdout.split('\n');
      const cases = lines.filter((l) => /^(PASS|FAIL) /.test(l));
      expect(cases.length).toBeGreaterThanOrEqual(11);
      for (const line of cases) {
        if (line.includes('seq2seq-bahdanau')) expect(line.startsWith('FAIL')).toBe(true);
        else expect(line, result.stdout).toMatch(/^PASS /);
      }
      expect(result.stdout).toContain(
        'unsupported kind "seq2seq-bahdanau" (seq2seq models arrive with the translation task)',
      );
      const seq2seq = cases.filter((l) => l.includes('seq2seq-bahdanau')).length;
      expect(lines).toContain(`${cases.length - seq2seq} passed, ${seq2seq} failed`);
      expect(result.status).toBe(seq2seq > 0 ? 1 : 0);
    },
  );

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
