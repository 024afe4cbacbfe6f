// Metrics against hand-computed values (and scikit-learn's documented example for F1).
import { describe, expect, it } from 'vitest';
import { classificationReport, confusionMatrix, tokenAccuracy } from './classification.js';
import {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  perplexity,
  rootMeanSquaredError,
} from './regression.js';

describe('classification metrics', () => {
  // scikit-learn's f1_score example: macro 0.2667, micro 0.3333, per class [0.8, 0, 0].
  const actual = [0, 1, 2, 0, 1, 2];
  const predicted = [0, 2, 1, 0, 0, 1];

  it('computes per-class, macro and micro scores', () => {
    const report = classificationReport(predicted, actual, 3);
    expect(report.perClass.map((s) => s.f1)).toEqual([0.8, 0, 0]);
    expect(report.perClass[0]).toMatchObject({ precision: 2 / 3, recall: 1, support: 2 });
    expect(report.macro.f1).toBeCloseTo(0.8 / 3, 12);
    expect(report.macro.precision).toBeCloseTo(2 / 9, 12);
    expect(report.macro.recall).toBeCloseTo(1 / 3, 12);
    expect(report.micro.f1).toBeCloseTo(1 / 3, 12);
    expect(report.accuracy).toBeCloseTo(1 / 3, 12);
  });

  it('builds the confusion matrix as [true][predicted]', () => {
    expect(confusionMatrix(predicted, actual, 3)).toEqual([
      [2, 0, 0],
      [1, 0, 1],
      [0, 2, 0],
    ]);
  });

  it('gives 0, not NaN, for a class never predicted or never present', () => {
    const report = classificationReport([0, 0], [0, 0], 2);
    expect(report.perClass[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(report.accuracy).toBe(1);
  });

  it('names the bad input', () => {
    expect(() => classificationReport([0, 1], [0], 2)).toThrow('2 predictions for 1 labels');
    expect(() => classificationReport([0, 3], [0, 1], 2)).toThrow(
      'prediction 1 is 3, not a class id in [0, 1]',
    );
  });

  it('token accuracy skips the ignored label', () => {
    expect(tokenAccuracy([1, 2, 3, 0], [1, 2, 4, -100], -100)).toBeCloseTo(2 / 3, 12);
    expect(tokenAccuracy([], [])).toBe(0);
  });
});

describe('regression and language-model metrics', () => {
  const actual = [3, -0.5, 2, 7];
  const predicted = [2.5, 0, 2, 8];

  it('MAE, RMSE and MAPE by hand', () => {
    expect(meanAbsoluteError(predicted, actual)).toBeCloseTo(0.5, 12); // (0.5+0.5+0+1)/4
    expect(rootMeanSquaredError(predicted, actual)).toBeCloseTo(Math.sqrt(0.375), 12);
    // |0.5/3| + |0.5/-0.5| + 0 + |1/7|, over 4, in percent
    expect(meanAbsolutePercentageError(predicted, actual)).toBeCloseTo(
      (100 * (1 / 6 + 1 + 0 + 1 / 7)) / 4,
      10,
    );
  });

  it('MAPE skips zero targets and says NaN when all are zero', () => {
    expect(meanAbsolutePercentageError([1, 5], [0, 4])).toBeCloseTo(25, 12);
    expect(meanAbsolutePercentageError([1], [0])).toBeNaN();
  });

  it('perplexity is exp(mean NLL): uniform over 65 characters gives 65', () => {
    expect(perplexity(Math.log(65))).toBeCloseTo(65, 10);
  });

  it('refuses mismatched or empty inputs', () => {
    expect(() => meanAbsoluteError([1], [1, 2])).toThrow(
      'MAE: needs as many predictions as targets',
    );
    expect(() => rootMeanSquaredError([], [])).toThrow('RMSE');
  });
});
