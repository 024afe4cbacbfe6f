// The JSON-lines log: one parseable line per event, in the order given; a log that cannot be
// written fails the run's end with the path, not silently.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../tasks/contract.js';
import { jsonLinesLog } from './json-lines-log.js';

const events: TrainEvent[] = [
  {
    type: 'batch',
    epoch: 0,
    position: 1,
    batchCount: 2,
    step: 1,
    loss: 0.7,
    lr: 0.01,
    tokens: 5,
    seconds: 0.1,
  },
  {
    type: 'batch',
    epoch: 0,
    position: 2,
    batchCount: 2,
    step: 2,
    loss: 0.6,
    lr: 0.01,
    tokens: 5,
    seconds: 0.2,
  },
  { type: 'epoch', epoch: 0, trainLoss: 0.65, validationLoss: 0.62, lr: 0.01, seconds: 1.5 },
];

describe('jsonLinesLog', () => {
  it('appends each event as one line, in order, to what the file held', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'log-')), 'train.jsonl');
    const first = jsonLinesLog(path);
    for (const event of events.slice(0, 2)) first.onProgress(event);
    await first.close();
    const second = jsonLinesLog(path); // a resumed run appends
    second.onProgress(events[2] as TrainEvent);
    await second.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual(events);
  });

  it('fails at close with the path when the log cannot be written', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'log-')), 'missing-folder', 'train.jsonl');
    const log = jsonLinesLog(path);
    log.onProgress(events[0] as TrainEvent);
    await expect(log.close()).rejects.toThrow(`${path}: cannot write the training log`);
  });
});
