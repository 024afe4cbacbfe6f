// Forecasting metrics and baselines against hand-computed values and the airline passengers
// series (QUALITY.md: one-step naive RMSE 48.0 and seasonal naive 41.9 on the last 48 months).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  baselineReport,
  horizonReport,
  meanAbsoluteScaledError,
  naiveForecast,
  seasonalNaiveForecast,
  symmetricMape,
} from './forecasting.js';

function airlinePassengers(): number[] {
  const file = join(import.meta.dirname, '../../test/fixtures/timeseries/airline-passengers.csv');
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).slice(1);
  return lines.map((line) => Number(line.split(',')[1]));
}

describe('symmetricMape (Makridakis, 0..200%)', () => {
  it('matches a hand-computed value and skips 0/0 pairs', () => {
    // 200/2 · (10/210 + 10/190); the (0, 0) pair has no defined error.
    expect(symmetricMape([110, 90, 0], [100, 100, 0])).toBeCloseTo(100 * (10 / 210 + 10 / 190), 12);
  });
  it('is bounded by 200 and symmetric in forecast and target', () => {
    expect(symmetricMape([5], [0])).toBe(200);
    expect(symmetricMape([0], [-3])).toBe(200);
    expect(symmetricMape([3, 7], [5, 2])).toBeCloseTo(symmetricMape([5, 2], [3, 7]), 12);
  });
  it('is NaN when every pair is 0/0 and refuses mismatched lengths', () => {
    expect(symmetricMape([0, 0], [0, 0])).toBeNaN();
    expect(() => symmetricMape([1, 2], [1])).toThrow(/sMAPE.*got 2 and 1/);
  });
});

describe('meanAbsoluteScaledError', () => {
  it('divides the MAE by the in-sample naive MAE (lag 1 and seasonal)', () => {
    // Training [1,3,2,5]: lag-1 errors 2,1,3 → scale 2; forecast MAE (1+1)/2 = 1.
    expect(meanAbsoluteScaledError([4, 6], [5, 5], [1, 3, 2, 5])).toBeCloseTo(0.5, 12);
    // Lag 2 errors |2−1|, |5−3| → scale 1.5.
    expect(meanAbsoluteScaledError([4, 6], [5, 5], [1, 3, 2, 5], 2)).toBeCloseTo(1 / 1.5, 12);
  });
  it('is exactly 1 for the naive forecast scored in-sample on the training part of airline', () => {
    const training = airlinePassengers().slice(0, 96);
    for (const m of [1, 12]) {
      const predicted = training.slice(0, training.length - m);
      const actual = training.slice(m);
      expect(meanAbsoluteScaledError(predicted, actual, training, m)).toBeCloseTo(1, 12);
    }
  });
  it('refuses a training series without a scale', () => {
    expect(() => meanAbsoluteScaledError([1], [2], [4, 4, 4])).toThrow(/constant or periodic/);
    expect(() => meanAbsoluteScaledError([1], [2], [1, 2, 3], 3)).toThrow(
      /more than 3 values.*got 3/,
    );
    expect(() => meanAbsoluteScaledError([1], [2], [1, 2, 3], 0)).toThrow(/seasonality/);
  });
});

describe('naive baselines', () => {
  it('naive repeats the last value', () => {
    expect(Array.from(naiveForecast([1, 2, 3], 3))).toEqual([3, 3, 3]);
    expect(() => naiveForecast([], 1)).toThrow(/history is empty/);
    expect(() => naiveForecast([1], 0)).toThrow(/horizon.*got 0/);
  });
  it('seasonal naive repeats the last season, cycling past one season', () => {
    expect(Array.from(seasonalNaiveForecast([1, 2, 3, 4, 5], 5, 3))).toEqual([3, 4, 5, 3, 4]);
    expect(Array.from(seasonalNaiveForecast([7, 8], 2, 1))).toEqual([8, 8]);
    expect(() => seasonalNaiveForecast([1, 2], 1, 3)).toThrow(/3 values, got 2/);
  });
});

describe('horizonReport', () => {
  it('scores each step and all steps pooled (hand-computed)', () => {
    const report = horizonReport(
      [
        [1, 2],
        [3, 5],
      ],
      [
        [2, 2],
        [3, 3],
      ],
    );
    const [step1, step2] = report.steps;
    expect(report.steps).toHaveLength(2);
    // Step 1 errors 1, 0; step 2 errors 0, 2.
    expect(step1?.mae).toBeCloseTo(0.5, 12);
    expect(step1?.rmse).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(step1?.mape).toBeCloseTo(25, 12);
    expect(step1?.smape).toBeCloseTo(100 / 3, 12);
    expect(step2?.mae).toBeCloseTo(1, 12);
    expect(step2?.rmse).toBeCloseTo(Math.sqrt(2), 12);
    expect(step2?.mape).toBeCloseTo(100 / 3, 12);
    expect(step2?.smape).toBeCloseTo(25, 12);
    expect(report.overall.mae).toBeCloseTo(0.75, 12);
    expect(report.overall.rmse).toBeCloseTo(Math.sqrt(5 / 4), 12);
    expect(report.overall.mape).toBeCloseTo(25 * (0.5 + 2 / 3), 12);
    expect(report.overall.smape).toBeCloseTo(50 * (1 / 3 + 1 / 4), 12);
  });
  it('names the window whose length differs', () => {
    expect(() =>
      horizonReport(
        [[1, 2], [3]],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toThrow(/window 1 has 1 forecast and 2 target steps, expected 2/);
    expect(() => horizonReport([], [])).toThrow(/at least one/);
  });
});

describe('baselineReport', () => {
  it('scores naive and seasonal naive on multi-step targets (hand-computed)', () => {
    const report = baselineReport([[1, 2, 3, 4]], [[5, 6]], 2);
    // Naive [4, 4] → errors 1, 2; seasonal naive [3, 4] → errors 2, 2.
    expect(report.naive.steps.map((s) => s.mae)).toEqual([1, 2]);
    expect(report.seasonalNaive.steps.map((s) => s.mae)).toEqual([2, 2]);
    expect(report.naive.overall.rmse).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(report.seasonalNaive.overall.rmse).toBeCloseTo(2, 12);
  });
  it('reproduces the QUALITY.md airline baselines: one step ahead on the last 48 months', () => {
    const series = airlinePassengers();
    expect(series).toHaveLength(144);
    expect(series[0]).toBe(112);
    const histories: number[][] = [];
    const actual: number[][] = [];
    for (let t = series.length - 48; t < series.length; t++) {
      histories.push(series.slice(0, t));
      actual.push([series[t] as number]);
    }
    const report = baselineReport(histories, actual, 12);
    // Independent figures: QUALITY.md, naive 48.0 and seasonal naive (t−12) 41.9.
    expect(Math.abs(report.naive.overall.rmse - 48.0)).toBeLessThan(0.05);
    expect(Math.abs(report.seasonalNaive.overall.rmse - 41.9)).toBeLessThan(0.05);
    expect(report.naive.steps[0]?.rmse).toBe(report.naive.overall.rmse);
  });
  it('names the window whose history is too short', () => {
    expect(() => baselineReport([[1, 2, 3], [1]], [[4], [2]], 2)).toThrow(
      /window 1: seasonalNaiveForecast: needs at least one season of history \(2 values, got 1\)/,
    );
    expect(() => baselineReport([[1]], [], 1)).toThrow(/1 histories and 0 windows/);
  });
});
