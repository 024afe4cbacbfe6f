// The main entries of core, data and this package bundle for the browser (esbuild, platform
// "browser": a node: import would fail to resolve), and the bundle runs where a page's worker
// would: a sandbox with web globals only (no process, no require, no crypto.subtle, as a page
// served over plain http). A model trained in Node, saved to in-memory files and loaded in that
// bundle predicts what it predicts in Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import '@recurrent/backend-cpu';
import { useBackend } from '@recurrent/core';
import {
  type BrowserBundle,
  bundleForBrowser,
  expectBrowserSafe,
  workerLikeContext,
} from '@recurrent/testkit/browser-bundle';
import { describe, expect, it } from 'vitest';
import { ClassificationTask } from './classification-task.js';

const packageDir = join(import.meta.dirname, '..');
const uci = join(import.meta.dirname, '../../../fixtures/datasets/sentiment-labelled-sentences');

/** The IIFE bundle of a page's worker entry. */
function bundle(): Promise<BrowserBundle> {
  return bundleForBrowser(packageDir, [
    "import '@recurrent/backend-cpu';",
    "import './src/index.ts';",
    "export { createTask, useBackend } from '@recurrent/core';",
    "export { splitTexts } from '@recurrent/data';",
  ]);
}

describe('the browser bundle', () => {
  it('builds from the main entries of core, data and task-classification with no node: import', async () => {
    expectBrowserSafe(await bundle(), [
      '../core/src/index.ts',
      '../data/src/index.ts',
      'src/index.ts',
    ]);
  }, 60_000);

  it('loads a model trained in Node from its in-memory files and predicts the same', async () => {
    await useBackend('cpu');
    const rows = readFileSync(join(uci, 'yelp_labelled.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t') as [string, string]);
    const spec = {
      version: 1,
      name: 'browser-check',
      task: 'classification',
      input: { tokenizer: { type: 'word', lowercase: true }, maxLength: 32 },
      layers: [
        { type: 'embedding', embeddingDim: 8 },
        { type: 'gru', hiddenSize: 8, bidirectional: true },
        { type: 'pool', mode: 'mean' },
        { type: 'dense', units: 'auto' },
      ],
      training: { epochs: 1, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 }, seed: 3 },
    };
    const task = ClassificationTask.create(spec, { backend: 'cpu' });
    await task.train({ texts: rows.map((r) => r[0]), labels: rows.map((r) => r[1]) });
    const files = await task.save();
    const texts = rows.slice(0, 40).map((r) => r[0]);
    const inNode = await task.predict(texts);
    task.dispose();

    const context = workerLikeContext();
    vm.runInContext((await bundle()).code, context);
    context.modelJson = files['model.json'];
    context.weights = Array.from(files['weights.safetensors']);
    context.texts = texts;
    const inBundle = JSON.parse(
      await vm.runInContext(
        `(async () => {
          if (typeof process !== 'undefined' || typeof require !== 'undefined' || globalThis.crypto)
            throw new Error('not a browser-like context');
          await recurrent.useBackend('cpu');
          const task = await recurrent.createTask(
            { 'model.json': modelJson, 'weights.safetensors': Uint8Array.from(weights) },
            { task: 'classification' },
          );
          const predictions = await task.predict(texts);
          task.dispose();
          return JSON.stringify(predictions);
        })()`,
        context,
      ),
    );
    expect(inBundle).toEqual(JSON.parse(JSON.stringify(inNode)));
  }, 120_000);
});
