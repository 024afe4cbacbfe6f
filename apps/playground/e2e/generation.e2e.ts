// A generation model streams its text: a small character model trains in the page on a slice of the
// bundled Tiny Shakespeare (a dropped file, carried in the link), then the "try" view's continuation
// grows piece by piece while the worker samples, before the final text replaces it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { byTestId, openExperiment, trainToEnd } from './app.ts';
import { screenshot, useBrowser } from './browser.ts';

const session = useBrowser();
const shakespeare = readFileSync(
  new URL('../public/data/shakespeare/tiny-shakespeare-100k.txt', import.meta.url),
  'utf8',
).slice(0, 6000);

const spec = {
  version: 1,
  name: 'e2e-char-gru',
  task: 'generation',
  input: { tokenizer: { type: 'char' }, maxLength: 32 },
  layers: [
    { type: 'embedding', embeddingDim: 16 },
    { type: 'gru', hiddenSize: 64 },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 }, seed: 3 },
  decoding: { strategy: 'sample', temperature: 0.8, maxLength: 2000 },
};

describe('generation in the page', () => {
  it('streams the continuation as the worker samples it', async () => {
    const { page } = await openExperiment(session, {
      spec,
      data: { file: 'shakespeare-6k.txt', text: shakespeare },
      backend: 'wasm',
    });
    await trainToEnd(page, 60_000);
    await page.locator('[data-testid="try-panel"][data-task="generation"]').waitFor();
    await page.locator(byTestId('try-gen-prompt')).fill('First Citizen:\n');
    await page.locator(byTestId('try-gen-max-tokens')).fill('2000');
    await page.locator(byTestId('try-gen-seed')).fill('7');
    // Record every change of the shown continuation, with its time, from the click on.
    await page.evaluate(() => {
      const w = window as unknown as { e2eStream: { at: number; length: number; busy: string }[] };
      w.e2eStream = [];
      const observer = new MutationObserver(() => {
        const output = document.querySelector('[data-testid="try-gen-output"]');
        const text = document.querySelector('[data-testid="try-gen-text"]');
        if (!output || !text) return;
        const last = w.e2eStream[w.e2eStream.length - 1];
        const length = (text.textContent ?? '').length;
        if (last?.length !== length) {
          w.e2eStream.push({
            at: performance.now(),
            length,
            busy: output.getAttribute('data-busy') ?? '',
          });
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.locator(byTestId('try-gen-run')).click();
    await page.locator('[data-testid="try-gen-output"][data-busy="false"]').waitFor({
      timeout: 30_000,
    });
    const stream = await page.evaluate(
      () =>
        (window as unknown as { e2eStream: { at: number; length: number; busy: string }[] })
          .e2eStream,
    );
    const whileBusy = stream.filter((s) => s.busy === 'true' && s.length > 0);
    const text = (await page.locator(byTestId('try-gen-text')).textContent()) ?? '';
    console.log(
      `generation: ${whileBusy.length} updates while sampling over ${((whileBusy.at(-1)?.at ?? 0) - (whileBusy[0]?.at ?? 0)).toFixed(0)} ms; ${text.length} characters`,
    );
    // Pieces arrived one after another, over time, each longer than the last...
    expect(whileBusy.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < whileBusy.length; i++) {
      expect(whileBusy[i]?.length).toBeGreaterThan(whileBusy[i - 1]?.length as number);
    }
    expect((whileBusy.at(-1)?.at as number) - (whileBusy[0]?.at as number)).toBeGreaterThan(0);
    // ...and the final text is what streamed, complete.
    expect(text.length).toBeGreaterThanOrEqual(whileBusy.at(-1)?.length as number);
    expect(text.trim().length).toBeGreaterThan(20);
    await screenshot(page, 'try-generation', byTestId('try-panel'));
  });
});
