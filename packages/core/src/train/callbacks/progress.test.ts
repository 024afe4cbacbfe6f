// Progress and the JSON-lines log on their own: what they hand on, in order, awaited.
import { describe, expect, it } from 'vitest';
import type { BatchEvent, EpochRecord } from '../types.js';
import { JsonLinesLog } from './json-lines-log.js';
import { Progress } from './progress.js';

const event: BatchEvent = {
  epoch: 0,
  position: 2,
  batchCount: 5,
  step: 2,
  loss: 1.25,
  lr: 0.01,
  tokens: 64,
  seconds: 0.5,
};
const record: EpochRecord = {
  epoch: 0,
  trainLoss: 1.5,
  validationLoss: 1.75,
  metrics: { accuracy: 0.5 },
  lr: 0.01,
  seconds: 2,
};

describe('Progress', () => {
  it('hands each batch event and epoch record to its handlers, awaiting them', async () => {
    const seen: string[] = [];
    const progress = new Progress({
      onBatchEnd: async (e) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(`batch ${e.step}`);
      },
      onEpochEnd: (r) => void seen.push(`epoch ${r.epoch}`),
    });
    await progress.onBatchEnd(event);
    await progress.onEpochEnd(record);
    expect(seen).toEqual(['batch 2', 'epoch 0']);
    await new Progress({}).onBatchEnd(event); // no handlers: nothing to do
  });
});

describe('JsonLinesLog', () => {
  it('writes one JSON object per line that parses back to the event or record', async () => {
    const lines: string[] = [];
    const log = new JsonLinesLog((line) => void lines.push(line));
    await log.onBatchEnd(event);
    await log.onEpochEnd(record);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { type: 'batch', ...event },
      { type: 'epoch', ...record },
    ]);
  });

  it('waits for an asynchronous sink, so lines arrive in order', async () => {
    const written: string[] = [];
    const slowFirst = async (line: string) => {
      await new Promise((resolve) => setTimeout(resolve, written.length === 0 ? 20 : 0));
      written.push(JSON.parse(line).type);
    };
    const log = new JsonLinesLog(slowFirst);
    await log.onBatchEnd(event);
    await log.onEpochEnd(record);
    expect(written).toEqual(['batch', 'epoch']);
  });
});
