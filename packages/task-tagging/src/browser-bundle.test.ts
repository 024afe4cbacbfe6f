// The main entries of core, data and this package bundle for the browser (esbuild, platform
// "browser": a node: import would fail to resolve), and the bundle runs where a page's worker
// would: a sandbox with web globals only (no process, no require, no crypto.subtle, as a page
// served over plain http). A tagger trained in Node (CRF and characters), saved to in-memory
// files and loaded in that bundle tags and evaluates exactly as in Node.
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
import { namesDev, namesTrain, slice, taggingSpec } from '../test/atis.js';
import { TaggingTask } from './tagging-task.js';

const packageDir = join(import.meta.dirname, '..');

let bundled: Promise<BrowserBundle> | undefined;

/** The IIFE bundle of a page's worker entry, built once. */
function bundle(): Promise<BrowserBundle> {
  bundled ??= bundleForBrowser(packageDir, [
    "import '@recurrent/backend-cpu';",
    "import './src/index.ts';",
    "export { createTask, useBackend } from '@recurrent/core';",
  ]);
  return bundled;
}

describe('the browser bundle', () => {
  it('builds from the main entries of core, data and task-tagging with no node: import', async () => {
    expectBrowserSafe(await bundle(), [
      '../core/src/index.ts',
      '../core/src/crf/viterbi.ts',
      '../data/src/index.ts',
      '../data/src/characters.ts',
      'src/index.ts',
      'src/tagging-task.ts',
    ]);
  }, 60_000);

  it('loads a tagger trained in Node from its in-memory files and tags and evaluates the same', async () => {
    await useBackend('cpu');
    const task = TaggingTask.create(
      taggingSpec({
        layers: [
          { type: 'embedding', embeddingDim: 8, characters: { embeddingDim: 4, hiddenSize: 4 } },
          { type: 'gru', hiddenSize: 8, bidirectional: true },
          { type: 'dense', units: 'auto' },
        ],
        tagging: { output: 'crf', constraints: 'bio' },
        training: { epochs: 1 },
      }),
      { backend: 'cpu' },
    );
    await task.train(slice(namesTrain, 0, 48));
    const files = await task.save();
    const sentences = [['flights', 'to', 'Denver'], [], ['x'.repeat(1200)]];
    const dev = slice(namesDev, 0, 8);
    const inNode = {
      tagged: await task.tag(sentences),
      evaluation: await task.evaluate(dev),
    };
    task.dispose();

    const context = workerLikeContext();
    vm.runInContext((await bundle()).code, context);
    context.modelJson = files['model.json'];
    context.weights = Array.from(files['weights.safetensors']);
    context.sentences = sentences;
    context.dev = dev;
    const inBundle = JSON.parse(
      await vm.runInContext(
        `(async () => {
          if (typeof process !== 'undefined' || typeof require !== 'undefined' || globalThis.crypto)
            throw new Error('not a browser-like context');
          await recurrent.useBackend('cpu');
          const task = await recurrent.createTask(
            { 'model.json': modelJson, 'weights.safetensors': Uint8Array.from(weights) },
            { task: 'tagging' },
          );
          const tagged = await task.tag(sentences);
          const evaluation = await task.evaluate(dev);
          task.dispose();
          return JSON.stringify({ tagged, evaluation });
        })()`,
        context,
      ),
    );
    expect(inBundle).toEqual(JSON.parse(JSON.stringify(inNode)));
  }, 120_000);
});
