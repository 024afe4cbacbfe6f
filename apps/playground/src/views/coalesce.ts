// Progress events can arrive hundreds of times a second (one per batch); drawing each would keep
// the main thread busy. A coalescer buffers them and hands them over at most once per animation
// frame and at most every `minIntervalMs` (100 ms: ten redraws a second).

export interface Coalescer<T> {
  push(item: T): void;
  /** Hands over what is buffered now (the run ended: draw its last points at once). */
  flushNow(): void;
  /** Drops what is buffered and any scheduled frame (the view went away). */
  cancel(): void;
}

export interface CoalescerOptions {
  minIntervalMs?: number;
  /** Schedules a callback for the next frame; requestAnimationFrame in the page. */
  schedule?: (callback: () => void) => number;
  unschedule?: (handle: number) => void;
  now?: () => number;
}

export function createCoalescer<T>(
  flush: (items: T[]) => void,
  options: CoalescerOptions = {},
): Coalescer<T> {
  const minIntervalMs = options.minIntervalMs ?? 100;
  const schedule = options.schedule ?? defaultSchedule;
  const unschedule = options.unschedule ?? defaultUnschedule;
  const now = options.now ?? (() => performance.now());
  let buffer: T[] = [];
  let handle: number | undefined;
  let lastFlush = Number.NEGATIVE_INFINITY;

  const hand = () => {
    handle = undefined;
    if (buffer.length === 0) return;
    lastFlush = now();
    const items = buffer;
    buffer = [];
    flush(items);
  };
  const frame = () => {
    handle = undefined;
    // Too soon after the last redraw: wait for a later frame rather than draw twice.
    if (now() - lastFlush < minIntervalMs) handle = schedule(frame);
    else hand();
  };
  return {
    push(item) {
      buffer.push(item);
      if (handle === undefined) handle = schedule(frame);
    },
    flushNow() {
      if (handle !== undefined) unschedule(handle);
      hand();
    },
    cancel() {
      if (handle !== undefined) unschedule(handle);
      handle = undefined;
      buffer = [];
    },
  };
}

function defaultSchedule(callback: () => void): number {
  return typeof requestAnimationFrame === 'function'
    ? requestAnimationFrame(callback)
    : (setTimeout(callback, 16) as unknown as number);
}

function defaultUnschedule(handle: number): void {
  if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(handle);
  else clearTimeout(handle);
}
