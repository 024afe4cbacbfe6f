import { readFileSync } from 'node:fs';
import { ModelFileError } from '@recurrent/core';
import { fitScaler, parseSeriesCsv } from '@recurrent/data';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimeSeries } from './contract.js';
import {
  type ForecastingSettings,
  forecastingSettings,
  resolveColumns,
} from './forecasting-settings.js';
import { SeriesTransform } from './series-transform.js';
import { splitSeries } from './split.js';

const airlineText = readFileSync(
  new URL('../test/fixtures/airline-passengers.csv', import.meta.url),
  'utf8',
);
const table = parseSeriesCsv(airlineText, 'airline-passengers.csv', { dateColumn: 'Month' });
const airline: TimeSeries = {
  columns: table.columns,
  dates: table.dates as string[],
  source: 'airline-passengers.csv',
};
const passengers = table.columns.Passengers as Float64Array;

function settingsFor(
  forecasting: Record<string, unknown>,
  first: TimeSeries = airline,
): ForecastingSettings {
  return resolveColumns(
    forecastingSettings({
      version: 1,
      name: 'f',
      task: 'forecasting',
      forecasting,
      layers: [
        { type: 'lstm', hiddenSize: 4, returnSequences: false },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' } },
    }),
    first,
  );
}

const differencings = ['none', 'first', 'seasonal', 'first-and-seasonal'] as const;
const scalings = ['standard', 'minmax', 'none'] as const;

describe('SeriesTransform round trip on the airline series', () => {
  for (const differencing of differencings) {
    for (const scaling of scalings) {
      it(`restores every suffix from its model-space values: differencing ${differencing}, scaling ${scaling}`, () => {
        const settings = settingsFor({ window: 12, differencing, season: 12, scaling });
        const { train } = splitSeries(airline, { testSize: 48 });
        const { transform } = SeriesTransform.fit([train], settings);
        const lag = { none: 0, first: 1, seasonal: 12, 'first-and-seasonal': 13 }[differencing];
        expect(transform.lag).toBe(lag);
        const model = transform.apply(airline);
        expect(model.length).toBe(144);
        for (let row = 0; row < 144; row++) {
          expect(Number.isNaN(model[row] as number)).toBe(row < lag);
        }
        let worst = 0;
        for (let origin = lag; origin < 144; origin++) {
          const restored = transform.restore(model.subarray(origin), airline, origin, 0);
          expect(restored.length).toBe(144 - origin);
          restored.forEach((value, k) => {
            const error = Math.abs(value - (passengers[origin + k] as number));
            worst = Math.max(worst, error);
            // Without scaling the arithmetic is on integers: bit for bit.
            if (scaling === 'none') expect(value).toBe(passengers[origin + k]);
          });
        }
        // Scaling divides and multiplies back in float64: a few ulps of values up to 622.
        expect(worst).toBeLessThan(1e-9);
      });
    }
  }
});

describe('SeriesTransform on targets and covariates', () => {
  const series: TimeSeries = {
    columns: { y: [10, 12, 15, 11, 13, 16, 20, 14], x: [1, 2, 4, 8, 16, 32, 64, 128] },
  };

  it('differences the targets only and scales each column on its own rows', () => {
    const settings = settingsFor({ window: 2, differencing: 'first', targets: ['y'] }, series);
    const { transform } = SeriesTransform.fit([series], settings);
    const model = transform.apply(series);
    // y differenced: 2, 3, -4, 2, 3, 4, -6 (rows 1..7); x as given on rows 1..7.
    const dy = [2, 3, -4, 2, 3, 4, -6];
    const x = [2, 4, 8, 16, 32, 64, 128];
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const sd = (v: number[]) => Math.sqrt(mean(v.map((a) => (a - mean(v)) ** 2)));
    expect(Number.isNaN(model[0] as number)).toBe(true);
    expect(Number.isNaN(model[1] as number)).toBe(true);
    for (let row = 1; row < 8; row++) {
      expect(model[row * 2]).toBeCloseTo(((dy[row - 1] as number) - mean(dy)) / sd(dy), 12);
      expect(model[row * 2 + 1]).toBeCloseTo(((x[row - 1] as number) - mean(x)) / sd(x), 12);
    }
    expect(transform.targetColumns).toEqual([0]);
  });

  it('restores a seasonal + first differenced multi-step forecast as computed by hand', () => {
    // Season 4, lags [1, 4]: D[t] = d[t] - d[t-4] with d[t] = y[t] - y[t-1]. History y[0..7]:
    // d[4..7] = 2, 3, 4, -6. Predicted D = 1, -2, 3, 0, 2 for t = 8..12:
    // d[8] = 1 + 2 = 3 → y 17; d[9] = -2 + 3 = 1 → 18; d[10] = 3 + 4 = 7 → 25;
    // d[11] = 0 - 6 = -6 → 19; d[12] = 2 + d[8] = 5 → 24.
    const ySeries: TimeSeries = { columns: { y: [10, 12, 15, 11, 13, 16, 20, 14] } };
    const none = settingsFor(
      { window: 2, differencing: 'first-and-seasonal', season: 4, scaling: 'none' },
      ySeries,
    );
    const { transform } = SeriesTransform.fit([ySeries], none);
    expect(Array.from(transform.restore([1, -2, 3, 0, 2], ySeries, 8, 0))).toEqual([
      17, 18, 25, 19, 24,
    ]);
    // Rows at and after the origin are never read: junk there changes nothing.
    const longer: TimeSeries = { columns: { y: [10, 12, 15, 11, 13, 16, 20, 14, 1e6, -1e6] } };
    expect(Array.from(transform.restore([1, -2, 3, 0, 2], longer, 8, 0))).toEqual([
      17, 18, 25, 19, 24,
    ]);
    // With standard scaling, the same differenced values given in the scaled space.
    const standard = settingsFor(
      { window: 2, differencing: 'first-and-seasonal', season: 4 },
      ySeries,
    );
    const scaled = SeriesTransform.fit([ySeries], standard).transform;
    const { center, scale } = scaled.scalers.y as { center: number; scale: number };
    const inModelSpace = [1, -2, 3, 0, 2].map((v) => (v - center) / scale);
    const restored = scaled.restore(inModelSpace, ySeries, 8, 0);
    [17, 18, 25, 19, 24].forEach((value, k) => {
      expect(restored[k]).toBeCloseTo(value, 10);
    });
  });

  it('refuses an origin without the rows differencing needs', () => {
    const settings = settingsFor(
      { window: 2, differencing: 'first-and-seasonal', season: 4, targets: ['y'] },
      series,
    );
    const { transform } = SeriesTransform.fit([series], settings);
    expect(() => transform.restore([0], series, 4, 0)).toThrow(
      'forecast origin 4 must be a row in [5, 8]: undoing the differencing needs 5 rows before it',
    );
    expect(() => transform.restore([0], series, 9, 0)).toThrow(
      'forecast origin 9 must be a row in [5, 8]',
    );
    expect(() => transform.restore([0], series, 5, 1)).toThrow(
      'target 1 is not an index of the 1 targets',
    );
  });
});

describe('SeriesTransform fitting', () => {
  it('fits on the training rows only: changing the test rows changes nothing (property)', () => {
    const values = fc.array(fc.integer({ min: -1000, max: 1000 }), {
      minLength: 30,
      maxLength: 60,
    });
    fc.assert(
      fc.property(
        values,
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 60, maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom(...differencings),
        fc.constantFrom(...scalings),
        (y, replacement, testSize, differencing, scaling) => {
          const n = y.length;
          const original: TimeSeries = { columns: { y, x: y.map((v, i) => v * 0.5 + i) } };
          const changedY = y.map((v, i) => (i >= n - testSize ? (replacement[i] as number) : v));
          const changed: TimeSeries = {
            columns: {
              y: changedY,
              x: changedY.map((v, i) => (i >= n - testSize ? -v : v * 0.5 + i)),
            },
          };
          const settings = settingsFor(
            { window: 3, differencing, season: 4, scaling, targets: ['y'] },
            original,
          );
          const a = SeriesTransform.fit([splitSeries(original, { testSize }).train], settings);
          const b = SeriesTransform.fit([splitSeries(changed, { testSize }).train], settings);
          expect(b.transform.toJson()).toEqual(a.transform.toJson());
          expect(b.notes).toEqual(a.notes);
          // The training rows' model-space values do not depend on the test rows either.
          const trainEnd = n - testSize;
          expect(Array.from(b.transform.apply(changed).subarray(0, trainEnd * 2))).toEqual(
            Array.from(a.transform.apply(original).subarray(0, trainEnd * 2)),
          );
        },
      ),
    );
  });

  it('fits on the differenced training rows, pooled over the series', () => {
    const a: TimeSeries = { columns: { y: [1, 3, 6, 10] } };
    const b: TimeSeries = { columns: { y: [5, 4, 4, 9, 7] } };
    const settings = settingsFor({ window: 1, differencing: 'first' }, a);
    const { transform } = SeriesTransform.fit([a, b], settings);
    // Differences: 2, 3, 4 and -1, 0, 5, -2 pooled.
    expect(transform.scalers.y?.toJson()).toEqual(
      fitScaler([2, 3, 4, -1, 0, 5, -2], 'standard').toJson(),
    );
    expect(transform.scalers.y?.center).toBeCloseTo(11 / 7, 14);
  });

  it('notes a constant column (scale 1) and a constant differenced target', () => {
    const series: TimeSeries = {
      columns: { y: [1, 2, 3, 4, 5], x: [7, 7, 7, 7, 7], z: [1, 5, 2, 8, 3] },
    };
    const plain = settingsFor({ window: 1, targets: ['y'] }, series);
    const fitted = SeriesTransform.fit([series], plain);
    expect(fitted.notes).toEqual([
      'column "x" is constant in the training rows (value 7): scaled by 1',
    ]);
    expect(fitted.transform.scalers.x?.scale).toBe(1);
    expect(Array.from(fitted.transform.apply(series).filter((_, i) => i % 3 === 1))).toEqual([
      0, 0, 0, 0, 0,
    ]);
    const differenced = settingsFor(
      { window: 1, targets: ['y'], differencing: 'first', scaling: 'minmax' },
      series,
    );
    expect(SeriesTransform.fit([series], differenced).notes).toEqual([
      'column "y" is constant in the training rows after differencing (value 1): scaled by 1',
      'column "x" is constant in the training rows (value 7): scaled by 1',
    ]);
    const none = settingsFor({ window: 1, targets: ['y'], scaling: 'none' }, series);
    expect(SeriesTransform.fit([series], none).notes).toEqual([
      'column "x" is constant in the training rows (value 7): not scaled (scaling "none")',
    ]);
  });

  it('refuses training series all too short for the differencing', () => {
    const series: TimeSeries = { columns: { y: [1, 2, 3] } };
    const settings = settingsFor({ window: 1, differencing: 'seasonal', season: 3 }, series);
    expect(() => SeriesTransform.fit([series], settings)).toThrow(
      'training data: no series has more than 3 rows, the rows differencing (lags 3) needs first: nothing to fit the scaling on',
    );
  });
});

describe('SeriesTransform JSON', () => {
  const series: TimeSeries = { columns: { '2019': [1, 4, 2, 8, 5], a: [3, 1, 4, 1, 5] } };
  const settings = settingsFor(
    { window: 1, differencing: 'first', features: ['a', '2019'], targets: ['2019'] },
    series,
  );
  const { transform } = SeriesTransform.fit([series], settings);

  it('comes back from JSON text identical, feature order kept (a column named "2019" too)', () => {
    const json = JSON.parse(JSON.stringify(transform.toJson()));
    const loaded = SeriesTransform.fromJson(json, 'metadata');
    expect(loaded.features).toEqual(['a', '2019']);
    expect(loaded.targets).toEqual(['2019']);
    expect(loaded.lag).toBe(1);
    expect(loaded.toJson()).toEqual(transform.toJson());
    expect(Array.from(loaded.apply(series))).toEqual(Array.from(transform.apply(series)));
  });

  it('refuses malformed JSON naming the field', () => {
    const good = transform.toJson();
    const bad = (patch: Record<string, unknown>) => () =>
      SeriesTransform.fromJson({ ...good, ...patch }, 'metadata');
    expect(() => SeriesTransform.fromJson(null, 'metadata')).toThrow(
      new ModelFileError('metadata must be an object, got null'),
    );
    expect(bad({ lags: [0] })).toThrow(
      'metadata.lags must be the differencing lags ([], [1], [season] or [1, season]), got [0]',
    );
    expect(bad({ features: [] })).toThrow(
      'metadata.features must be a non-empty array of column names, got []',
    );
    expect(bad({ targets: ['a', 'a'] })).toThrow(
      'metadata.targets names a column twice: ["a","a"]',
    );
    expect(bad({ targets: ['b'] })).toThrow(
      'metadata.targets: "b" is not one of metadata.features',
    );
    expect(bad({ scalers: [] })).toThrow(
      'metadata.scalers must be an object of one scaler per feature, got an array',
    );
    expect(bad({ scalers: { a: good.scalers.a } })).toThrow('metadata.scalers["2019"] is missing');
    expect(bad({ scalers: { ...good.scalers, b: good.scalers.a } })).toThrow(
      'metadata.scalers has "b", which is not one of metadata.features',
    );
    expect(bad({ scalers: { ...good.scalers, a: { ...good.scalers.a, scale: 0 } } })).toThrow(
      new ModelFileError('metadata.scalers["a"].scale must be a positive finite number'),
    );
    expect(bad({ scalers: { ...good.scalers, a: { ...good.scalers.a, scale: 0 } } })).toThrow(
      ModelFileError,
    );
  });
});
