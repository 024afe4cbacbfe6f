// How the all-cores columns are timed: as training runs, many steps back to back, in pairs of
// windows (the one-thread step for a while, then the data-parallel step for as long), the speed-up
// taken within each pair and its median over the pairs reported. A single step is a poor sample
// here: step by step one half of a data-parallel batch or the other runs 5-20% slower on a shared
// VM, and a ratio of two medians of three single steps taken at different moments swung by ±0.15
// from run to run; within a pair the machine's state is the same for both, and over a window the
// per-step noise averages out as it does over an epoch.
import { type Competitor, errorText, median, type Outcome, summarize } from '../measure.js';

export interface PairedOptions {
  /** Pairs of windows: the median ratio over them is reported. */
  pairs: number;
  /** Shortest window, in seconds; a window also runs at least `minSteps` steps. */
  windowSeconds: number;
  minSteps: number;
}

export interface PairedOutcome {
  /** Seconds per step of each window (median, range) for the base and the other competitor. */
  base: Outcome;
  other: Outcome;
  /** base's seconds per step over other's, within each pair (the other's speed-up). */
  ratios: number[];
  /** The median of `ratios`. */
  speedup?: number;
}

/** Runs `run` for at least `seconds` and `minSteps` steps: seconds per step. */
async function window(
  run: () => Promise<void>,
  seconds: number,
  minSteps: number,
): Promise<number> {
  const started = performance.now();
  let steps = 0;
  let elapsed = 0;
  while (steps < minSteps || elapsed < seconds) {
    await run();
    steps++;
    elapsed = (performance.now() - started) / 1000;
  }
  return elapsed / steps;
}

/**
 * A warm-up window each (weights packed, heaps grown, the workers' first steps), then `pairs`
 * pairs of windows, base first. A competitor that throws ends the measurement with its error.
 */
export async function pairedWindows(
  base: Competitor,
  other: Competitor,
  { pairs, windowSeconds, minSteps }: PairedOptions,
): Promise<PairedOutcome> {
  const stage = { name: 'warm-up', who: 'one thread' };
  try {
    await window(base.run, windowSeconds / 2, 2);
    stage.who = 'all threads';
    await window(other.run, windowSeconds / 2, 2);
    const baseTimes: number[] = [];
    const otherTimes: number[] = [];
    const ratios: number[] = [];
    for (let p = 0; p < pairs; p++) {
      stage.name = `pair ${p + 1}`;
      stage.who = 'one thread';
      const one = await window(base.run, windowSeconds, minSteps);
      stage.who = 'all threads';
      const all = await window(other.run, windowSeconds, minSteps);
      baseTimes.push(one);
      otherTimes.push(all);
      ratios.push(one / all);
    }
    return {
      base: { measure: summarize(baseTimes) },
      other: { measure: summarize(otherTimes) },
      ratios,
      speedup: median(ratios),
    };
  } catch (error) {
    const failed = { error: `${stage.name} (${stage.who}) failed: ${errorText(error)}` };
    return { base: failed, other: failed, ratios: [] };
  }
}
