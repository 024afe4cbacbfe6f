// The main entries of core, data and this package bundle for the browser (esbuild, platform
// "browser": a node: import would fail to resolve), and the bundle runs where a page's worker
// would: a sandbox with web globals only (no process, no require, no crypto.subtle). A forecaster
// trained in Node, saved to in-memory files and loaded in that bundle through createTask
// evaluates and forecasts exactly as in Node.
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
import { airline, forecastSpec, head } from '../test/airline.js';
import { ForecastingTask } from './forecasting-task.js';

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
  it('builds from the main entries of core, data and task-forecasting with no node: import', async () => {
    expectBrowserSafe(await bundle(), [
      '../core/src/index.ts',
      '../core/src/metrics/forecasting.ts',
      '../data/src/index.ts',
      '../data/src/series/dates.ts',
      'src/index.ts',
      'src/forecasting-task.ts',
    ]);
  }, 60_000);

  it('loads a forecaster trained in Node from its in-memory files and evaluates and forecasts the same', async () => {
    await useBackend('cpu');
    const task = ForecastingTask.create(
      forecastSpec({
        forecasting: { horizon: 2, season: 12, differencing: 'first', strategy: 'recursive' },
        layers: [
          { type: 'gru', hiddenSize: 4, returnSequences: false },
          { type: 'dense', units: 'auto' },
        ],
        training: { epochs: 1 },
      }),
      { backend: 'cpu' },
    );
    const series = airline();
    await task.train(head(series, 96));
    const files = await task.save();
    const test = { ...series, dates: [...(series.dates ?? [])], targetsFrom: 120 };
    const inNode = {
      evaluation: await task.evaluate(test),
      forecast: await task.forecast(series, { horizon: 4 }),
    };
    task.dispose();

    const context = workerLikeContext();
    vm.runInContext((await bundle()).code, context);
    context.modelJson = files['model.json'];
    context.weights = Array.from(files['weights.safetensors']);
    context.test = {
      ...test,
      columns: { Passengers: Array.from(test.columns.Passengers as Float64Array) },
    };
    const inBundle = JSON.parse(
      await vm.runInContext(
        `(async () => {
          if (typeof process !== 'undefined' || typeof require !== 'undefined' || globalThis.crypto)
            throw new Error('not a browser-like context');
          await recurrent.useBackend('cpu');
          const task = await recurrent.createTask(
            { 'model.json': modelJson, 'weights.safetensors': Uint8Array.from(weights) },
            { task: 'forecasting' },
          );
          const evaluation = await task.evaluate(test);
          const { targetsFrom, ...series } = test;
          const forecast = await task.forecast(series, { horizon: 4 });
          task.dispose();
          return JSON.stringify({ evaluation, forecast });
        })()`,
        context,
      ),
    );
    expect(inBundle).toEqual(JSON.parse(JSON.stringify(inNode)));
  }, 120_000);
});
