// The JSON-lines training log: one JSON object per optimizer step ({"type":"batch", ...event})
// and per epoch ({"type":"epoch", ...record}), each line handed to a sink with its newline. The
// sink decides where lines go (a file appended to in Node, a stream or an array in a browser).
import type { Callback } from '../callback.js';
import type { BatchEvent, EpochRecord } from '../types.js';

/** Receives one line, newline included; a returned promise is awaited before training goes on. */
export type LineSink = (line: string) => void | Promise<void>;

export class JsonLinesLog implements Callback {
  constructor(readonly write: LineSink) {}

  async onBatchEnd(event: BatchEvent): Promise<void> {
    await this.write(`${JSON.stringify({ type: 'batch', ...event })}\n`);
  }

  async onEpochEnd(record: EpochRecord): Promise<void> {
    await this.write(`${JSON.stringify({ type: 'epoch', ...record })}\n`);
  }
}
