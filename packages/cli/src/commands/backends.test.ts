// `recurrent backends` in-process and through the installed bin. Which backends work depends on the
// machine (webgpu needs a GPU adapter, node needs @tensorflow/tfjs-node), so the tests check what
// holds everywhere: all four are listed with a status, cpu works, tfjs-node is not installed here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendStatus } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

const names = ['cpu', 'wasm', 'webgpu', 'node'];
const bin = join(import.meta.dirname, '../../bin/recurrent.js');
const lstmCase = join(import.meta.dirname, '../../../../fixtures/parity/lstm_1l');

/** A Linux machine with no GPU device node (CI): webgpu could only run on Mesa's llvmpipe there. */
const linuxWithoutGpu =
  process.platform === 'linux' &&
  !existsSync('/dev/dxg') &&
  !(existsSync('/dev/dri') && readdirSync('/dev/dri').some((n) => /^renderD\d+$/.test(n))) &&
  !readdirSync('/dev').some((n) => /^nvidia\d+$/.test(n));
/** What Dawn prints on stderr when it opens an llvmpipe adapter. */
const dawnWarning = /Warning: maxDynamic\w+PerPipelineLayout artificially reduced/;

async function report(): Promise<{ auto: string | null; backends: BackendStatus[] }> {
  const result = await runCli('backends', '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('recurrent backends', () => {
  it('lists cpu, wasm, webgpu and node, each with a status, and the one "auto" picks', async () => {
    const result = await runCli('backends');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const name of names) {
      expect(result.stdout).toMatch(new RegExp(`^[✓✗] ${name} +(available|unavailable)`, 'm'));
    }
    const { auto } = await report();
    expect(auto).not.toBeNull();
    expect(result.stdout).toMatch(new RegExp(`^[✓] ${auto} +available, "auto" picks it$`, 'm'));
    expect(result.stdout).toContain(`"auto" picks ${auto}; choose another with --backend <name>.`);
    expect(result.stdout).toMatch(/^ {10}device: CPU \(JavaScript\)/m);
  });

  it('--json lists every backend best first; cpu is available; exactly one is marked auto', async () => {
    const { auto, backends } = await report();
    expect(backends.map((b) => b.name).sort()).toEqual([...names].sort());
    const priorities = backends.map((b) => b.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    const cpu = backends.find((b) => b.name === 'cpu');
    expect(cpu?.available).toBe(true);
    expect(cpu?.description).toMatchObject({ implementation: '@tensorflow/tfjs-backend-cpu' });
    expect(backends.filter((b) => b.auto).map((b) => b.name)).toEqual([auto]);
    // "auto" takes the first available backend it may pick
    const first = backends.find((b) => b.available && !b.notForAuto);
    expect(first?.name).toBe(auto);
    for (const b of backends) {
      if (b.available) expect(b.description ?? b.describeError, b.name).toBeDefined();
      else expect(b.reason, b.name).toMatch(/\w/);
    }
  });

  it('says node is unavailable because @tensorflow/tfjs-node is not installed', async () => {
    const node = (await report()).backends.find((b) => b.name === 'node');
    expect(node?.available).toBe(false);
    expect(node?.reason).toContain('tfjs-node');
    const text = (await runCli('backends')).stdout;
    const at = text.search(/^✗ node +unavailable$/m);
    expect(at).toBeGreaterThanOrEqual(0);
    // the reason follows on the indented lines below
    expect(text.slice(at).split('\n').slice(1, 4).join(' ')).toContain('tfjs-node');
  });

  it('runs from the installed bin and exits', () => {
    const result = spawnSync(process.execPath, [bin, 'backends'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    // Dawn may print its own warnings on stderr while webgpu is probed; no error of ours is there.
    expect(result.stderr).not.toMatch(/recurrent:|^\s+at /m);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^✓ cpu +available/m);
    for (const name of names) expect(result.stdout).toMatch(new RegExp(`^[✓✗] ${name} `, 'm'));
  });
});

// "auto" passes a software adapter over, so on a machine with no GPU it must not start Dawn to find
// one: Dawn prints warnings on stderr when it opens an adapter, which a user who did not ask for
// WebGPU should never see. Naming webgpu still starts it.
describe.runIf(linuxWithoutGpu)('"auto" on a Linux machine without a GPU', () => {
  it('runs a command on "auto" with nothing on stderr: Dawn is not started', () => {
    const result = spawnSync(process.execPath, [bin, 'parity', lstmCase], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^backend: \w+ \(auto\)$/m);
    expect(result.stdout).not.toContain('backend: webgpu');
    expect(result.stderr).toBe('');
  });

  it('--backend webgpu starts Dawn, whose warnings the check above would see', () => {
    const result = spawnSync(process.execPath, [bin, 'parity', lstmCase, '--backend', 'webgpu'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('backend: webgpu\n');
    expect(result.stderr).toMatch(dawnWarning);
  });
});
