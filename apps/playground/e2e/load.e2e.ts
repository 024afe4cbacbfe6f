// The page loads with no console errors (browser.ts fails any test whose page logged one), is
// cross-origin isolated (COOP/COEP from vite preview), and lists the backends the worker found,
// an unavailable one with its reason.
import { describe, expect, it } from 'vitest';
import { byTestId } from './app.ts';
import { screenshot, useBrowser } from './browser.ts';

const session = useBrowser();

describe('the playground page', () => {
  it('loads with no console errors, isolated, with the worker backends listed', async () => {
    const { page } = await session.open('/');
    expect(await page.title()).toBe('Recurrent playground');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // The worker answered: wasm and cpu run; WebGPU (no --enable-unsafe-webgpu here) says why not.
    await page.locator(byTestId('backend-option-wasm')).waitFor();
    expect(await page.locator(byTestId('backend-option-wasm')).isDisabled()).toBe(false);
    expect(await page.locator(byTestId('backend-option-cpu')).isDisabled()).toBe(false);
    expect((await page.locator(byTestId('backend-isolation')).textContent()) ?? '').toMatch(
      /threads/,
    );
    expect((await page.locator(byTestId('backend-reason-wasm')).textContent()) ?? '').not.toBe('');
    // Headless Chromium without --enable-unsafe-webgpu has no WebGPU on Linux: listed, disabled,
    // with the reason written out.
    expect(await page.locator(byTestId('backend-option-webgpu')).isDisabled()).toBe(true);
    expect(await page.locator(byTestId('backend-reason-webgpu')).textContent()).toMatch(
      /^unavailable: \S/,
    );
    // The default example is valid and the editor shows it.
    await page.locator('[data-testid="spec-status"][data-valid="true"]').waitFor();
    expect(
      (await page.locator(`${byTestId('spec-editor')} .cm-content`).textContent()) ?? '',
    ).toContain('"task": "classification"');
    // Late errors (lazy chunks, the worker's start) count too.
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'page');
    await screenshot(page, 'backend-picker', byTestId('backend-picker'));
  });
});
