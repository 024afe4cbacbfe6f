// Data-parallel training in the page: the sentiment example (dropout set to 0, one epoch) trained
// with 2 data-parallel workers, from its link, reports 2 threads; its first batch's loss equals the
// 1-worker run's within 1e-5 (the same batch, its rows' losses summed in two parts); the gradient
// worker the training worker started runs during the run and is gone after it.
import { readFileSync } from 'node:fs';
import type { Worker } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { byTestId, openExperiment, recordWorkerEvents, trainToEnd } from './app.ts';
import { useBrowser } from './browser.ts';

const session = useBrowser();

const example = JSON.parse(
  readFileSync(new URL('../examples/sentiment-bigru.json', import.meta.url), 'utf8'),
) as { layers: Array<{ type: string; rate?: number }>; training: Record<string, unknown> };
const spec = {
  ...example,
  layers: example.layers.map((l) => (l.type === 'dropout' ? { ...l, rate: 0 } : l)),
  training: { ...example.training, epochs: 1 },
};

interface Seen {
  type: string;
  kind?: string;
  threads?: number;
  point?: { loss: number };
}

/** Trains the example with `workers` threads in a fresh page: its events and gradient workers. */
async function run(workers: number) {
  const opened = await openExperiment(
    session,
    { spec, data: { bundled: 'uci-sentiment' }, backend: 'wasm', workers },
    { beforeLoad: (context) => void context.addInitScript(recordWorkerEvents) },
  );
  const { page } = opened;
  const gradientWorkers: Array<{ worker: Worker; closed: Promise<void> }> = [];
  page.on('worker', (worker) => {
    if (worker.url().includes('gradient-worker'))
      gradientWorkers.push({
        worker,
        closed: new Promise((resolve) => worker.once('close', () => resolve())),
      });
  });
  if (workers > 1) {
    expect(await page.locator(byTestId('data-parallel-select')).inputValue()).toBe(String(workers));
  }
  await trainToEnd(page, 120_000);
  const seen = (await page.evaluate(
    () => (window as unknown as { workerEvents: unknown[] }).workerEvents,
  )) as Seen[];
  const started = seen.find((e) => e.type === 'started');
  const firstLoss = seen.find((e) => e.type === 'progress' && e.kind === 'batch')?.point?.loss;
  return {
    page,
    threads: started?.threads,
    shown: await page.locator(byTestId('train-threads')).textContent(),
    firstLoss: firstLoss as number,
    gradientWorkers,
  };
}

describe('data-parallel training in the page', () => {
  it('trains on 2 threads with the 1-thread first loss, and ends its gradient worker', async () => {
    const one = await run(1);
    expect(one.threads).toBe(1);
    expect(one.gradientWorkers).toEqual([]);
    const two = await run(2);
    expect(two.threads).toBe(2);
    expect(two.shown).toBe('2');
    expect(Number.isFinite(two.firstLoss)).toBe(true);
    expect(Math.abs(two.firstLoss - one.firstLoss)).toBeLessThan(1e-5);
    // One gradient worker besides the training worker, terminated when the run ended.
    expect(two.gradientWorkers.length).toBe(1);
    await Promise.race([
      Promise.all(two.gradientWorkers.map((w) => w.closed)),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('a gradient worker still runs after the run')), 10_000),
      ),
    ]);
    console.log(
      `data-parallel e2e: first loss ${one.firstLoss} (1 thread), ${two.firstLoss} (2 threads)`,
    );
  }, 300_000);
});
