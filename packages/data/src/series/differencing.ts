// Differencing removes trend (lag 1) and seasonality (lag m) before training; undifference adds
// the known history back so forecasts come out in the original units.

function checkLag(lag: number): void {
  if (!Number.isInteger(lag) || lag < 1)
    throw new RangeError(`lag must be a positive integer, got ${lag}`);
}

/** d[i] = values[i + lag] - values[i]; lag values shorter than the input. */
export function difference(values: ArrayLike<number>, lag = 1): Float64Array {
  checkLag(lag);
  if (values.length <= lag)
    throw new RangeError(
      `differencing at lag ${lag} needs more than ${lag} values, got ${values.length}`,
    );
  const out = new Float64Array(values.length - lag);
  for (let i = 0; i < out.length; i++) out[i] = (values[i + lag] as number) - (values[i] as number);
  return out;
}

/**
 * Undoes `difference`: `history` holds the values just before the first difference (its last
 * `lag` values are used), so out[k] = diffs[k] + (out[k - lag], or history for k < lag).
 */
export function undifference(
  diffs: ArrayLike<number>,
  history: ArrayLike<number>,
  lag = 1,
): Float64Array {
  checkLag(lag);
  if (history.length < lag)
    throw new RangeError(
      `undifferencing at lag ${lag} needs ${lag} values of history, got ${history.length}`,
    );
  const out = new Float64Array(diffs.length);
  const offset = history.length - lag;
  for (let k = 0; k < out.length; k++) {
    const base = k < lag ? (history[offset + k] as number) : (out[k - lag] as number);
    out[k] = (diffs[k] as number) + base;
  }
  return out;
}
