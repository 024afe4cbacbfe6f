// Driving the playground like a user: open an experiment by its link (the URL hash the page
// itself writes: `#e=` + base64url of the JSON, see src/state/hash.ts), train, wait for the end.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { BrowserSession, OpenedPage, OpenOptions } from './browser.ts';

export interface LinkedExperiment {
  /** The spec (object, written as JSON text) or its text verbatim. */
  spec: object | string;
  data: { bundled: string } | { file: string; text: string };
  backend?: string;
  seed?: number;
  /** Data-parallel threads (Experiment.dataParallel); left out: 1. */
  workers?: number;
}

/** The page's link format, version 1, uncompressed (the page reads both forms). */
export function experimentHash(experiment: LinkedExperiment): string {
  const payload = {
    v: 1,
    spec:
      typeof experiment.spec === 'string'
        ? experiment.spec
        : `${JSON.stringify(experiment.spec, null, 2)}\n`,
    data: experiment.data,
    backend: experiment.backend ?? 'wasm',
    ...(experiment.seed !== undefined ? { seed: experiment.seed } : {}),
    ...(experiment.workers !== undefined ? { workers: experiment.workers } : {}),
  };
  return `#e=${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
}

/** Opens the playground on an experiment's link and waits until the editor holds its spec. */
export async function openExperiment(
  session: BrowserSession,
  experiment: LinkedExperiment,
  options: OpenOptions = {},
): Promise<OpenedPage> {
  const opened = await session.open(`/${experimentHash(experiment)}`, options);
  await opened.page.locator('[data-testid="spec-status"][data-valid="true"]').waitFor();
  await opened.page.locator('[data-testid="train-start"]:not([disabled])').waitFor();
  return opened;
}

const testId = (id: string) => `[data-testid="${id}"]`;
export const byTestId = testId;

/**
 * Presses Train and waits for the run to end; returns the status line. A failed run fails the
 * test with the page's error message.
 */
export async function trainToEnd(page: Page, timeoutMs: number): Promise<string> {
  await page.locator(testId('train-start')).click();
  const ended = page
    .locator(`${testId('train-status')}:has-text("ready to try"), ${testId('train-error')}`)
    .first();
  await ended.waitFor({ timeout: timeoutMs });
  const error = page.locator(testId('train-error'));
  if (await error.count()) expect.fail(`training failed in the page: ${await error.textContent()}`);
  return (await page.locator(testId('train-status')).textContent()) ?? '';
}

/** Classifies one text in the "try" view: the label and each label's probability. */
export async function classify(
  page: Page,
  text: string,
): Promise<{ label: string; probabilities: Record<string, number> }> {
  // A previous result stays until the new one arrives: wait for the one showing this text.
  await page.locator(testId('try-class-input')).fill(text);
  await page.locator(testId('try-class-run')).click();
  const result = page.locator(testId('try-class-result'), { hasText: text });
  await result.waitFor({ timeout: 30_000 });
  const label = (await result.locator(testId('try-class-label')).textContent()) ?? '';
  const probabilities: Record<string, number> = {};
  for (const bar of await result.locator(testId('try-class-bar')).all()) {
    probabilities[(await bar.getAttribute('data-label')) as string] = Number(
      await bar.getAttribute('data-probability'),
    );
  }
  return { label, probabilities };
}

/** Records every event the page's workers send (an init script: installed before
 * the page's scripts run, it keeps them in `window.workerEvents`). */
export function recordWorkerEvents() {
  const seen: unknown[] = [];
  (window as unknown as { workerEvents: unknown[] }).workerEvents = seen;
  const Original = window.Worker;
  window.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.addEventListener('message', (event) => seen.push(event.data));
    }
  };
}
