// One headless Chromium per test file, one fresh context per page, and every console error and
// uncaught exception of the page (and of its workers) collected: afterEach fails the test that
// left any, so no test can pass over a page that logged an error.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { chromiumPath } from './chromium.ts';

/** The flags of /work/shared/design/TOOLCHAIN.md; playwright gives each launch a fresh profile. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const screenshotDir = fileURLToPath(new URL('../screenshots', import.meta.url));

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions so far, as "where: message". */
  errors: string[];
}

export interface OpenOptions {
  beforeLoad?(context: BrowserContext): void;
}

export interface BrowserSession {
  /**
   * Opens `path` (relative to the preview server) in a fresh context and waits for load;
   * `beforeLoad` sees the context first (e.g. to listen to every request from the start).
   */
  open(path?: string, options?: OpenOptions): Promise<OpenedPage>;
  /** Errors matching `pattern` in the current test are expected and not failures. */
  allowErrors(pattern: RegExp): void;
}

/**
 * Registers the hooks that launch Chromium for this file and check each test's pages.
 * `webgpu` adds --enable-unsafe-webgpu (a SwiftShader adapter where there is no GPU).
 */
export function useBrowser(options: { webgpu?: boolean } = {}): BrowserSession {
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  let opened: OpenedPage[] = [];
  let allowed: RegExp[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: options.webgpu ? [...chromiumArgs, '--enable-unsafe-webgpu'] : chromiumArgs,
    });
  });

  afterEach(async () => {
    const errors = opened.flatMap((o) => o.errors).filter((e) => !allowed.some((p) => p.test(e)));
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
    opened = [];
    allowed = [];
    expect(errors, 'console errors or uncaught exceptions in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
  });

  return {
    async open(path = '/', options: OpenOptions = {}) {
      if (!browser) throw new Error('useBrowser: Chromium is not launched (beforeAll failed?)');
      const context = await browser.newContext({
        baseURL: inject('baseUrl'),
        viewport: { width: 1280, height: 860 },
        deviceScaleFactor: 1,
        acceptDownloads: true,
      });
      contexts.push(context);
      options.beforeLoad?.(context);
      const page = await context.newPage();
      const entry: OpenedPage = { page, errors: [] };
      opened.push(entry);
      page.on('console', (message) => {
        if (message.type() === 'error') {
          const at = message.location();
          entry.errors.push(`console (${at.url}:${at.lineNumber}): ${message.text()}`);
        }
      });
      page.on('pageerror', (error) => entry.errors.push(`uncaught: ${error.stack ?? error}`));
      page.on('worker', (worker) => {
        worker.on('console', (message) => {
          if (message.type() === 'error') {
            entry.errors.push(`worker console (${worker.url()}): ${message.text()}`);
          }
        });
      });
      await page.goto(path, { waitUntil: 'load' });
      return entry;
    },
    allowErrors(pattern) {
      allowed.push(pattern);
    },
  };
}

/** Saves a PNG of the page (or of one element) as screenshots/<name>.png for the README. */
export async function screenshot(page: Page, name: string, selector?: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  if (selector) await page.locator(selector).first().screenshot({ path, animations: 'disabled' });
  else await page.screenshot({ path, animations: 'disabled', fullPage: true });
  return path;
}
