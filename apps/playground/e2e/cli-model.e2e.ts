// A model trained by the CLI (`recurrent train`), opened in the page (its model.json and
// weights.safetensors, picked in the model files panel), predicts what `recurrent predict` does:
// the same label and every probability within 1e-5, both on WASM.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byTestId, classify } from './app.ts';
import { screenshot, useBrowser } from './browser.ts';

const session = useBrowser();
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(repo, 'packages/cli/bin/recurrent.js');
const yelp = join(repo, 'fixtures/datasets/sentiment-labelled-sentences/yelp_labelled.txt');

const spec = {
  version: 1,
  name: 'e2e-cli-sentiment',
  task: 'classification',
  input: {
    tokenizer: { type: 'word', lowercase: true },
    vocabulary: { minFrequency: 2 },
    maxLength: 32,
  },
  layers: [
    { type: 'embedding', embeddingDim: 16 },
    { type: 'gru', hiddenSize: 16, bidirectional: true },
    { type: 'pool', mode: 'mean' },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 }, seed: 5 },
};

const sentences = [
  'the food was great and the service friendly',
  'worst place ever , never again',
  'an unknown zyzzyva qwxz',
];

interface CliPrediction {
  text: string;
  label: string;
  probabilities: Record<string, number>;
}

const root = mkdtempSync(join(tmpdir(), 'playground-e2e-cli-'));
const model = join(root, 'model');
let expected: CliPrediction[] = [];

const cli = (args: string[]) =>
  execFileSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8' });

beforeAll(() => {
  // The CLI runs from its dist: turbo builds it before this test (apps/playground/turbo.json
  // makes test depend on @recurrent/cli#build); a build here would race turbo's own.
  const dist = join(repo, 'packages/cli/dist/index.js');
  if (!existsSync(dist)) {
    throw new Error(
      `${dist} is missing: build the CLI first (pnpm exec turbo run build --filter=@recurrent/cli), or run the tests through turbo`,
    );
  }
  writeFileSync(join(root, 'spec.json'), JSON.stringify(spec));
  cli(['train', join(root, 'spec.json'), '--data', yelp, '--out', model, '--backend', 'wasm']);
  expected = cli(['predict', model, ...sentences, '--json', '--backend', 'wasm'])
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as CliPrediction);
  expect(expected.map((p) => p.text)).toEqual(sentences);
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a model made by the CLI, opened in the page', () => {
  it('predicts the labels and probabilities `recurrent predict` gives', async () => {
    const { page } = await session.open('/');
    await page.locator('[data-testid="backend-option-wasm"]').check();
    await page
      .locator(byTestId('model-open-files'))
      .setInputFiles([join(model, 'model.json'), join(model, 'weights.safetensors')]);
    await page.locator('[data-testid="try-panel"][data-task="classification"]').waitFor({
      timeout: 30_000,
    });
    // Train is locked only while the model opens: it is free again once the model is open.
    await page.locator(`${byTestId('train-start')}:not([disabled])`).waitFor({ timeout: 10_000 });
    let largest = 0;
    for (const want of expected) {
      const got = await classify(page, want.text);
      for (const [label, p] of Object.entries(want.probabilities)) {
        largest = Math.max(largest, Math.abs((got.probabilities[label] ?? Number.NaN) - p));
      }
      expect(got.label, want.text).toBe(want.label);
      expect(Object.keys(got.probabilities).sort()).toEqual(Object.keys(want.probabilities).sort());
      for (const [label, p] of Object.entries(want.probabilities)) {
        expect(
          Math.abs((got.probabilities[label] as number) - p),
          `${want.text}: ${label}`,
        ).toBeLessThan(1e-5);
      }
    }
    console.log(
      `CLI model in the page: largest probability difference ${largest.toExponential(2)}`,
    );
    await screenshot(page, 'model-files', byTestId('model-files'));
  });
});
