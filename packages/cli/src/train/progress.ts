// Training progress: a live bar (cli-progress) with epoch, step, loss, tokens/s and ETA on a
// terminal; otherwise (logs, CI) one line per epoch, plus a line every heartbeatSeconds inside a
// long epoch so a log never goes quiet for minutes.
import type { BatchEvent, EpochRecord } from '@recurrent/core';
import cliProgress from 'cli-progress';
import type { CliIO } from '../io.js';

export interface Progress {
  batch(event: BatchEvent): void;
  epoch(record: EpochRecord): void;
  stop(): void;
}

/**
 * One epoch: losses, the task's words on its validation metrics (`describeMetrics`, e.g.
 * ", accuracy 81.20%, macro-F1 0.8113"), learning rate, speed and time.
 */
export function epochLine(
  record: EpochRecord,
  epochs: number,
  tokensPerSecond: number,
  describeMetrics: (record: EpochRecord) => string = () => '',
): string {
  const cut = record.partialBatches
    ? ` (time budget: stopped after ${record.partialBatches} batches)`
    : '';
  const validation =
    record.validationLoss === undefined
      ? ''
      : `, validation loss ${record.validationLoss.toFixed(4)}`;
  return `epoch ${record.epoch + 1}/${epochs}${cut}: loss ${record.trainLoss.toFixed(4)}${validation}${describeMetrics(record)}, lr ${record.lr.toPrecision(3)}, ${Math.round(tokensPerSecond).toLocaleString('en-US')} tokens/s, ${record.seconds.toFixed(1)} s\n`;
}

export function heartbeatLine(
  event: BatchEvent,
  epochs: number,
  meanLoss: number,
  tokensPerSecond: number,
): string {
  return `epoch ${event.epoch + 1}/${epochs}: batch ${event.position}/${event.batchCount}, loss ${meanLoss.toFixed(4)} (epoch mean so far), ${Math.round(tokensPerSecond).toLocaleString('en-US')} tokens/s\n`;
}

export interface ProgressOptions {
  epochs: number;
  /** A live bar (terminal) or plain lines (logs). */
  live: boolean;
  /** Plain lines only: seconds between lines inside an epoch (default 30). */
  heartbeatSeconds?: number;
  /** The task's words on an epoch's validation metrics (see epochLine). */
  describeMetrics?: (record: EpochRecord) => string;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

export function createProgress(io: CliIO, options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const heartbeatMs = (options.heartbeatSeconds ?? 30) * 1000;
  // Speeds are tokens over the epoch's training seconds as core measures them (BatchEvent and
  // EpochRecord `seconds`): a clock of our own would count the run's setup (worker threads
  // starting, the model compiling) into the first epoch, and validation into every one.
  let tokens = 0;
  let lastLine = now();
  let lossSum = 0;
  let lossCount = 0;
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
      lossSum += event.loss;
      lossCount += 1;
      const time = now();
      const { seconds } = event;
      if (!bar) {
        if (time - lastLine >= heartbeatMs && event.position < event.batchCount) {
          io.stdout(
            heartbeatLine(
              event,
              options.epochs,
              lossSum / lossCount,
              tokens / Math.max(seconds, 1e-3),
            ),
          );
          lastLine = time;
        }
        return;
      }
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
      if (bar && started) {
        bar.stop();
        started = false;
      }
      const speed = tokens / Math.max(record.seconds, 1e-3);
      io.stdout(epochLine(record, options.epochs, speed, options.describeMetrics));
      tokens = 0;
      lossSum = 0;
      lossCount = 0;
      lastLine = now();
    },
    stop() {
      if (bar && started) bar.stop();
    },
  };
}
