// Comparing computed tensors with PyTorch's, within a case's tolerances, and keeping the worst.
export interface Tolerance {
  atol: number;
  rtol: number;
}

export interface Comparison {
  name: string;
  /** Largest |actual - expected|. */
  maxError: number;
  /** Largest |actual - expected| / (atol + rtol * |expected|): above 1 fails. */
  worstRatio: number;
  ok: boolean;
  problem?: string;
}

export function compareTensors(
  name: string,
  actual: ArrayLike<number>,
  actualShape: readonly number[],
  expected: ArrayLike<number>,
  expectedShape: readonly number[],
  tolerance: Tolerance,
): Comparison {
  if (actualShape.join() !== expectedShape.join()) {
    return {
      name,
      maxError: Number.POSITIVE_INFINITY,
      worstRatio: Number.POSITIVE_INFINITY,
      ok: false,
      problem: `shape [${actualShape.join(', ')}], expected [${expectedShape.join(', ')}]`,
    };
  }
  let maxError = 0;
  let worstRatio = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const error = Math.abs(a - e);
    const ratio = Number.isNaN(error)
      ? Number.POSITIVE_INFINITY
      : error / (tolerance.atol + tolerance.rtol * Math.abs(e));
    if (error > maxError || Number.isNaN(error))
      maxError = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error;
    if (ratio > worstRatio) worstRatio = ratio;
  }
  return { name, maxError, worstRatio, ok: worstRatio <= 1 };
}
