// Forecasting metrics per horizon step and the naive baselines every forecast is compared with.
// Plain numbers only (no tensors), so the task, the CLI and tests share one definition.
import {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  rootMeanSquaredError,
} from './regression.js';

function checkPairs(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  metric: string,
): number {
  if (predicted.length !== actual.length || actual.length === 0) {
    throw new Error(
      `${metric}: needs as many predictions as targets, at least one (got ${predicted.length} and ${actual.length})`,
    );
  }
  return actual.length;
}

/**
 * Symmetric MAPE in percent, Makridakis' definition as used by the M3/M4 competitions:
 * 200/n · Σ |F − A| / (|A| + |F|), bounded to 0..200%. A pair with A = F = 0 has no defined
 * error and is skipped; if every pair is skipped the result is NaN (said, not hidden).
 */
export function symmetricMape(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = checkPairs(predicted, actual, 'sMAPE');
  let sum = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const forecast = predicted[i] as number;
    const target = actual[i] as number;
    const denominator = Math.abs(target) + Math.abs(forecast);
    if (denominator === 0) continue;
    sum += Math.abs(forecast - target) / denominator;
    counted++;
  }
  return counted === 0 ? Number.NaN : (200 * sum) / counted;
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): the MAE of the forecast divided by the
 * in-sample MAE of the naive (lag `seasonality`) forecast on the training series. Below 1 beats
 * that naive forecast. A training series whose naive errors are all 0 (constant, or exactly
 * periodic) gives no scale: that is an error, not Infinity.
 */
export function meanAbsoluteScaledError(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  trainingSeries: ArrayLike<number>,
  seasonality = 1,
): number {
  checkPairs(predicted, actual, 'MASE');
  if (!Number.isInteger(seasonality) || seasonality < 1) {
    throw new Error(`MASE: seasonality must be a whole number ≥ 1 (got ${seasonality})`);
  }
  if (trainingSeries.length <= seasonality) {
    throw new Error(
      `MASE: the training series needs more than ${seasonality} values for a lag-${seasonality} naive scale (got ${trainingSeries.length})`,
    );
  }
  let scaleSum = 0;
  for (let t = seasonality; t < trainingSeries.length; t++) {
    scaleSum += Math.abs(
      (trainingSeries[t] as number) - (trainingSeries[t - seasonality] as number),
    );
  }
  const scale = scaleSum / (trainingSeries.length - seasonality);
  if (scale === 0) {
    throw new Error(
      `MASE: the lag-${seasonality} naive forecast is exact on the whole training series (constant or periodic), so there is no scale`,
    );
  }
  return meanAbsoluteError(predicted, actual) / scale;
}

function checkHorizon(horizon: number, name: string): void {
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new Error(`${name}: horizon must be a whole number ≥ 1 (got ${horizon})`);
  }
}

/** "Tomorrow equals today": every step of the horizon repeats the last observed value. */
export function naiveForecast(history: ArrayLike<number>, horizon: number): Float64Array {
  checkHorizon(horizon, 'naiveForecast');
  if (history.length === 0) throw new Error('naiveForecast: the history is empty');
  return new Float64Array(horizon).fill(history[history.length - 1] as number);
}

/**
 * Step h (1-based) repeats the value one season earlier: history[T − season + ((h − 1) mod season)],
 * so horizons longer than a season repeat the last observed season.
 */
export function seasonalNaiveForecast(
  history: ArrayLike<number>,
  horizon: number,
  season: number,
): Float64Array {
  checkHorizon(horizon, 'seasonalNaiveForecast');
  if (!Number.isInteger(season) || season < 1) {
    throw new Error(`seasonalNaiveForecast: season must be a whole number ≥ 1 (got ${season})`);
  }
  if (history.length < season) {
    throw new Error(
      `seasonalNaiveForecast: needs at least one season of history (${season} values, got ${history.length})`,
    );
  }
  const start = history.length - season;
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) out[h] = history[start + (h % season)] as number;
  return out;
}

export interface ForecastScores {
  mae: number;
  rmse: number;
  /** Percent; targets equal to 0 skipped (NaN if all are). */
  mape: number;
  /** Percent, Makridakis' 0..200% definition. */
  smape: number;
}

export interface HorizonReport {
  /** steps[h] scores step h + 1 of the horizon over all windows. */
  steps: ForecastScores[];
  /** All steps of all windows pooled. */
  overall: ForecastScores;
}

function scores(predicted: ArrayLike<number>, actual: ArrayLike<number>): ForecastScores {
  return {
    mae: meanAbsoluteError(predicted, actual),
    rmse: rootMeanSquaredError(predicted, actual),
    mape: meanAbsolutePercentageError(predicted, actual),
    smape: symmetricMape(predicted, actual),
  };
}

/** Scores forecasts per horizon step; predicted[i] and actual[i] are window i's h steps. */
export function horizonReport(
  predicted: readonly ArrayLike<number>[],
  actual: readonly ArrayLike<number>[],
): HorizonReport {
  if (predicted.length !== actual.length || actual.length === 0) {
    throw new Error(
      `horizonReport: needs as many forecast windows as target windows, at least one (got ${predicted.length} and ${actual.length})`,
    );
  }
  const horizon = (actual[0] as ArrayLike<number>).length;
  if (horizon === 0) throw new Error('horizonReport: window 0 has no target steps');
  for (let i = 0; i < actual.length; i++) {
    const p = (predicted[i] as ArrayLike<number>).length;
    const a = (actual[i] as ArrayLike<number>).length;
    if (p !== horizon || a !== horizon) {
      throw new Error(
        `horizonReport: window ${i} has ${p} forecast and ${a} target steps, expected ${horizon} (the horizon of window 0)`,
      );
    }
  }
  const n = actual.length;
  const steps: ForecastScores[] = [];
  for (let h = 0; h < horizon; h++) {
    const p = new Float64Array(n);
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      p[i] = (predicted[i] as ArrayLike<number>)[h] as number;
      a[i] = (actual[i] as ArrayLike<number>)[h] as number;
    }
    steps.push(scores(p, a));
  }
  const allP = new Float64Array(n * horizon);
  const allA = new Float64Array(n * horizon);
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < horizon; h++) {
      allP[i * horizon + h] = (predicted[i] as ArrayLike<number>)[h] as number;
      allA[i * horizon + h] = (actual[i] as ArrayLike<number>)[h] as number;
    }
  }
  return { steps, overall: scores(allP, allA) };
}

export interface BaselineReport {
  naive: HorizonReport;
  seasonalNaive: HorizonReport;
}

/**
 * The naive and seasonal-naive baselines scored on the same targets as a model: window i's
 * forecasts come from histories[i], the series observed before actual[i]'s first step.
 */
export function baselineReport(
  histories: readonly ArrayLike<number>[],
  actual: readonly ArrayLike<number>[],
  season: number,
): BaselineReport {
  if (histories.length !== actual.length) {
    throw new Error(
      `baselineReport: needs one history per target window (got ${histories.length} histories and ${actual.length} windows)`,
    );
  }
  const naive: Float64Array[] = [];
  const seasonal: Float64Array[] = [];
  for (let i = 0; i < actual.length; i++) {
    const history = histories[i] as ArrayLike<number>;
    const horizon = (actual[i] as ArrayLike<number>).length;
    try {
      naive.push(naiveForecast(history, horizon));
      seasonal.push(seasonalNaiveForecast(history, horizon, season));
    } catch (error) {
      throw new Error(`baselineReport: window ${i}: ${(error as Error).message}`);
    }
  }
  return { naive: horizonReport(naive, actual), seasonalNaive: horizonReport(seasonal, actual) };
}
