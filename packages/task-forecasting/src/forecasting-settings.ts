// What a forecasting spec asks of the task, read once: window, horizon, columns, scaling,
// differencing (as the list of lags it applies, in order) and the multi-step strategy. Feature and
// target columns may be left to the data: `resolveColumns` fills them from the first training
// series and checks the result as a spec again (targets among features, recursive ⇒ no covariate).
import { type ModelSpec, SpecValidationError, TaskError, validateSpec } from '@recurrent/core';
import type { TimeSeries } from './contract.js';

/** A spec this task cannot honour, or columns it names that the data does not have. */
export class ForecastingSpecError extends TaskError {
  override name = 'ForecastingSpecError';
}

export type Differencing = 'none' | 'first' | 'seasonal' | 'first-and-seasonal';

export interface ForecastingSettings {
  /** Validated, task "forecasting". */
  spec: ModelSpec;
  window: number;
  horizon: number;
  /** From the spec (undefined: from the data, see `resolveColumns`). */
  features?: string[];
  targets?: string[];
  scaling: 'standard' | 'minmax' | 'none';
  differencing: Differencing;
  /** The differencing lags in the order applied: [] | [1] | [season] | [1, season]. */
  lags: number[];
  season?: number;
  strategy: 'direct' | 'recursive';
  /** Steps the head outputs: horizon (direct) or 1 (recursive). */
  outputSteps: number;
}

function lagsOf(differencing: Differencing, season: number | undefined): number[] {
  // The spec's semantic check guarantees a season whenever seasonal differencing is asked.
  const seasonal = season as number;
  if (differencing === 'first') return [1];
  if (differencing === 'seasonal') return [seasonal];
  if (differencing === 'first-and-seasonal') return [1, seasonal];
  return [];
}

/** The settings of a forecasting spec (any JSON; validated here), or an error naming the problems. */
export function forecastingSettings(spec: unknown): ForecastingSettings {
  const result = validateSpec(spec);
  if (!result.ok) throw new SpecValidationError(result.errors);
  const valid = result.spec;
  if (valid.task !== 'forecasting') {
    throw new TaskError(
      `a forecasting task needs task "forecasting", the spec says "${valid.task}"`,
    );
  }
  // The schema requires the block for task "forecasting" and fills its defaults.
  const forecasting = valid.forecasting as NonNullable<ModelSpec['forecasting']>;
  const strategy = forecasting.strategy;
  const features = forecasting.features ? [...forecasting.features] : undefined;
  const targets = forecasting.targets ? [...forecasting.targets] : features;
  return {
    spec: valid,
    window: forecasting.window,
    horizon: forecasting.horizon,
    ...(features ? { features } : {}),
    ...(targets ? { targets: [...targets] } : {}),
    scaling: forecasting.scaling,
    differencing: forecasting.differencing,
    lags: lagsOf(forecasting.differencing, forecasting.season),
    ...(forecasting.season !== undefined ? { season: forecasting.season } : {}),
    strategy,
    outputSteps: strategy === 'recursive' ? 1 : forecasting.horizon,
  };
}

function quoted(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(', ');
}

/**
 * The settings with features (default: every column of `first`, in key order) and targets
 * (default: all features) filled in, and the spec updated to list them, so the saved spec says
 * what the model reads. Columns the spec names are kept as given (checkSeries checks the data).
 */
export function resolveColumns(
  settings: ForecastingSettings,
  first: TimeSeries,
): ForecastingSettings {
  const columns = Object.keys(first.columns);
  const where = first.source ?? 'the first training series';
  if (!settings.features && columns.length === 0) {
    throw new ForecastingSpecError(`${where} has no value columns to take the features from`);
  }
  const features = settings.features ?? columns;
  const targets = settings.targets ?? features;
  const missing = targets.filter((target) => !features.includes(target));
  if (missing.length > 0) {
    throw new ForecastingSpecError(
      `forecasting.targets ${quoted(missing)} ${missing.length === 1 ? 'is not a column' : 'are not columns'} of ${where} (its columns: ${quoted(columns)})`,
    );
  }
  const spec = settings.spec;
  const forecasting = spec.forecasting as NonNullable<ModelSpec['forecasting']>;
  const resolved: ModelSpec = {
    ...spec,
    forecasting: {
      ...forecasting,
      features: features as [string, ...string[]],
      targets: targets as [string, ...string[]],
    },
  };
  // Validated again: a recursive spec with covariates from the data is refused by the spec check.
  return forecastingSettings(resolved);
}
