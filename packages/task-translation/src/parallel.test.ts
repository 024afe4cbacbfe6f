// Data-parallel training through core's threads(n): the worker threads rebuild the model and loss
// from the plug-in's trainingTarget and compute the gradients of their rows of each batch (the
// teacher-forcing mask split with the rows), so two threads reach one thread's weights up to
// float32 rounding and a two-thread run repeats exactly. Runs the built packages in a separate
// process (see test/train-threads.mjs): `pnpm test` builds first; alone, run `pnpm build` first.
//
// The translation loss is a mean over target tokens: batches give each row's target length as
// its weight (Batch.rowWeights), so core weighs each part by its tokens and the combined gradient
// is the whole batch's. Adam is used because it would turn a mis-weighted combination (a part of
// longer sentences counted as much as one of short ones) into differences of ~0.1 within 20 steps.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { translationSpec } from '../test/tatoeba.js';

const script = join(import.meta.dirname, '../test/train-threads.mjs');
// Teacher forcing at 0.7: masks are drawn, and each thread gets its rows of them.
const spec = JSON.stringify(
  translationSpec({
    training: {
      epochs: 1,
      optimizer: { type: 'adam', lr: 0.01 },
      clipNorm: undefined,
      teacherForcing: { ratio: 0.7 },
    },
  }),
);
const dir = mkdtempSync(join(tmpdir(), 'translation-threads-'));

function train(count: number, name: string) {
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
  it('equals the one-thread run up to rounding, and repeats exactly', () => {
    const one = train(1, 'one');
    const two = train(2, 'two');
    // 160 pairs in batches of 16: 10 steps an epoch.
    expect(one.step).toBe(10);
    expect(two.step).toBe(10);
    two.losses.forEach((loss, i) => {
      expect(Math.abs(loss - (one.losses[i] as number))).toBeLessThan(1e-4);
    });
    const a = readSafetensors(one.weights);
    const b = readSafetensors(two.weights);
    expect(b.names()).toEqual(a.names());
    let differs = false;
    for (const name of a.names()) {
      // Its gradient is 0 exactly (a softmax ignores a shift of all scores): what it gets is
      // rounding noise, which Adam scales up to steps of lr, differently for any summation order.
      if (name === 'decoder.attention.Va.bias') continue;
      const x = a.float32(name);
      const y = b.float32(name);
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
      }
      expect(worst, name).toBeLessThan(1e-4);
      differs ||= worst > 0;
    }
    // Not bit for bit: the batch's gradient was combined from two parts, so the threads did run.
    expect(differs).toBe(true);
    expect(train(2, 'two-again').weights).toEqual(two.weights);
  }, 180_000);
});
