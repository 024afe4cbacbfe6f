import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimeSeries } from './contract.js';
import { forecastingSettings, resolveColumns } from './forecasting-settings.js';
import { SeriesTransform } from './series-transform.js';
import { seriesWindows } from './series-windows.js';
import { splitSeries } from './split.js';

const differencings = ['none', 'first', 'seasonal', 'first-and-seasonal'] as const;
const lagOf = { none: 0, first: 1, seasonal: 3, 'first-and-seasonal': 4 };

/**
 * A target "y" and two covariates read as given (scaling none): "row" holds each row's index and
 * "id" the series number, so every input value says where it came from.
 */
function tagged(rows: number, id: number, y: readonly number[], targetsFrom?: number): TimeSeries {
  return {
    columns: {
      y: Array.from({ length: rows }, (_, i) => y[i % y.length] as number),
      row: Array.from({ length: rows }, (_, i) => i),
      id: Array.from({ length: rows }, () => id),
    },
    ...(targetsFrom !== undefined ? { targetsFrom } : {}),
  };
}

function transformFor(series: TimeSeries[], differencing: (typeof differencings)[number]) {
  const settings = resolveColumns(
    forecastingSettings({
      version: 1,
      name: 'f',
      task: 'forecasting',
      forecasting: { window: 2, targets: ['y'], differencing, season: 3, scaling: 'none' },
      layers: [
        { type: 'gru', hiddenSize: 2, returnSequences: false },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' } },
    }),
    series[0] as TimeSeries,
  );
  return SeriesTransform.fit(series, settings).transform;
}

describe('seriesWindows', () => {
  it('never leaks: every target after every input, inputs past the lag, targets from targetsFrom, one series per window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            rows: fc.integer({ min: 1, max: 30 }),
            targetsFrom: fc.option(fc.integer({ min: 0, max: 29 })),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 7, maxLength: 7 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(...differencings),
        (shapes, y, window, horizon, differencing) => {
          const series = shapes.map(({ rows, targetsFrom }, id) =>
            tagged(rows, id, y, targetsFrom === null ? undefined : Math.min(targetsFrom, rows - 1)),
          );
          const lag = lagOf[differencing];
          if (!series.some((s) => (s.columns.y as number[]).length > lag)) return; // nothing to fit on
          const transform = transformFor(series, differencing);
          const transformed = series.map((s) => transform.apply(s));
          const set = seriesWindows(series, transformed, transform, { window, horizon });
          const F = 3; // y, row, id
          expect(set.features).toBe(F);
          expect(set.targetCount).toBe(1);
          expect(set.inputs.length).toBe(set.count * window * F);
          expect(set.targets.length).toBe(set.count * horizon);
          // Every origin each series allows is there, once, in order.
          const expected = series.flatMap((s, i) => {
            const n = (s.columns.y as number[]).length;
            const from = Math.max(window + lag, s.targetsFrom ?? 0);
            return Array.from({ length: Math.max(0, n - horizon - from + 1) }, (_, k) => ({
              series: i,
              t: from + k,
            }));
          });
          expect(set.origins).toEqual(expected);
          set.origins.forEach(({ series: i, t }, w) => {
            const n = ((series[i] as TimeSeries).columns.y as number[]).length;
            const inputRows: number[] = [];
            for (let s = 0; s < window; s++) {
              const at = (w * window + s) * F;
              inputRows.push(set.inputs[at + 1] as number);
              expect(set.inputs[at + 2]).toBe(i); // never another series
              expect(Number.isNaN(set.inputs[at] as number)).toBe(false);
            }
            expect(inputRows).toEqual(Array.from({ length: window }, (_, s) => t - window + s));
            expect(Math.min(...inputRows)).toBeGreaterThanOrEqual(lag);
            // The targets are rows t..t+horizon-1: after every input, inside the series.
            expect(t).toBeGreaterThan(Math.max(...inputRows));
            expect(t).toBeGreaterThanOrEqual(series[i]?.targetsFrom ?? 0);
            expect(t + horizon).toBeLessThanOrEqual(n);
            for (let h = 0; h < horizon; h++) {
              expect(set.targets[w * horizon + h]).toBe(
                Math.fround(transformed[i]?.[(t + h) * F] as number),
              );
            }
          });
        },
      ),
    );
  });

  it('forecasts from the end with horizon 0: the last origin is the row count', () => {
    const series = [tagged(10, 0, [1, 5, 2, 8, 3, 9, 4])];
    const transform = transformFor(series, 'first');
    const set = seriesWindows(
      series,
      series.map((s) => transform.apply(s)),
      transform,
      { window: 4, horizon: 0 },
    );
    expect(set.origins.at(-1)).toEqual({ series: 0, t: 10 });
    expect(set.origins[0]).toEqual({ series: 0, t: 5 });
    expect(set.targets.length).toBe(0);
    // The last window's inputs are rows 6..9.
    expect(
      Array.from({ length: 4 }, (_, s) => set.inputs[((set.count - 1) * 4 + s) * 3 + 1]),
    ).toEqual([6, 7, 8, 9]);
  });

  it('gives no window (count 0) for a series too short, leaving the message to the caller', () => {
    const series = [tagged(4, 0, [1, 2, 3, 4, 5, 6, 7])];
    const transform = transformFor(series, 'first');
    const set = seriesWindows(
      series,
      series.map((s) => transform.apply(s)),
      transform,
      { window: 3, horizon: 1 },
    );
    expect(set.count).toBe(0);
    expect(set.origins).toEqual([]);
  });

  it('keeps the windows of the parts of splitSeries apart (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 12, max: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(...differencings),
        (rows, testSize, validationSize, window, horizon, differencing) => {
          const full = tagged(rows, 0, [3, 1, 4, 1, 5, 9, 2]);
          if (rows - testSize - validationSize < 1) return;
          const { train, validation, test } = splitSeries(full, { testSize, validationSize });
          const trainEnd = rows - testSize - validationSize;
          const testStart = rows - testSize;
          if (trainEnd <= lagOf[differencing]) return;
          const transform = transformFor([train], differencing);
          const windowsOf = (s: TimeSeries) =>
            seriesWindows([s], [transform.apply(s)], transform, { window, horizon });
          const rowsOf = (set: ReturnType<typeof windowsOf>) =>
            set.origins.flatMap(({ t }) => Array.from({ length: horizon }, (_, h) => t + h));
          const trainTargets = rowsOf(windowsOf(train));
          const validationTargets = rowsOf(windowsOf(validation as TimeSeries));
          const testTargets = rowsOf(windowsOf(test as TimeSeries));
          // Training targets end before validation's start, which end before the test part.
          for (const r of trainTargets) expect(r).toBeLessThan(trainEnd);
          for (const r of validationTargets) {
            expect(r).toBeGreaterThanOrEqual(trainEnd);
            expect(r).toBeLessThan(testStart);
          }
          for (const r of testTargets) expect(r).toBeGreaterThanOrEqual(testStart);
        },
      ),
    );
  });
});
