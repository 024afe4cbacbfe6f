// The forecasting view's one plot: the series' history, the model's forecast and the naive
// baseline (the last value repeated) on one x axis: dates when every row has one, else steps.
import type { TryOutput } from '../protocol.js';

type ForecastOutput = Extract<TryOutput, { task: 'forecasting' }>;

export interface ForecastColumns {
  /** Seconds since 1970 (uPlot's time scale) when `time`, else the step's index in the series. */
  x: number[];
  time: boolean;
  history: (number | null)[];
  forecast: (number | null)[];
  naive: (number | null)[];
}

/** The variables the output has values for (a multivariate model forecasts several). */
export function forecastVariables(output: ForecastOutput): string[] {
  return Object.keys(output.forecast.values);
}

/**
 * Columns for `variable`, with at most `historyShown` of the last observations. The forecast and
 * the baseline start at the last history point so the lines join the history instead of floating
 * after a gap. Without dates, x counts steps from the series' first observation.
 */
export function forecastColumns(
  output: ForecastOutput,
  variable: string,
  historyShown = Number.POSITIVE_INFINITY,
): ForecastColumns {
  const allHistory = output.history.values[variable] ?? [];
  // The last `historyShown` observations: a short forecast after a long series would be a dot.
  const skip = Math.max(0, allHistory.length - historyShown);
  const history = allHistory.slice(skip);
  const forecast = output.forecast.values[variable] ?? [];
  const naive = output.naive[variable] ?? [];
  const steps = history.length + forecast.length;
  const historyDates = output.history.dates?.slice(skip) ?? [];
  const dates = [...historyDates, ...(output.forecast.dates ?? [])];
  const seconds = dates.length === steps ? dates.map(dateSeconds) : [];
  const time =
    seconds.length === steps &&
    seconds.every((s) => s !== undefined) &&
    increasing(seconds as number[]);
  const x = time ? (seconds as number[]) : Array.from({ length: steps }, (_, i) => skip + i);

  const join = history.length - 1;
  const column = (tail: readonly number[], withJoin: boolean) =>
    x.map((_, i) => {
      if (i < history.length) return withJoin && i === join ? (history[i] as number) : null;
      const value = tail[i - history.length];
      return value !== undefined && Number.isFinite(value) ? value : null;
    });
  return {
    x,
    time,
    history: x.map((_, i) => (i < history.length ? (history[i] as number) : null)),
    forecast: column(forecast, join >= 0),
    naive: column(naive, join >= 0),
  };
}

/**
 * A date of the series as seconds since 1970 (UTC): ISO dates and times, and the monthly "1949-01"
 * form of the airline data. Undefined when it is not a date.
 */
export function dateSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  const monthly = /^(\d{4})-(\d{2})$/.exec(trimmed);
  if (monthly) return Date.UTC(Number(monthly[1]), Number(monthly[2]) - 1, 1) / 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  // A date alone is UTC for Date.parse; a date-time without zone would be local: make it UTC.
  const iso = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed)
    ? `${trimmed.replace(' ', 'T')}Z`
    : trimmed;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function increasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v > (values[i - 1] as number));
}

/** How much history the plot shows: four horizons, and at least three years of months. */
export function historyShownFor(horizon: number): number {
  return Math.max(36, 4 * horizon);
}
