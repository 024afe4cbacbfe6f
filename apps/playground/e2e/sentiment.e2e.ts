// The playground's small sentiment example trains in the worker on WASM (threads: the page is
// cross-origin isolated) to a validation accuracy above 75% on the bundled UCI sentences, then
// classifies typed sentences. While it trains, the main thread answers input events within
// 100 ms: each keydown's handler starts less than 100 ms after the browser created the event.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { byTestId, classify, openExperiment } from './app.ts';
import { screenshot, useBrowser } from './browser.ts';
import { backendChunks } from './chunks.ts';

const session = useBrowser();
const example = readFileSync(new URL('../examples/sentiment-bigru.json', import.meta.url), 'utf8');

/**
 * Input latency while training: presses a key `count` times, `gapMs` apart, and returns for each
 * the delay between the event's creation (event.timeStamp) and its handler, plus the longest
 * main-thread task seen meanwhile (PerformanceObserver "longtask").
 */
async function inputLatencies(page: Page, count: number, gapMs: number) {
  await page.evaluate(() => {
    const w = window as unknown as { e2eLatency: number[]; e2eLongest: number };
    w.e2eLatency = [];
    w.e2eLongest = 0;
    window.addEventListener(
      'keydown',
      (event) => w.e2eLatency.push(performance.now() - event.timeStamp),
      { capture: true },
    );
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.e2eLongest = Math.max(w.e2eLongest, entry.duration);
    }).observe({ type: 'longtask' });
  });
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Shift');
    await page.waitForTimeout(gapMs);
  }
  return page.evaluate(() => {
    const w = window as unknown as { e2eLatency: number[]; e2eLongest: number };
    return { latencies: w.e2eLatency, longestTask: w.e2eLongest };
  });
}

describe('the sentiment example on WASM', () => {
  it('trains in the worker past 75% validation accuracy, stays responsive, classifies', async () => {
    // Every file the page and its worker fetch, from the page's start on (a backend fetched while
    // the page starts counts too), to check that only the chosen backend loads.
    const fetched = new Set<string>();
    const { page } = await openExperiment(
      session,
      { spec: example, data: { bundled: 'uci-sentiment' }, backend: 'wasm' },
      {
        beforeLoad: (context) =>
          context.on('request', (request) => {
            fetched.add(new URL(request.url()).pathname.replace(/^\/assets\//, ''));
          }),
      },
    );
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.locator(byTestId('backend-option-wasm')).isChecked()).toBe(true);

    const started = performance.now();
    await page.locator(byTestId('train-start')).click();
    // Responsiveness is measured while batches run in the worker (the status says "Training").
    await page.locator(`${byTestId('train-status')}:has-text("Training")`).waitFor();
    await page.locator(`${byTestId('train-throughput')}:not(:has-text("—"))`).waitFor();
    const { latencies, longestTask } = await inputLatencies(page, 12, 150);
    const stillTraining = (await page.locator(byTestId('train-status')).textContent()) ?? '';
    console.log(
      `input latency while training: ${latencies.map((l) => l.toFixed(1)).join(', ')} ms; longest main-thread task ${longestTask.toFixed(0)} ms`,
    );
    expect(stillTraining).toMatch(/Training/);
    expect(latencies).toHaveLength(12);
    for (const latency of latencies) expect(latency).toBeLessThan(100);
    await screenshot(page, 'training');

    // The run ends by itself (its epochs or early stopping); the Train click above started it.
    await page
      .locator(`${byTestId('train-status')}:has-text("ready to try"), ${byTestId('train-error')}`)
      .first()
      .waitFor({ timeout: 150_000 });
    expect(await page.locator(byTestId('train-error')).count()).toBe(0);
    const seconds = (performance.now() - started) / 1000;
    const metric = page.locator(byTestId('train-metric'));
    expect(await metric.getAttribute('data-metric')).toBe('accuracy');
    const accuracy = Number(await metric.getAttribute('data-value'));
    console.log(
      `sentiment-bigru on wasm: validation accuracy ${(accuracy * 100).toFixed(1)}% in ${seconds.toFixed(1)} s (${(await page.locator(byTestId('train-epoch')).textContent()) ?? ''}, ${(await page.locator(byTestId('train-throughput')).textContent()) ?? ''})`,
    );
    expect(accuracy).toBeGreaterThan(0.75);

    // The tfjs backends load lazily: training on WASM fetched the wasm chunk and the threaded
    // SIMD binary (the page is isolated), and none of the cpu or webgpu code or other binaries.
    const chunks = backendChunks();
    const loaded = (files: string[]) => files.filter((f) => fetched.has(f));
    expect(loaded(chunks.wasm)).toEqual(chunks.wasm);
    expect(fetched.has(chunks.wasmBinaries.threadedSimd)).toBe(true);
    expect(loaded(chunks.cpu)).toEqual([]);
    expect(loaded(chunks.webgpuKernels)).toEqual([]);
    expect(loaded([chunks.wasmBinaries.plain, chunks.wasmBinaries.simd])).toEqual([]);
    await screenshot(page, 'trained');
    await screenshot(page, 'train-panel', byTestId('train-panel'));

    const positive = await classify(page, 'great phone , works perfectly and i love it');
    const negative = await classify(
      page,
      'terrible product , a waste of money , very disappointed',
    );
    for (const p of [positive, negative]) {
      expect(Object.keys(p.probabilities).sort()).toEqual(['0', '1']);
      expect((p.probabilities['0'] ?? 0) + (p.probabilities['1'] ?? 0)).toBeCloseTo(1, 5);
    }
    expect(positive.label).toBe('1');
    expect(negative.label).toBe('0');
    await screenshot(page, 'try-classification', byTestId('try-panel'));
  }, 200_000);
});
