// Data-parallel training through core's threads(n): the worker threads rebuild the model and loss
// from the plug-in's trainingTarget and each carries the states of its streams (rows) from batch
// to batch, so two threads reach the one-thread weights up to rounding (no dropout here), and a
// two-thread run is reproducible. Runs the built packages in a separate
// process (see test/train-threads.mjs): `pnpm test` builds first; alone, run `pnpm build` first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { charSpec } from '../test/shakespeare.js';

const script = join(import.meta.dirname, '../test/train-threads.mjs');
const spec = JSON.stringify(charSpec({ training: { epochs: 2 } }));
const dir = mkdtempSync(join(tmpdir(), 'generation-threads-'));

function train(count: number, name: string): { weights: Uint8Array; step: number } {
  const out = join(dir, `${name}.safetensors`);
  // A plain child process: it does not inherit the test runner's --conditions.
  const stdout = execFileSync(process.execPath, [script, String(count), spec, out], {
    encoding: 'utf8',
  });
  const report = JSON.parse(stdout) as { step: number; leaked: number };
  expect(report.leaked).toBe(0);
  return { weights: new Uint8Array(readFileSync(out)), step: report.step };
}

describe('training on two threads', () => {
  it('matches one thread up to rounding, and repeats exactly', () => {
    const one = train(1, 'one');
    const two = train(2, 'two');
    // 600 tokens held out, 5400 inputs: 16 streams of 337 in 6 chunks an epoch, the streams
    // split between the threads (8 each), each thread carrying its streams' states.
    expect(one.step).toBe(12);
    expect(two.step).toBe(12);
    const a = readSafetensors(one.weights);
    const b = readSafetensors(two.weights);
    expect(b.names()).toEqual(a.names());
    let differs = false;
    for (const name of a.names()) {
      const x = a.float32(name);
      const y = b.float32(name);
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
      }
      expect(worst, name).toBeLessThan(1e-4);
      differs ||= worst > 0;
    }
    // Not bit for bit: the batch's gradient was summed from two parts, so the threads did run.
    expect(differs).toBe(true);
    expect(train(2, 'two-again').weights).toEqual(two.weights);
  }, 180_000);
});
