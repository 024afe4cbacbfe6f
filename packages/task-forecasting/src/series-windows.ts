// Windows over transformed series, never across two series. A window's origin t is its first
// target row: inputs are the model-space rows [t − window, t), targets rows [t, t + horizon).
// Origins need t − window ≥ lag (differenced rows exist), t ≥ targetsFrom (history rows are read,
// never scored) and t + horizon ≤ n (the targets exist; horizon 0 forecasts from the end, t = n).
import type { TimeSeries } from './contract.js';
import type { SeriesTransform } from './series-transform.js';

export interface WindowSet {
  count: number;
  window: number;
  horizon: number;
  features: number;
  /** The number of target columns (the design's `targets: number` clashed with the array below). */
  targetCount: number;
  /** [count, window, features], model space. */
  inputs: Float32Array;
  /** [count, horizon, targets], model space (empty when horizon 0). */
  targets: Float32Array;
  origins: { series: number; t: number }[];
}

/**
 * Windows of every series: origins t with t − window ≥ lag, t ≥ targetsFrom, t + horizon ≤ n
 * (horizon = steps that must exist; 0 for forecasting from the end). `transformed[i]` is
 * `transform.apply(series[i])`. Series too short for a window give none (count may be 0: the
 * caller says why, with its notes); `source` names the data in errors on malformed input.
 */
export function seriesWindows(
  series: readonly TimeSeries[],
  transformed: readonly Float64Array[],
  transform: SeriesTransform,
  options: { window: number; horizon: number; source?: string },
): WindowSet {
  const { window, horizon } = options;
  const what = options.source ?? 'data';
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`window must be a positive integer, got ${window}`);
  if (!Number.isInteger(horizon) || horizon < 0)
    throw new RangeError(`horizon must be an integer >= 0, got ${horizon}`);
  if (transformed.length !== series.length) {
    throw new RangeError(
      `${what}: ${transformed.length} transformed series for ${series.length} series`,
    );
  }
  const F = transform.features.length;
  const T = transform.targets.length;
  const origins: { series: number; t: number }[] = [];
  series.forEach((s, i) => {
    const rows = (transformed[i] as Float64Array).length / F;
    if (!Number.isInteger(rows))
      throw new RangeError(`${what}: transformed series ${i} is not rows × ${F} features`);
    const first = Math.max(window + transform.lag, s.targetsFrom ?? 0);
    for (let t = first; t + horizon <= rows; t++) origins.push({ series: i, t });
  });
  const count = origins.length;
  const inputs = new Float32Array(count * window * F);
  const targets = new Float32Array(count * horizon * T);
  origins.forEach(({ series: i, t }, n) => {
    const values = transformed[i] as Float64Array;
    inputs.set(values.subarray((t - window) * F, t * F), n * window * F);
    for (let h = 0; h < horizon; h++) {
      for (let j = 0; j < T; j++) {
        targets[(n * horizon + h) * T + j] = values[
          (t + h) * F + (transform.targetColumns[j] as number)
        ] as number;
      }
    }
  });
  return { count, window, horizon, features: F, targetCount: T, inputs, targets, origins };
}
