// The forecasting task's data and results: one or several multivariate series (columns of equal
// length, oldest row first, optional dates), what `evaluate` measures against the naive baselines,
// and what `forecast` returns.
import type { ForecastScores } from '@recurrent/core';

export type { ForecastScores };

/** One multivariate series: value columns of equal length, oldest first. */
export interface TimeSeries {
  columns: Readonly<Record<string, ArrayLike<number>>>;
  /** One date per row as written (YYYY, YYYY-MM or YYYY-MM-DD), ascending. */
  dates?: readonly string[];
  /**
   * Rows before this index are history only: windows read inputs from them but no scored target
   * lies before it (default 0). Validation and test parts carry their true history this way.
   */
  targetsFrom?: number;
  /** Where it was read from (a file name), for errors. */
  source?: string;
}

/** What train/evaluate take: one series or several (windows never cross two series). */
export type SeriesData = TimeSeries | readonly TimeSeries[];

export interface MethodReport {
  /** Scores of each horizon step (index 0 = one step ahead), and over all steps. */
  steps: ForecastScores[];
  overall: ForecastScores;
  /** MAE / in-sample MAE of the one-step naive forecast on the history (null: constant history). */
  mase: number | null;
  /**
   * Forecast origins this method scored (evaluate sets it): the evaluation's `windows`, fewer for
   * seasonal naive when some origins have less than a season of history (see the notes).
   */
  windows?: number;
}

export interface TargetEvaluation {
  model: MethodReport;
  /** The last observed value, repeated for every step. */
  naive: MethodReport;
  /**
   * When the spec has a season: the value one season earlier, scored on the origins with at least
   * a season of history (its `windows`); absent when no origin has one (the notes say so).
   */
  seasonalNaive?: MethodReport;
}

export interface ForecastEvaluation {
  horizon: number;
  /** Forecast origins scored: windows whose targets all lie at or after targetsFrom. */
  windows: number;
  /** Mean loss as training computes it (scaled, differenced values). */
  loss: number;
  season?: number;
  /** Per target column, in the model's target order. */
  targets: Record<string, TargetEvaluation>;
  /** First and last scored date (when the series have dates). */
  from?: string;
  to?: string;
  /**
   * What the numbers leave out, when anything: series with no forecast origin (left out, MASE's
   * scale too), origins seasonal naive could not score. Absent when there is nothing to say.
   */
  notes?: string[];
}

export interface Forecast {
  horizon: number;
  /** The dates of the forecast steps, continuing the series' dates (when it has them). */
  dates?: string[];
  /** Per target: the forecast values, one per step, in the data's units. */
  values: Record<string, number[]>;
  /** The last date (or row count) the forecast starts after. */
  after: string | number;
}

export interface ForecastOptions {
  horizon?: number;
}
