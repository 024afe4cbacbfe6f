// Plain-line progress (logs, CI): one line per epoch, and a heartbeat inside long epochs.
import type { BatchEvent } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

/** The position-th batch of an epoch whose batches take 10 s each. */
function batchEvent(position: number, loss: number): BatchEvent {
  return {
    epoch: 0,
    position,
    batchCount: 10,
    step: position,
    loss,
    lr: 1e-3,
    tokens: 100,
    seconds: position * 10,
  };
}

describe('plain-line progress', () => {
  it('writes a heartbeat every heartbeatSeconds inside an epoch, with the epoch mean loss so far', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = createProgress(
      { stdout: (text) => lines.push(text), stderr: () => {} },
      { epochs: 2, live: false, heartbeatSeconds: 30, now: () => clock },
    );
    // Batches every 10 s: heartbeats at 30, 60 and 90 s; none at 100 s, the epoch's last batch.
    const losses = [1, 0.8, 0.6, 0.4, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1];
    losses.forEach((loss, i) => {
      clock += 10_000;
      progress.batch(batchEvent(i + 1, loss));
    });
    expect(lines).toEqual([
      'epoch 1/2: batch 3/10, loss 0.8000 (epoch mean so far), 10 tokens/s\n',
      'epoch 1/2: batch 6/10, loss 0.5167 (epoch mean so far), 10 tokens/s\n',
      'epoch 1/2: batch 9/10, loss 0.3778 (epoch mean so far), 10 tokens/s\n',
    ]);
    progress.epoch({ epoch: 0, trainLoss: 0.37, lr: 1e-3, seconds: 100 });
    expect(lines[3]).toBe('epoch 1/2: loss 0.3700, lr 0.00100, 10 tokens/s, 100.0 s\n');
    // The next epoch's clock and mean start afresh: no heartbeat 10 s in.
    clock += 10_000;
    progress.batch({ ...batchEvent(1, 2), epoch: 1 });
    expect(lines).toHaveLength(4);
  });

  it("measures speed over the epoch's training seconds, not the setup before it or the validation after it", () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = createProgress(
      { stdout: (text) => lines.push(text), stderr: () => {} },
      { epochs: 2, live: false, heartbeatSeconds: 30, now: () => clock },
    );
    // 50 s of setup (threads starting, the model compiling) before the first batch.
    clock = 50_000;
    for (let i = 1; i <= 10; i++) {
      clock += 10_000;
      progress.batch(batchEvent(i, 0.5));
    }
    // The first batch ends 60 s after the progress began: a heartbeat, at the epoch's speed.
    expect(lines[0]).toBe('epoch 1/2: batch 1/10, loss 0.5000 (epoch mean so far), 10 tokens/s\n');
    // Then 40 s of validation before the epoch's record.
    clock += 40_000;
    progress.epoch({ epoch: 0, trainLoss: 0.5, lr: 1e-3, seconds: 100 });
    expect(lines.at(-1)).toBe('epoch 1/2: loss 0.5000, lr 0.00100, 10 tokens/s, 100.0 s\n');
  });

  it('stays quiet per batch when epochs are shorter than the heartbeat', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = createProgress(
      { stdout: (text) => lines.push(text), stderr: () => {} },
      { epochs: 1, live: false, now: () => clock },
    );
    for (let i = 1; i <= 10; i++) {
      clock += 1000;
      progress.batch(batchEvent(i, 0.5));
    }
    expect(lines).toEqual([]);
  });
});
