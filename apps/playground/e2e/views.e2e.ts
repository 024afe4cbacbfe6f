// The tagging and forecasting "try" views, each after a short training in the page on its bundled
// data: tokens coloured by tag with a legend of the tags shown; one plot of the history, the
// forecast and the naive baseline.
import { describe, expect, it } from 'vitest';
import { byTestId, openExperiment, trainToEnd } from './app.ts';
import { screenshot, useBrowser } from './browser.ts';

const session = useBrowser();

const uposTags = [
  'ADJ',
  'ADP',
  'ADV',
  'AUX',
  'CCONJ',
  'DET',
  'INTJ',
  'NOUN',
  'NUM',
  'PART',
  'PRON',
  'PROPN',
  'PUNCT',
  'SCONJ',
  'SYM',
  'VERB',
  'X',
];

describe('the tagging and forecasting views', () => {
  it('tags a typed sentence: one coloured token per word, each tag in the legend', async () => {
    const { page } = await openExperiment(session, {
      spec: {
        version: 1,
        name: 'e2e-atis-pos',
        task: 'tagging',
        input: { tokenizer: { type: 'word', lowercase: true, splitPunctuation: false } },
        layers: [
          { type: 'embedding', embeddingDim: 16 },
          { type: 'lstm', hiddenSize: 16, bidirectional: true },
          { type: 'dense', units: 'auto' },
        ],
        tagging: { output: 'softmax' },
        training: { epochs: 3, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 }, seed: 4 },
      },
      data: { bundled: 'ud-english-atis' },
      backend: 'wasm',
    });
    await trainToEnd(page, 60_000);
    await page.locator('[data-testid="try-panel"][data-task="tagging"]').waitFor();
    const words = ['show', 'me', 'flights', 'from', 'boston', 'to', 'denver'];
    await page.locator(byTestId('try-tag-input')).fill(words.join(' '));
    await page.locator(byTestId('try-tag-run')).click();
    await page.locator(byTestId('try-tag-output')).waitFor({ timeout: 30_000 });
    const tokens = await page.locator(byTestId('try-tag-token')).evaluateAll((spans) =>
      spans.map((s) => ({
        text: s.querySelector('.rv-token-text')?.textContent ?? '',
        tag: s.getAttribute('data-tag') ?? '',
        background: getComputedStyle(s).backgroundColor,
      })),
    );
    expect(tokens.map((t) => t.text)).toEqual(words);
    for (const t of tokens) expect(uposTags).toContain(t.tag);
    const legend = await page
      .locator(byTestId('try-tag-legend-item'))
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-tag')));
    expect([...new Set(tokens.map((t) => t.tag))].sort()).toEqual([...new Set(legend)].sort());
    // Tokens of one tag share a colour; tokens of different tags do not.
    const colourOf = new Map(tokens.map((t) => [t.tag, t.background]));
    for (const t of tokens) expect(t.background).toBe(colourOf.get(t.tag));
    expect(new Set(colourOf.values()).size).toBe(colourOf.size);
    await screenshot(page, 'try-tagging', byTestId('try-panel'));
  });

  it('forecasts the airline series: history, forecast and naive baseline on one plot', async () => {
    const { page } = await openExperiment(session, {
      spec: {
        version: 1,
        name: 'e2e-airline',
        task: 'forecasting',
        forecasting: {
          window: 12,
          horizon: 1,
          features: ['Passengers'],
          scaling: 'standard',
          differencing: 'first',
          season: 12,
        },
        layers: [
          { type: 'lstm', hiddenSize: 8, returnSequences: false },
          { type: 'dense', units: 'auto' },
        ],
        training: {
          epochs: 8,
          batchSize: 16,
          optimizer: { type: 'adam', lr: 0.01 },
          loss: 'mse',
          seed: 0,
        },
      },
      data: { bundled: 'airline-passengers' },
      backend: 'wasm',
    });
    await trainToEnd(page, 60_000);
    await page.locator('[data-testid="try-panel"][data-task="forecasting"]').waitFor();
    // The view starts from the experiment's series (the bundled CSV).
    await expect
      .poll(async () => (await page.locator(byTestId('try-fc-input')).inputValue()).length)
      .toBeGreaterThan(1000);
    await page.locator(byTestId('try-fc-run')).click();
    const values = page.locator(byTestId('try-fc-values'));
    await values.waitFor({ timeout: 30_000 });
    const forecast = Number(/:\s*([\d.]+)/.exec((await values.textContent()) ?? '')?.[1]);
    // December 1960 had 432 thousand passengers; a month ahead stays in the same range.
    expect(forecast).toBeGreaterThan(300);
    expect(forecast).toBeLessThan(600);
    const legend = (await page.locator(`${byTestId('try-fc-plot')} .u-legend`).textContent()) ?? '';
    for (const series of ['history', 'forecast', 'naive baseline'])
      expect(legend).toContain(series);
    expect(await page.locator(`${byTestId('try-fc-plot')} canvas`).count()).toBe(1);
    await screenshot(page, 'try-forecasting', byTestId('try-panel'));
  });
});
