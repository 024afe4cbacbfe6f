// Data-parallel training through core's threads(n): the worker threads rebuild the forecaster and
// its loss from the plug-in's trainingTarget and compute the gradients of their rows of each
// batch, so two threads reach one thread's weights up to float32 rounding (no dropout: each part
// draws its own masks). The loss is a mean over every value of the batch and every row has the
// same number of values, so rows weigh the same and core combines the parts by their rows.
// Runs the built packages in a separate process (see test/train-threads.mjs): `pnpm test` builds
// first; alone, run `pnpm build` first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { forecastSpec } from '../test/airline.js';

const script = join(import.meta.dirname, '../test/train-threads.mjs');
const dir = mkdtempSync(join(tmpdir(), 'forecasting-threads-'));

function train(count: number, name: string, spec: string) {
  const out = join(dir, `${name}.safetensors`);
  // A plain child process: it does not inherit the test runner's --conditions.
  const stdout = execFileSync(process.execPath, [script, String(count), spec, out], {
    encoding: 'utf8',
  });
  const report = JSON.parse(stdout) as { step: number; losses: number[]; leaked: number };
  expect(report.leaked).toBe(0);
  return { ...report, weights: new Uint8Array(readFileSync(out)) };
}

describe('training on two threads', () => {
  it('equals the one-thread run up to rounding (direct, 3 steps, first differences)', () => {
    const spec = JSON.stringify(
      forecastSpec({
        forecasting: { horizon: 3, differencing: 'first' },
        layers: [
          { type: 'lstm', hiddenSize: 8, numLayers: 2, returnSequences: false },
          { type: 'dense', units: 'auto' },
        ],
        training: { epochs: 1, batchSize: 16 },
      }),
    );
    const one = train(1, 'one', spec);
    const two = train(2, 'two', spec);
    // 96 − 12 − 1 − 3 + 1 = 81 windows in batches of 16: 6 steps.
    expect(one.step).toBe(6);
    expect(two.step).toBe(6);
    two.losses.forEach((loss, i) => {
      expect(Math.abs(loss - (one.losses[i] as number))).toBeLessThan(1e-5);
    });
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
      expect(worst, name).toBeLessThan(1e-5);
      differs ||= worst > 0;
    }
    // Not bit for bit: the batch's gradient was combined from two parts, so the threads did run.
    expect(differs).toBe(true);
  }, 180_000);
});
