// Forecasting and language-model metrics over plain numbers.

function pairs(predicted: ArrayLike<number>, actual: ArrayLike<number>, metric: string): number {
  if (predicted.length !== actual.length || actual.length === 0) {
    throw new Error(
      `${metric}: needs as many predictions as targets, at least one (got ${predicted.length} and ${actual.length})`,
    );
  }
  return actual.length;
}

export function meanAbsoluteError(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = pairs(predicted, actual, 'MAE');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs((predicted[i] as number) - (actual[i] as number));
  return sum / n;
}

export function rootMeanSquaredError(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
): number {
  const n = pairs(predicted, actual, 'RMSE');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ((predicted[i] as number) - (actual[i] as number)) ** 2;
  return Math.sqrt(sum / n);
}

/**
 * Mean absolute percentage error, in percent. Targets equal to 0 have no percentage error: they
 * are skipped, and if every target is 0 the result is NaN (said, not hidden).
 */
export function meanAbsolutePercentageError(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
): number {
  const n = pairs(predicted, actual, 'MAPE');
  let sum = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const target = actual[i] as number;
    if (target === 0) continue;
    sum += Math.abs(((predicted[i] as number) - target) / target);
    counted++;
  }
  return counted === 0 ? Number.NaN : (100 * sum) / counted;
}

/** exp of the mean negative log-likelihood per token (natural log), as PyTorch LM examples. */
export function perplexity(meanNegativeLogLikelihood: number): number {
  return Math.exp(meanNegativeLogLikelihood);
}
