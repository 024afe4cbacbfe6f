// Tokens per second over the last batches, and the time the rest of a run takes at that pace.
// A window of recent batches rather than the run's average, so the number follows the machine
// (another tab starts, the wasm threads warm up) and the first slow batches (kernel compilation)
// stop counting soon.

export class Throughput {
  readonly #now: () => number;
  readonly #window: number;
  /** [time in ms, tokens] of the last batches, oldest first; the first entry is a start mark. */
  readonly #marks: [number, number][];

  constructor(now: () => number, window = 20) {
    this.#now = now;
    this.#window = window;
    this.#marks = [[now(), 0]];
  }

  /** A batch of `tokens` has just ended. */
  add(tokens: number): void {
    this.#marks.push([this.#now(), tokens]);
    if (this.#marks.length > this.#window + 1) this.#marks.shift();
  }

  #span(): { seconds: number; tokens: number; batches: number } {
    const first = this.#marks[0] as [number, number];
    const last = this.#marks[this.#marks.length - 1] as [number, number];
    let tokens = 0;
    for (let i = 1; i < this.#marks.length; i++) tokens += (this.#marks[i] as [number, number])[1];
    return { seconds: (last[0] - first[0]) / 1000, tokens, batches: this.#marks.length - 1 };
  }

  /** Tokens per second over the window (0 before the first batch). */
  tokensPerSecond(): number {
    const { seconds, tokens } = this.#span();
    return seconds > 0 ? tokens / seconds : 0;
  }

  /** Seconds for `batches` more batches at the window's pace; undefined before the first batch. */
  secondsFor(batches: number): number | undefined {
    const { seconds, batches: seen } = this.#span();
    if (seen === 0 || seconds <= 0) return undefined;
    return Math.max(0, batches) * (seconds / seen);
  }
}
