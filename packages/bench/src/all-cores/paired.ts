// How the all-cores columns are timed: as training runs, many steps back to back, in pairs of
// windows (the one-thread step for a while, then the data-parallel step for as long), the speed-up
// taken within each pair and its median over the pairs reported. A single step is a poor sample
// here: step by step one half of a data-parallel batch or the other runs 5-20% slower on a shared
// VM, and a ratio of two medians of three single steps taken at different moments swung by ±0.15
// from run to run; within a pair the machine's state is the same for both, and over a window the
// per-step noise averages out as it does over an epoch.
import { type Competitor, errorText, median, type Outcome, summarize, timed } from '../measure.js';

export interface PairedOptions {
  /** Pairs of windows wanted: the median ratio over them is reported. */
  pairs: number;
  /** Shortest window, in seconds (a window runs whole steps: at least one). */
  windowSeconds: number;
  /** Budget for each competitor's timed windows, in seconds: fewer pairs when they do not fit. */
  maxSeconds: number;
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

/** Runs `run` for at least `seconds` (whole steps, at least one): seconds per step. */
async function window(run: () => Promise<void>, seconds: number): Promise<number> {
  const started = performance.now();
  let steps = 0;
  let elapsed = 0;
  while (steps === 0 || elapsed < seconds) {
    await run();
    steps++;
    elapsed = (performance.now() - started) / 1000;
  }
  return elapsed / steps;
}

/**
 * One timed step each, then (for steps shorter than half a window) a warm-up window each (weights
 * packed, heaps grown, the workers' first steps), then up to `pairs` pairs of windows as long as
 * the slower step or `windowSeconds`, within `maxSeconds` per competitor (at least one pair). The
 * order alternates (base first, then the other first) so that load drifting within a pair does not
 * favour either side. A competitor that throws ends the measurement with its error.
 */
export async function pairedWindows(
  base: Competitor,
  other: Competitor,
  options: PairedOptions,
): Promise<PairedOutcome> {
  const stage = { name: 'warm-up', who: 'one thread' };
  const runs = { 'one thread': base.run, 'all threads': other.run };
  const timedWindow = async (who: keyof typeof runs, seconds: number) => {
    stage.who = who;
    return window(runs[who], seconds);
  };
  try {
    stage.who = 'one thread';
    const firstBase = await timed(base.run);
    stage.who = 'all threads';
    const firstOther = await timed(other.run);
    const windowSeconds = Math.max(options.windowSeconds, firstBase, firstOther);
    if (Math.max(firstBase, firstOther) < windowSeconds / 2) {
      await timedWindow('one thread', windowSeconds / 2);
      await timedWindow('all threads', windowSeconds / 2);
    }
    const fit = Math.max(1, Math.floor(options.maxSeconds / windowSeconds));
    const pairs = Math.min(options.pairs, fit);
    const baseTimes: number[] = [];
    const otherTimes: number[] = [];
    const ratios: number[] = [];
    for (let p = 0; p < pairs; p++) {
      stage.name = `pair ${p + 1}`;
      const baseFirst = p % 2 === 0;
      const first = await timedWindow(baseFirst ? 'one thread' : 'all threads', windowSeconds);
      const second = await timedWindow(baseFirst ? 'all threads' : 'one thread', windowSeconds);
      const [one, all] = baseFirst ? [first, second] : [second, first];
      baseTimes.push(one);
      otherTimes.push(all);
      ratios.push(one / all);
    }
    const capped = pairs < options.pairs;
    return {
      base: { measure: summarize(baseTimes, capped) },
      other: { measure: summarize(otherTimes, capped) },
      ratios,
      speedup: median(ratios),
    };
  } catch (error) {
    const failed = { error: `${stage.name} (${stage.who}) failed: ${errorText(error)}` };
    return { base: failed, other: failed, ratios: [] };
  }
}
