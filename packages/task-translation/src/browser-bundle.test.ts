// The main entries of core, data and this package bundle for the browser (esbuild, platform
// "browser": a node: import would fail to resolve), and the bundle runs where a page's worker
// would: a sandbox with web globals only (no process, no require, no crypto.subtle, as a page
// served over plain http). A model trained in Node, saved to in-memory files and loaded in that
// bundle translates (beam search, n-best, attention) and evaluates exactly as in Node.
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
import { tatoeba, translationSpec } from '../test/tatoeba.js';
import { TranslationTask } from './translation-task.js';

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
  it('builds from the main entries of core, data and task-translation with no node: import', async () => {
    expectBrowserSafe(await bundle(), [
      '../core/src/index.ts',
      '../core/src/decode/seq2seq-stepper.ts',
      '../core/src/seq2seq/seq2seq-model.ts',
      '../data/src/index.ts',
      'src/index.ts',
      'src/translation-task.ts',
      'src/pair-files.ts',
    ]);
  }, 60_000);

  it('loads a model trained in Node from its in-memory files and translates and evaluates the same', async () => {
    await useBackend('cpu');
    const task = TranslationTask.create(translationSpec(), {
      backend: 'cpu',
    });
    await task.train(tatoeba.slice(0, 48));
    const files = await task.save();
    const texts = ['Go.', 'I won.', ''];
    const pairs = tatoeba.slice(48, 56);
    const inNode = {
      translations: await task.translate(texts, { beam: 3, nBest: 2 }),
      evaluation: await task.evaluate(pairs),
    };
    task.dispose();

    const context = workerLikeContext();
    vm.runInContext((await bundle()).code, context);
    context.modelJson = files['model.json'];
    context.weights = Array.from(files['weights.safetensors']);
    context.texts = texts;
    context.pairs = pairs;
    const inBundle = JSON.parse(
      await vm.runInContext(
        `(async () => {
          if (typeof process !== 'undefined' || typeof require !== 'undefined' || globalThis.crypto)
            throw new Error('not a browser-like context');
          await recurrent.useBackend('cpu');
          const task = await recurrent.createTask(
            { 'model.json': modelJson, 'weights.safetensors': Uint8Array.from(weights) },
            { task: 'translation' },
          );
          const translations = await task.translate(texts, { beam: 3, nBest: 2 });
          const evaluation = await task.evaluate(pairs);
          task.dispose();
          return JSON.stringify({ translations, evaluation });
        })()`,
        context,
      ),
    );
    expect(inBundle).toEqual(JSON.parse(JSON.stringify(inNode)));
  }, 120_000);
});
