// Stop, reload, resume: a run stopped mid-way keeps its checkpoint in IndexedDB; after a reload of
// the same link, Resume continues from that checkpoint (the worker names its step and epoch) and
// the run ends after the spec's last epoch, not after as many epochs again: its first batch lies
// in the epoch of the checkpoint, and it runs fewer batches than all the epochs from scratch.
import { describe, expect, it } from 'vitest';
import { byTestId, openExperiment, recordWorkerEvents } from './app.ts';
import { useBrowser } from './browser.ts';

const session = useBrowser();

const experiment = {
  spec: {
    version: 1,
    name: 'e2e-resume',
    task: 'classification',
    input: {
      tokenizer: { type: 'word', lowercase: true },
      vocabulary: { minFrequency: 2 },
      maxLength: 32,
    },
    layers: [
      { type: 'embedding', embeddingDim: 16 },
      { type: 'gru', hiddenSize: 16 },
      { type: 'pool', mode: 'mean' },
      { type: 'dense', units: 'auto' },
    ],
    // Enough epochs that the run is still going when the test stops it: an epoch of this model
    // takes well under a second, less than the page's epoch label may stay between two looks.
    training: { epochs: 12, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 }, seed: 9 },
  },
  data: { bundled: 'uci-sentiment' },
  backend: 'wasm',
} as const;

interface Seen {
  type: string;
  kind?: string;
  point?: { epoch: number; at: number };
}

describe('stop and resume after a reload', () => {
  it('continues from the checkpoint kept in IndexedDB to the last epoch', async () => {
    const { page } = await openExperiment(session, experiment);
    // From the reload on: the resumed run's events.
    await page.addInitScript(recordWorkerEvents);
    await page.locator(byTestId('train-start')).click();
    // Stop in the second epoch or later: the first epoch's record and checkpoint exist by then.
    // (Waiting for exactly "epoch 2/N" can miss it: a fast epoch is gone before the next look.)
    await page
      .locator(byTestId('train-epoch'))
      .filter({ hasText: /^epoch ([2-9]|1[01])\/12$/ })
      .waitFor({ timeout: 60_000 });
    await page.locator(byTestId('train-stop')).click();
    await page
      .locator(`${byTestId('train-status')}:has-text("Resume continues the run")`)
      .waitFor({ timeout: 30_000 });
    expect((await page.locator(byTestId('train-status')).textContent()) ?? '').toMatch(/^Stopped/);

    await page.reload({ waitUntil: 'load' });
    await page.locator('[data-testid="spec-status"][data-valid="true"]').waitFor();
    await page.locator(`${byTestId('train-resume')}:not([disabled])`).click();
    const note = page.locator(`${byTestId('train-notes')} li`, { hasText: 'resuming from' });
    await note.waitFor({ timeout: 30_000 });
    const match = /checkpoint of step (\d+) \(epoch (\d+)\)/.exec((await note.textContent()) ?? '');
    expect(match, 'the resume note names the step and epoch').not.toBeNull();
    // Stopped in epoch 2 or later: at least the first epoch's steps are behind it.
    expect(Number(match?.[1])).toBeGreaterThan(0);
    expect(Number(match?.[2])).toBeGreaterThanOrEqual(2);
    await page
      .locator(`${byTestId('train-status')}:has-text("ready to try"), ${byTestId('train-error')}`)
      .first()
      .waitFor({ timeout: 60_000 });
    expect(await page.locator(byTestId('train-error')).count()).toBe(0);
    expect((await page.locator(byTestId('train-status')).textContent()) ?? '').toMatch(/^Done/);
    expect(await page.locator(byTestId('train-epoch')).textContent()).toBe('epoch 12/12');

    // The resumed run starts at the checkpoint: its first batch is in epoch 2 or later (the
    // epochs before it are only replayed as records), and it runs fewer batches than 12 epochs.
    const seen = (await page.evaluate(
      () => (window as unknown as { workerEvents: unknown[] }).workerEvents,
    )) as Seen[];
    const batches = seen.filter((e) => e.type === 'progress' && e.kind === 'batch');
    expect(batches.length).toBeGreaterThan(0);
    expect(batches[0]?.point?.epoch).toBeGreaterThanOrEqual(2);
    const perEpoch = batches.filter((e) => e.point?.epoch === 12).length; // the last, whole epoch
    expect(perEpoch).toBeGreaterThan(0);
    expect(batches.length).toBeLessThan(12 * perEpoch);
  }, 240_000);
});
