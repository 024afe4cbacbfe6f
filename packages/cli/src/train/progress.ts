// Training progress: a live bar (cli-progress) with epoch, step, loss, tokens/s and ETA on a
// terminal; one line per epoch otherwise (logs, CI), and nothing per batch.
import type { BatchEvent, EpochRecord } from '@recurrent/core';
import cliProgress from 'cli-progress';
import type { CliIO } from '../io.js';

export interface Progress {
  batch(event: BatchEvent): void;
  epoch(record: EpochRecord): void;
  stop(): void;
}

export function epochLine(record: EpochRecord, epochs: number, tokensPerSecond: number): string {
  const validation =
    record.validationLoss === undefined
      ? ''
      : `, validation loss ${record.validationLoss.toFixed(4)} (perplexity ${Math.exp(record.validationLoss).toFixed(2)})`;
  return `epoch ${record.epoch + 1}/${epochs}: loss ${record.trainLoss.toFixed(4)}${validation}, lr ${record.lr.toPrecision(3)}, ${Math.round(tokensPerSecond).toLocaleString('en-US')} tokens/s, ${record.seconds.toFixed(1)} s\n`;
}

export function createProgress(
  io: CliIO,
  options: { epochs: number; batchesPerEpoch: number; live: boolean },
): Progress {
  let tokens = 0;
  let since = performance.now();
  const bar = options.live
    ? new cliProgress.SingleBar(
        {
          format:
            'epoch {epoch}/{epochs} {bar} {value}/{total} | step {step} | loss {loss} | {speed} tok/s | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  return {
    batch(event) {
      tokens += event.tokens;
      if (!bar) return;
      const seconds = (performance.now() - since) / 1000;
      const payload = {
        epoch: event.epoch + 1,
        epochs: options.epochs,
        step: event.step,
        loss: event.loss.toFixed(4),
        speed: Math.round(tokens / Math.max(seconds, 1e-3)).toLocaleString('en-US'),
      };
      if (!started) {
        bar.start(event.batchCount, event.position, payload);
        started = true;
      } else bar.update(event.position, payload);
    },
    epoch(record) {
      const seconds = (performance.now() - since) / 1000;
      if (bar && started) {
        bar.stop();
        started = false;
      }
      io.stdout(epochLine(record, options.epochs, tokens / Math.max(seconds, 1e-3)));
      tokens = 0;
      since = performance.now();
    },
    stop() {
      if (bar && started) bar.stop();
    },
  };
}
