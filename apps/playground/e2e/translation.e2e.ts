// A translation model shows its attention: a small attention model trains in the page on the
// bundled Tatoeba pairs, translates a typed sentence, and draws a heatmap with one row per output
// token and one column per source token, each row a softmax (summing to 1).
import { describe, expect, it } from 'vitest';
import { byTestId, openExperiment, trainToEnd } from './app.ts';
import { screenshot, useBrowser } from './browser.ts';

const session = useBrowser();

const words = { type: 'word', lowercase: true, normalize: 'ascii', lettersOnly: true };
const spec = {
  version: 1,
  name: 'e2e-eng-fra-attention',
  task: 'translation',
  input: { tokenizer: words, maxLength: 10 },
  target: { tokenizer: words, maxLength: 10 },
  encoder: {
    layers: [
      { type: 'embedding', embeddingDim: 24 },
      { type: 'gru', hiddenSize: 32 },
    ],
  },
  decoder: {
    layers: [
      { type: 'embedding', embeddingDim: 24 },
      { type: 'gru', hiddenSize: 32 },
    ],
    attention: { type: 'bahdanau', combine: 'input' },
    bridge: 'copy',
  },
  training: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', lr: 0.005 }, seed: 1 },
  decoding: { strategy: 'greedy', maxLength: 8 },
};

describe('translation in the page', () => {
  it('translates a typed sentence and shows the attention heatmap', async () => {
    const { page } = await openExperiment(session, {
      spec,
      data: { bundled: 'tatoeba-eng-fra' },
      backend: 'wasm',
    });
    await trainToEnd(page, 90_000);
    await page.locator('[data-testid="try-panel"][data-task="translation"]').waitFor();
    await page.locator(byTestId('try-trans-input')).fill('I am happy.');
    await page.locator(byTestId('try-trans-run')).click();
    const heatmap = page.locator(byTestId('try-trans-heatmap'));
    await heatmap.waitFor({ timeout: 30_000 });
    const output = (await page.locator(byTestId('try-trans-output')).textContent()) ?? '';
    const rows = Number(await heatmap.getAttribute('data-rows'));
    const columns = Number(await heatmap.getAttribute('data-columns'));
    // Each cell's title reads "output ← source: weight".
    const cells = await heatmap.locator('rect > title').allTextContents();
    console.log(`translation: "I am happy." → "${output}", attention ${rows}×${columns}`);
    expect(rows).toBeGreaterThan(0);
    expect(cells).toHaveLength(rows * columns);
    const parsed = cells.map((title) => {
      const match = /^(.*) ← (.*): (\d\.\d{3})$/.exec(title);
      if (!match) throw new Error(`heatmap cell title "${title}" is not "output ← source: w"`);
      return { output: match[1], source: match[2], weight: Number(match[3]) };
    });
    // The columns are the sentence's tokens as the spec's tokenizer cuts them.
    const sources = parsed.slice(0, columns).map((c) => c.source);
    expect(sources.slice(0, 3)).toEqual(['i', 'am', 'happy']);
    for (let r = 0; r < rows; r++) {
      const row = parsed.slice(r * columns, (r + 1) * columns);
      const sum = row.reduce((s, c) => s + c.weight, 0);
      // Softmax rows sum to 1 (each weight is shown rounded to 3 decimals).
      expect(Math.abs(sum - 1)).toBeLessThanOrEqual(0.0005 * columns + 1e-9);
    }
    await screenshot(page, 'try-translation', byTestId('try-panel'));
  });
});
