// The main entries of core, data and this package bundle for the browser (Vite, the root's build
// tool: a node: import would come out as a browser stub, which the test looks for), and the bundle
// runs where a page's worker would: a sandbox with web globals only (no process, no require, no
// crypto.subtle, as a page served over plain http). A model trained in Node, saved to in-memory
// files and loaded in that bundle evaluates a text exactly as in Node.
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import '@recurrent/backend-cpu';
import { useBackend } from '@recurrent/core';
import { workerLikeContext } from '@recurrent/testkit/browser-bundle';
import type { Rollup } from 'vite';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { shakespeare } from '../test/shakespeare.js';
import { tinySpec } from '../test/tiny.js';
import { GenerationTask } from './generation-task.js';

const packageDir = join(import.meta.dirname, '..');

interface Bundle {
  code: string;
  /** The bundled modules' paths. */
  modules: string[];
  /** What the repository's own modules import, as written. */
  imports: { source: string; importer: string }[];
}

let bundled: Promise<Bundle> | undefined;

/** The IIFE bundle of test/browser-entry.ts, built once. */
function bundle(): Promise<Bundle> {
  bundled ??= (async () => {
    const imports: Bundle['imports'] = [];
    const result = (await build({
      plugins: [
        {
          name: 'record-imports',
          enforce: 'pre',
          resolveId(source, importer) {
            if (importer && /\/packages\/[^/]+\/src\//.test(importer))
              imports.push({ source, importer });
            return null;
          },
        },
      ],
      root: packageDir,
      configFile: false,
      logLevel: 'silent',
      resolve: { conditions: ['@recurrent/source', 'browser', 'module', 'import', 'default'] },
      build: {
        write: false,
        minify: false,
        lib: {
          entry: join(packageDir, 'test/browser-entry.ts'),
          formats: ['iife'],
          name: 'recurrent',
        },
      },
    })) as Rollup.RollupOutput[];
    const chunk = result[0]?.output[0] as Rollup.OutputChunk;
    return { code: chunk.code, modules: Object.keys(chunk.modules), imports };
  })();
  return bundled;
}

describe('the browser bundle', () => {
  it('builds from the main entries of core, data and task-generation with nothing of Node', async () => {
    const { modules, imports } = await bundle();
    const own = modules.filter((m) => /\/packages\/(core|data|task-generation)\/src\//.test(m));
    for (const needed of [
      'core/src/tasks/create-task.ts',
      'core/src/io/model-files.ts',
      'data/src/tokenizers.ts',
      'data/src/vocabulary.ts',
      'task-generation/src/generation-task.ts',
      'task-generation/src/stream-evaluation.ts',
    ]) {
      expect(
        own.some((m) => m.endsWith(`/packages/${needed}`)),
        needed,
      ).toBe(true);
    }
    expect(own.filter((m) => /\/node\.ts$|model-folder|run-checkpoint|threads/.test(m))).toEqual(
      [],
    );
    // No module of ours imports a Node built-in (third-party code such as seedrandom may ask for
    // "crypto" behind a check; the bundler stubs that).
    const builtins = new Set(builtinModules);
    expect(
      imports.filter(({ source }) => source.startsWith('node:') || builtins.has(source)),
    ).toEqual([]);
    expect(imports.length).toBeGreaterThan(20);
  }, 120_000);

  it('loads a model trained in Node from its in-memory files and evaluates the same', async () => {
    await useBackend('cpu');
    const task = GenerationTask.create(tinySpec, { backend: 'cpu' });
    await task.train(shakespeare.slice(0, 2000));
    const files = await task.save();
    const text = shakespeare.slice(2000, 2600);
    const inNode = await task.evaluate(text);
    task.dispose();

    const context = workerLikeContext({ location: { href: 'https://example.test/worker.js' } });
    vm.runInContext((await bundle()).code, context);
    context.modelJson = files['model.json'];
    context.weights = Array.from(files['weights.safetensors']);
    context.text = text;
    const inBundle = JSON.parse(
      await vm.runInContext(
        `(async () => {
          if (typeof process !== 'undefined' || typeof require !== 'undefined' || globalThis.crypto)
            throw new Error('not a browser-like context');
          await recurrent.useBackend('cpu');
          const task = await recurrent.createTask(
            { 'model.json': modelJson, 'weights.safetensors': Uint8Array.from(weights) },
            { task: 'generation' },
          );
          const evaluation = await task.evaluate(text);
          task.dispose();
          return JSON.stringify(evaluation);
        })()`,
        context,
      ),
    );
    expect(inBundle).toEqual(inNode);
  }, 120_000);
});
