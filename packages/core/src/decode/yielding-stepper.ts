// A stepper that lets the event loop run between steps. On cpu and wasm a step's scores come back
// through promises that resolve at once, so a decoding loop of thousands of steps would never give
// timers, signals (Ctrl-C), stream errors or a page's input a turn, and an AbortSignal could only be
// aborted after the text was done. Every `intervalMs` of stepping it waits for one macrotask.
// decode and decodeStream wrap every stepper in it, so no caller has to.
import type { DecodeStepper } from './contract.js';

/** How long a decoding loop may hold the event loop: about one frame. */
export const yieldIntervalMs = 16;

type Schedule = (callback: () => void) => void;

/** setImmediate in Node (no clamping); a zero timeout elsewhere. */
const schedule: Schedule =
  typeof (globalThis as { setImmediate?: Schedule }).setImmediate === 'function'
    ? (globalThis as unknown as { setImmediate: Schedule }).setImmediate
    : (callback) => setTimeout(callback, 0);

export const nextMacrotask = (): Promise<void> => new Promise((resolve) => schedule(resolve));

export function yieldingStepper<S>(
  stepper: DecodeStepper<S>,
  intervalMs = yieldIntervalMs,
): DecodeStepper<S> {
  let since = performance.now();
  return {
    vocabularySize: stepper.vocabularySize,
    prefill: (prompt) => {
      since = performance.now();
      return stepper.prefill(prompt);
    },
    async step(tokens, state) {
      if (performance.now() - since >= intervalMs) {
        await nextMacrotask();
        since = performance.now();
      }
      return stepper.step(tokens, state);
    },
    select: (state, rows) => stepper.select(state, rows),
    release: (state) => stepper.release(state),
  };
}
