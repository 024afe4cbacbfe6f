// Data-parallel training through core's threads(n): the worker threads rebuild the tagger and its
// loss from the plug-in's trainingTarget and compute the gradients of their rows of each batch, so
// two threads reach one thread's weights up to float32 rounding (without dropout, whose masks each
// part draws itself) and a two-thread run repeats exactly. Runs the built packages in a separate process (see test/train-threads.mjs): `pnpm test`
// builds first; alone, run `pnpm build` first.
//
// Both losses are means over real tokens: batches give each row's length as its weight
// (Batch.rowWeights), so core weighs each part by its tokens and the combined gradient is the
// whole batch's. Adam would turn a mis-weighted combination into visible differences.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { taggingSpec } from '../test/atis.js';

const script = join(import.meta.dirname, '../test/train-threads.mjs');
const dir = mkdtempSync(join(tmpdir(), 'tagging-threads-'));

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

function expectClose(one: ReturnType<typeof train>, two: ReturnType<typeof train>) {
  // 160 sentences in batches of 16: 10 steps an epoch.
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
}

describe('training on two threads', () => {
  it('softmax: equals the one-thread run up to rounding', () => {
    // No dropout here: each part draws its own masks, so a run with dropout is another run.
    const spec = JSON.stringify(
      taggingSpec({
        layers: [
          { type: 'embedding', embeddingDim: 16 },
          { type: 'lstm', hiddenSize: 16, numLayers: 2, bidirectional: true },
          { type: 'dense', units: 'auto' },
        ],
        training: { epochs: 1, optimizer: { type: 'adam', lr: 0.01 } },
      }),
    );
    expectClose(train(1, 'one', spec), train(2, 'two', spec));
  }, 180_000);

  it('with dropout and word dropout, a two-thread run repeats exactly', () => {
    const spec = JSON.stringify(
      taggingSpec({
        layers: [
          { type: 'embedding', embeddingDim: 16, wordDropout: 0.1 },
          { type: 'dropout', rate: 0.2 },
          { type: 'lstm', hiddenSize: 16, bidirectional: true },
          { type: 'dense', units: 'auto' },
        ],
        training: { epochs: 1 },
      }),
    );
    expect(train(2, 'dropout', spec).weights).toEqual(train(2, 'dropout-again', spec).weights);
  }, 180_000);

  it('CRF with characters: equals the one-thread run up to rounding', () => {
    const spec = JSON.stringify(
      taggingSpec({
        layers: [
          {
            type: 'embedding',
            embeddingDim: 16,
            characters: { embeddingDim: 8, hiddenSize: 8 },
          },
          { type: 'lstm', hiddenSize: 16, bidirectional: true },
          { type: 'dense', units: 'auto' },
        ],
        tagging: { output: 'crf' },
        training: { epochs: 1, optimizer: { type: 'adam', lr: 0.01 } },
      }),
    );
    expectClose(train(1, 'crf-one', spec), train(2, 'crf-two', spec));
  }, 180_000);
});
