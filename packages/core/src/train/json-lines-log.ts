// A JSON-lines training log (Node): one line per batch and per epoch, appended in order, for plots
// and for following a run with `tail -f`. Pass `log.onProgress` as a task's onProgress.
import { appendFile } from 'node:fs/promises';
import type { TrainEvent } from '../tasks/contract.js';

export interface JsonLinesLog {
  onProgress(event: TrainEvent): void;
  /** Resolves when every line is written; rejects with the first write error. */
  close(): Promise<void>;
}

export function jsonLinesLog(path: string): JsonLinesLog {
  let written: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  return {
    onProgress(event) {
      const line = `${JSON.stringify(event)}\n`;
      written = written.then(() =>
        appendFile(path, line).catch((error: Error) => {
          failure ??= new Error(`${path}: cannot write the training log (${error.message})`);
        }),
      );
    },
    async close() {
      await written;
      if (failure) throw failure;
    },
  };
}
