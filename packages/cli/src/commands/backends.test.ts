// `recurrent backends` in-process and through the installed bin. Which backends work depends on the
// machine (webgpu needs a GPU adapter, node needs @tensorflow/tfjs-node), so the tests check what
// holds everywhere: all four are listed with a status, cpu works, tfjs-node is not installed here.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BackendStatus } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

const names = ['cpu', 'wasm', 'webgpu', 'node'];

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
    const bin = join(import.meta.dirname, '../../bin/recurrent.js');
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
