// Timing: competitors run alternately (interleaved) so that machine noise hits them alike, with a
// per-measurement time budget so that a slow reference cannot stretch the run to an hour.

/** Seconds per run: median and range over the timed reps. */
export interface Measure {
  median: number;
  low: number;
  high: number;
  /** Timed reps actually run. */
  reps: number;
  /** Fewer reps than asked, to stay within the time budget. */
  capped: boolean;
  /** A single run longer than the budget: its warm-up is the measurement. */
  fromWarmUp?: boolean;
}

/** A measurement, or why there is none. */
export type Outcome =
  | { measure: Measure; error?: undefined }
  | { measure?: undefined; error: string };

export interface Competitor {
  run: () => Promise<void>;
  dispose: () => void;
}

export interface TimingOptions {
  reps: number;
  /** Budget for the timed reps of one competitor in one workload, in seconds. */
  maxSeconds: number;
}

/** The middle value, or the mean of the two middle ones (no lean to either side). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[half] as number)
    : ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
}

export function summarize(seconds: number[], capped = false): Measure {
  const sorted = [...seconds].sort((a, b) => a - b);
  return {
    median: median(sorted),
    low: sorted[0] as number,
    high: sorted[sorted.length - 1] as number,
    reps: sorted.length,
    capped,
  };
}

/** The error's message; its stack too with BENCH_STACKS=1 (to chase a failing backend). */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (process.env.BENCH_STACKS === '1' && error.stack) return error.stack;
  return `${error.name}: ${error.message}`;
}

export async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

/**
 * Runs shorter than this are timed in groups (as Python's timeit does): one 10 ms step timed
 * alone is dominated by timer and scheduler noise, so a rep of a short workload runs it several
 * times back to back and records the mean.
 */
const shortestRep = 0.25;
/** Extra warm-up time for short runs: first steps pack weights and grow heaps. */
const shortWarmUp = 0.5;

/** `count` runs back to back: seconds per run. */
async function timedGroup(run: () => Promise<void>, count: number): Promise<number> {
  const started = performance.now();
  for (let k = 0; k < count; k++) await run();
  return (performance.now() - started) / 1000 / count;
}

/** After a first run of `first` seconds: more warm-up if it was short, and the runs per rep. */
async function warmUpShort(run: () => Promise<void>, first: number): Promise<number> {
  if (first >= shortestRep) return 1;
  let spent = first;
  let latest = first;
  while (spent < shortWarmUp) {
    latest = await timed(run);
    spent += latest;
  }
  return Math.max(1, Math.ceil(shortestRep / Math.max(latest, 1e-4)));
}

/**
 * One timed warm-up per competitor, then up to `reps` interleaved timed reps. The warm-up time
 * sets each competitor's rep count: as many as fit in `maxSeconds`. A run shorter than
 * `shortestRep` gets more warm-up and is timed in groups (each rep the mean of several runs). A run longer than that is not
 * repeated: its warm-up is the measurement (one-time costs are negligible at that length). A
 * competitor that throws is reported with its error; the others carry on.
 */
export async function interleaved(
  competitors: Record<string, Competitor | { error: string }>,
  { reps, maxSeconds }: TimingOptions,
): Promise<Record<string, Outcome>> {
  const outcomes: Record<string, Outcome> = {};
  const live = new Map<
    string,
    { run: () => Promise<void>; group: number; planned: number; times: number[] }
  >();
  const fromWarmUp: Record<string, number> = {};
  for (const [name, competitor] of Object.entries(competitors)) {
    if ('error' in competitor) {
      outcomes[name] = { error: competitor.error };
      continue;
    }
    try {
      const warm = await timed(competitor.run);
      if (warm >= maxSeconds) fromWarmUp[name] = warm;
      else {
        const group = await warmUpShort(competitor.run, warm);
        const planned = Math.max(1, Math.min(reps, Math.floor(maxSeconds / (warm * group))));
        live.set(name, { run: competitor.run, group, planned, times: [] });
      }
    } catch (error) {
      outcomes[name] = { error: `warm-up failed: ${errorText(error)}` };
    }
  }
  for (let r = 0; r < reps; r++) {
    for (const [name, entry] of live) {
      if (r >= entry.planned || outcomes[name]) continue;
      try {
        entry.times.push(await timedGroup(entry.run, entry.group));
      } catch (error) {
        outcomes[name] = { error: `rep ${r + 1} failed: ${errorText(error)}` };
      }
    }
  }
  for (const [name, entry] of live) {
    outcomes[name] ??= { measure: summarize(entry.times, entry.planned < reps) };
  }
  for (const [name, seconds] of Object.entries(fromWarmUp)) {
    outcomes[name] = { measure: { ...summarize([seconds], true), fromWarmUp: true } };
  }
  return outcomes;
}
