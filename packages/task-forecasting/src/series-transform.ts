// From the data's units to the model's and back. Target columns are differenced (lag 1, lag
// season, or both in that order), then every feature column is scaled by a scaler fitted on the
// training rows only (pooled over the training series, after differencing); covariates are scaled
// as given. `restore` undoes both for predictions, using only the series' values before the
// forecast origin, so a forecast never reads the future it predicts.
import { ModelFileError, TaskError } from '@recurrent/core';
import { difference, fitScaler, Scaler, type ScalerJson, undifference } from '@recurrent/data';
import type { TimeSeries } from './contract.js';
import type { ForecastingSettings } from './forecasting-settings.js';
import { ForecastingDataError } from './series-check.js';

export interface SeriesTransformJson {
  lags: number[];
  /** The model's input columns, in order (JSON object keys alone would not keep it for "2019"). */
  features: string[];
  targets: string[];
  scalers: Record<string, ScalerJson>;
}

/** values differenced at each lag in turn, aligned to their rows: rows before the total lag NaN. */
function differenced(values: ArrayLike<number>, lags: readonly number[]): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  const lag = lags.reduce((sum, l) => sum + l, 0);
  if (values.length <= lag) return out;
  let d: ArrayLike<number> = values;
  for (const l of lags) d = difference(d, l);
  out.set(d as Float64Array, lag);
  return out;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new ModelFileError(
      `${where} must be a non-empty array of column names, got ${JSON.stringify(value)}`,
    );
  }
  if (new Set(value).size !== value.length) {
    throw new ModelFileError(`${where} names a column twice: ${JSON.stringify(value)}`);
  }
  return value;
}

export class SeriesTransform {
  /** Sum of the lags: the rows differencing needs before the first model-space row. */
  readonly lag: number;
  /** The feature index of each target. */
  readonly targetColumns: readonly number[];

  private constructor(
    readonly lags: readonly number[],
    readonly features: readonly string[],
    readonly targets: readonly string[],
    /** The fitted scaler of each feature column. */
    readonly scalers: Readonly<Record<string, Scaler>>,
  ) {
    this.lag = lags.reduce((sum, l) => sum + l, 0);
    this.targetColumns = targets.map((target) => features.indexOf(target));
  }

  /**
   * Fitted on every row of the given training series (pooled) from the total lag on; notes for
   * constant columns. The settings must have their columns resolved.
   */
  static fit(
    series: readonly TimeSeries[],
    settings: ForecastingSettings,
  ): { transform: SeriesTransform; notes: string[] } {
    const { features, targets, lags } = settings;
    if (!features || !targets) {
      throw new TaskError(
        'SeriesTransform.fit needs the feature and target columns resolved (resolveColumns)',
      );
    }
    const lag = lags.reduce((sum, l) => sum + l, 0);
    const scalers: Record<string, Scaler> = {};
    const notes: string[] = [];
    for (const feature of features) {
      const isTarget = targets.includes(feature);
      const parts = series
        .filter((s) => (s.columns[feature] as ArrayLike<number>).length > lag)
        .map((s) => {
          const column = s.columns[feature] as ArrayLike<number>;
          return isTarget
            ? differenced(column, lags).subarray(lag)
            : Float64Array.from(column).subarray(lag);
        });
      const rows = parts.reduce((sum, part) => sum + part.length, 0);
      if (rows === 0) {
        throw new ForecastingDataError(
          `training data: no series has more than ${lag} rows, the rows differencing (lags ${lags.join(', ')}) needs first: nothing to fit the scaling on`,
        );
      }
      const pooled = new Float64Array(rows);
      let at = 0;
      for (const part of parts) {
        pooled.set(part, at);
        at += part.length;
      }
      const scaler = fitScaler(pooled, settings.scaling);
      scalers[feature] = scaler;
      // A constant column is worth a note whatever the scaling ("none" fits nothing to notice it).
      if (pooled.every((v) => v === pooled[0])) {
        const after = isTarget && lag > 0 ? ' after differencing' : '';
        const how = settings.scaling === 'none' ? 'not scaled (scaling "none")' : 'scaled by 1';
        notes.push(
          `column ${JSON.stringify(feature)} is constant in the training rows${after} (value ${pooled[0]}): ${how}`,
        );
      }
    }
    return {
      transform: new SeriesTransform([...lags], [...features], [...targets], scalers),
      notes,
    };
  }

  /** A saved transform, checked field by field; errors name `where` and the field. */
  static fromJson(json: unknown, where: string): SeriesTransform {
    const value = json as Partial<SeriesTransformJson> | null;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ModelFileError(`${where} must be an object, got ${describe(json)}`);
    }
    const { lags } = value;
    if (
      !Array.isArray(lags) ||
      !lags.every((l) => Number.isInteger(l) && l >= 1) ||
      lags.length > 2
    ) {
      throw new ModelFileError(
        `${where}.lags must be the differencing lags ([], [1], [season] or [1, season]), got ${JSON.stringify(lags)}`,
      );
    }
    const features = stringList(value.features, `${where}.features`);
    const targets = stringList(value.targets, `${where}.targets`);
    for (const target of targets) {
      if (!features.includes(target)) {
        throw new ModelFileError(
          `${where}.targets: ${JSON.stringify(target)} is not one of ${where}.features`,
        );
      }
    }
    const json_ = value.scalers as Record<string, unknown> | undefined;
    if (typeof json_ !== 'object' || json_ === null || Array.isArray(json_)) {
      throw new ModelFileError(
        `${where}.scalers must be an object of one scaler per feature, got ${describe(json_)}`,
      );
    }
    const extra = Object.keys(json_).filter((name) => !features.includes(name));
    if (extra.length > 0) {
      throw new ModelFileError(
        `${where}.scalers has ${JSON.stringify(extra[0])}, which is not one of ${where}.features`,
      );
    }
    const scalers: Record<string, Scaler> = {};
    for (const feature of features) {
      const at = `${where}.scalers[${JSON.stringify(feature)}]`;
      if (!(feature in json_)) throw new ModelFileError(`${at} is missing`);
      try {
        scalers[feature] = Scaler.fromJson(json_[feature], at);
      } catch (error) {
        throw new ModelFileError((error as Error).message);
      }
    }
    return new SeriesTransform([...lags], features, targets, scalers);
  }

  toJson(): SeriesTransformJson {
    const scalers: Record<string, ScalerJson> = {};
    for (const feature of this.features)
      scalers[feature] = (this.scalers[feature] as Scaler).toJson();
    return {
      lags: [...this.lags],
      features: [...this.features],
      targets: [...this.targets],
      scalers,
    };
  }

  /** Model-space values of every row, [n × F] row-major in feature order; rows < lag are NaN. */
  apply(series: TimeSeries): Float64Array {
    const F = this.features.length;
    const n = (series.columns[this.features[0] as string] as ArrayLike<number>).length;
    const out = new Float64Array(n * F);
    this.features.forEach((feature, f) => {
      const column = series.columns[feature] as ArrayLike<number>;
      const base = this.targets.includes(feature) ? differenced(column, this.lags) : column;
      const scaled = (this.scalers[feature] as Scaler).transform(base);
      for (let row = 0; row < n; row++)
        out[row * F + f] = row < this.lag ? Number.NaN : (scaled[row] as number);
    });
    return out;
  }

  /**
   * Model-space predictions of target j for steps origin, origin+1, ... → data units, using the
   * series' actual values before `origin` (undoes scaling, then differencing).
   */
  restore(
    predicted: ArrayLike<number>,
    series: TimeSeries,
    origin: number,
    target: number,
  ): Float64Array {
    const name = this.targets[target];
    if (name === undefined) {
      throw new RangeError(
        `target ${target} is not an index of the ${this.targets.length} targets`,
      );
    }
    const column = series.columns[name] as ArrayLike<number>;
    if (!Number.isInteger(origin) || origin < this.lag || origin > column.length) {
      throw new RangeError(
        `forecast origin ${origin} must be a row in [${this.lag}, ${column.length}]: undoing the differencing needs ${this.lag} rows before it`,
      );
    }
    let values = (this.scalers[name] as Scaler).inverse(predicted);
    // The last `lag` actual values before the origin, differenced level by level: levels[k] is the
    // history the k-th differencing is undone with.
    const levels: ArrayLike<number>[] = [
      Array.from({ length: this.lag }, (_, i) => column[origin - this.lag + i] as number),
    ];
    for (let k = 0; k + 1 < this.lags.length; k++) {
      levels.push(difference(levels[k] as ArrayLike<number>, this.lags[k] as number));
    }
    for (let k = this.lags.length - 1; k >= 0; k--) {
      values = undifference(values, levels[k] as ArrayLike<number>, this.lags[k] as number);
    }
    return values;
  }
}
