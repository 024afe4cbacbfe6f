// Sliding windows for forecasting. A window's inputs are the `window` points before its first
// target, so the model only ever sees the past; targets are restricted to [start, end) while inputs
// may reach back before start (a test window's history lies in the validation or training part,
// which is known at forecast time).
import { DataError } from '../errors.js';

export interface WindowOptions {
  /** Input steps per window (look-back). */
  window: number;
  /** Target steps per window. */
  horizon: number;
  /** First index a target may have (default: 0). */
  start?: number;
  /** One past the last index a target may have (default: the series length). */
  end?: number;
  /** Names the data in errors (default "series"). */
  source?: string;
}

export interface Windows {
  count: number;
  window: number;
  horizon: number;
  /** [count, window, features], row-major. */
  inputs: Float32Array;
  /** [count, horizon, targets], row-major. */
  targets: Float32Array;
  /** Index in the series of each window's first target. */
  targetIndex: Int32Array;
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

export function windows(
  series: readonly Float64Array[],
  targets: readonly Float64Array[],
  options: WindowOptions,
): Windows {
  const { window, horizon } = options;
  const source = options.source ?? 'series';
  positiveInteger(window, 'window');
  positiveInteger(horizon, 'horizon');
  if (series.length === 0) throw new DataError(source, undefined, 'no input series');
  if (targets.length === 0) throw new DataError(source, undefined, 'no target series');
  const length = (series[0] as Float64Array).length;
  [...series, ...targets].forEach((column, index) => {
    if (column.length !== length)
      throw new DataError(
        source,
        undefined,
        `series ${index} has ${column.length} points where series 0 has ${length}`,
      );
  });
  if (length < window + horizon)
    throw new DataError(
      source,
      undefined,
      `the series has ${length} points, fewer than window ${window} + horizon ${horizon} = ${window + horizon}`,
    );
  const start = options.start ?? 0;
  const end = options.end ?? length;
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    start < 0 ||
    end > length ||
    start >= end
  )
    throw new RangeError(`target range [${start}, ${end}) is not inside [0, ${length})`);
  const first = Math.max(start, window);
  const last = end - horizon;
  if (last < first)
    throw new DataError(
      source,
      undefined,
      `no window fits: targets in [${start}, ${end}) with window ${window} and horizon ${horizon} need the first target at >= ${first} and the last window's targets to end by ${end}`,
    );
  const count = last - first + 1;
  const features = series.length;
  const outputs = targets.length;
  const inputs = new Float32Array(count * window * features);
  const targetValues = new Float32Array(count * horizon * outputs);
  const targetIndex = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const t = first + n;
    targetIndex[n] = t;
    for (let s = 0; s < window; s++)
      for (let f = 0; f < features; f++)
        inputs[(n * window + s) * features + f] = (series[f] as Float64Array)[
          t - window + s
        ] as number;
    for (let h = 0; h < horizon; h++)
      for (let o = 0; o < outputs; o++)
        targetValues[(n * horizon + h) * outputs + o] = (targets[o] as Float64Array)[
          t + h
        ] as number;
  }
  return { count, window, horizon, inputs, targets: targetValues, targetIndex };
}
