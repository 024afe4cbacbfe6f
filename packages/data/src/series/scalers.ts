// Scaling fitted on the training part only and stored with the model, so that a forecast is
// scaled exactly as training was. transform(x) = (x - center) / scale; inverse undoes it.
// A constant series (zero variance, zero range) cannot be divided by its spread: it keeps scale 1
// (centred only) and says so with `constant: true` instead of producing NaN or Infinity.
import type { IndexRange } from './split.js';

export type ScalerKind = 'standard' | 'minmax' | 'none';

export interface ScalerJson {
  kind: ScalerKind;
  center: number;
  scale: number;
  constant: boolean;
}

export class Scaler {
  constructor(
    readonly kind: ScalerKind,
    /** Subtracted first: the mean (standard), the minimum (minmax) or 0 (none). */
    readonly center: number,
    /** Divided by next: the population standard deviation (standard), max - min (minmax) or 1. */
    readonly scale: number,
    /** The fitted values had no spread, so scale is 1 (centred only). */
    readonly constant: boolean,
  ) {}

  transform(values: ArrayLike<number>): Float64Array {
    return Float64Array.from(values, (x) => (x - this.center) / this.scale);
  }

  inverse(values: ArrayLike<number>): Float64Array {
    return Float64Array.from(values, (x) => x * this.scale + this.center);
  }

  toJson(): ScalerJson {
    return { kind: this.kind, center: this.center, scale: this.scale, constant: this.constant };
  }

  static fromJson(json: unknown, where = 'scaler'): Scaler {
    const value = json as Partial<ScalerJson> | null;
    if (typeof value !== 'object' || value === null)
      throw new TypeError(`${where} is not an object`);
    if (value.kind !== 'standard' && value.kind !== 'minmax' && value.kind !== 'none')
      throw new TypeError(
        `${where}.kind must be "standard", "minmax" or "none", got ${JSON.stringify(value.kind)}`,
      );
    if (typeof value.center !== 'number' || !Number.isFinite(value.center))
      throw new TypeError(`${where}.center must be a finite number`);
    if (typeof value.scale !== 'number' || !Number.isFinite(value.scale) || value.scale <= 0)
      throw new TypeError(`${where}.scale must be a positive finite number`);
    if (typeof value.constant !== 'boolean')
      throw new TypeError(`${where}.constant must be a boolean`);
    return new Scaler(value.kind, value.center, value.scale, value.constant);
  }
}

/** Fits a scaler on values[range.start, range.end) (default: all of them). */
export function fitScaler(
  values: ArrayLike<number>,
  kind: ScalerKind,
  range: IndexRange = { start: 0, end: values.length },
): Scaler {
  if (kind !== 'standard' && kind !== 'minmax' && kind !== 'none')
    throw new TypeError(
      `scaler kind must be "standard", "minmax" or "none", got ${JSON.stringify(kind)}`,
    );
  const { start, end } = range;
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    start < 0 ||
    end > values.length ||
    start >= end
  )
    throw new RangeError(
      `fit range [${start}, ${end}) is not a non-empty part of [0, ${values.length})`,
    );
  for (let i = start; i < end; i++)
    if (!Number.isFinite(values[i] as number))
      throw new RangeError(`value ${values[i]} at index ${i} is not a finite number`);
  if (kind === 'none') return new Scaler('none', 0, 1, false);
  if (kind === 'minmax') {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) {
      min = Math.min(min, values[i] as number);
      max = Math.max(max, values[i] as number);
    }
    return max > min
      ? new Scaler('minmax', min, max - min, false)
      : new Scaler('minmax', min, 1, true);
  }
  let sum = 0;
  for (let i = start; i < end; i++) sum += values[i] as number;
  const mean = sum / (end - start);
  let squares = 0;
  for (let i = start; i < end; i++) squares += ((values[i] as number) - mean) ** 2;
  // Population deviation (divide by n), as scikit-learn's StandardScaler.
  const deviation = Math.sqrt(squares / (end - start));
  return deviation > 0
    ? new Scaler('standard', mean, deviation, false)
    : new Scaler('standard', mean, 1, true);
}
