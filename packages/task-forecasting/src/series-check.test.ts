import { describe, expect, it } from 'vitest';
import type { TimeSeries } from './contract.js';
import { checkSeries, ForecastingDataError, rowName, seriesName } from './series-check.js';

const features = ['y', 'x'];

function check(data: unknown) {
  return () => checkSeries(data as TimeSeries, 'training data', features);
}

describe('checkSeries', () => {
  it('returns one series or several as a list', () => {
    const one: TimeSeries = { columns: { y: [1, 2], x: [3, 4], unused: [5] } };
    expect(checkSeries(one, 'training data', features)).toEqual([one]);
    expect(checkSeries([one, one], 'training data', features)).toEqual([one, one]);
    expect(
      checkSeries({ columns: { y: new Float64Array([1]), x: [2] } }, 'data', features),
    ).toHaveLength(1);
  });

  it('names a missing column with the columns the series has', () => {
    expect(check({ columns: { y: [1], X: [2] }, source: 'a.csv' })).toThrow(
      new ForecastingDataError('training data: a.csv has no column "x" (its columns: "y", "X")'),
    );
    expect(check([{ columns: { y: [1], x: [1] } }, { columns: {} }])).toThrow(
      'training data: series 2 has no column "y", "x" (its columns: none)',
    );
    expect(check({ columns: { y: [1], x: [1] } })).not.toThrow();
  });

  it('names columns of unequal lengths', () => {
    expect(check({ columns: { y: [1, 2, 3], x: [1, 2] }, source: 'a.csv' })).toThrow(
      'training data: a.csv, column "x" has 2 rows but column "y" has 3',
    );
    expect(check({ columns: { y: [], x: [] } })).toThrow('training data: the series has no rows');
  });

  it('names NaN and ±Infinity by series, column and row (with its date)', () => {
    expect(check({ columns: { y: [1, Number.NaN], x: [1, 2] }, source: 'a.csv' })).toThrow(
      'training data: a.csv, column "y", row 2: NaN is not a finite number',
    );
    expect(
      check({
        columns: { y: [1, 2], x: [Number.POSITIVE_INFINITY, 2] },
        dates: ['1949-01', '1949-02'],
        source: 'a.csv',
      }),
    ).toThrow('training data: a.csv, column "x", row 1 (1949-01): Infinity is not a finite number');
    expect(
      check([
        { columns: { y: [1], x: [1] }, source: 'a.csv' },
        { columns: { y: [1, 2, Number.NEGATIVE_INFINITY], x: [1, 2, 3] }, source: 'b.csv' },
      ]),
    ).toThrow(
      'training data: series 2 (b.csv), column "y", row 3: -Infinity is not a finite number',
    );
    expect(check({ columns: { y: [1, '2'], x: [1, 2] } })).toThrow(
      'training data: the series, column "y", row 2: "2" is not a finite number',
    );
    expect(check({ columns: { y: [1, null], x: [1, 2] } })).toThrow(
      'training data: the series, column "y", row 2: null is not a finite number',
    );
  });

  it('names a dates count that does not match the rows, and bad or unordered dates', () => {
    expect(
      check({
        columns: { y: [1, 2, 3], x: [1, 2, 3] },
        dates: ['2000-01', '2000-02'],
        source: 'a.csv',
      }),
    ).toThrow('training data: a.csv has 2 dates for 3 rows');
    expect(check({ columns: { y: [1, 2], x: [1, 2] }, dates: ['2000-01', '2000-13'] })).toThrow(
      'training data: the series, row 2: date "2000-13" is not YYYY, YYYY-MM or YYYY-MM-DD',
    );
    expect(check({ columns: { y: [1, 2], x: [1, 2] }, dates: ['2000-01', '2000-02-01'] })).toThrow(
      'training data: the series, row 2: date "2000-02-01" is YYYY-MM-DD but row 1 is YYYY-MM; use one form',
    );
    expect(check({ columns: { y: [1, 2], x: [1, 2] }, dates: ['2000-02', '2000-01'] })).toThrow(
      'training data: the series, row 2: date "2000-01" comes before the date of row 1 ("2000-02"); dates must be ascending',
    );
    expect(check({ columns: { y: [1, 2], x: [1, 2] }, dates: ['2000-02', '2000-02'] })).toThrow(
      'training data: the series, row 2: date "2000-02" repeats the date of row 1 ("2000-02"); dates must be ascending',
    );
  });

  it('names a targetsFrom outside the series', () => {
    const rows = { y: [1, 2, 3], x: [1, 2, 3] };
    expect(check({ columns: rows, targetsFrom: 3, source: 'a.csv' })).toThrow(
      'training data: a.csv: targetsFrom must be a row index in [0, 3) (the series has 3 rows), got 3',
    );
    expect(check({ columns: rows, targetsFrom: -1 })).toThrow('got -1');
    expect(check({ columns: rows, targetsFrom: 1.5 })).toThrow('got 1.5');
    expect(check({ columns: rows, targetsFrom: 2 })).not.toThrow();
  });

  it('refuses what is not a series, and an empty list', () => {
    expect(check([])).toThrow('training data: no series');
    const shape = 'must be { columns: { name: number[] }, dates?, targetsFrom?, source? }';
    expect(check(null)).toThrow(new TypeError(`training data: the series ${shape}, got null`));
    expect(check(42)).toThrow(`training data: the series ${shape}, got number`);
    expect(check({})).toThrow(
      `training data: the series ${shape}, got an object without "columns"`,
    );
    expect(check({ columns: null })).toThrow(
      `training data: the series ${shape}, got columns null`,
    );
    expect(check([null])).toThrow(`training data: the series ${shape}, got null`);
    expect(check([{ columns: { y: [1], x: [1] } }, { columns: [] }])).toThrow(
      `training data: series 2 ${shape}, got columns an array`,
    );
    expect(check([{ columns: { y: [1], x: [1] } }, undefined])).toThrow(
      `training data: series 2 ${shape}, got undefined`,
    );
    expect(check({ columns: { y: 5, x: [1] } })).toThrow(
      'training data: the series, column "y" is number, not an array of numbers',
    );
  });
});

describe('dates across several series', () => {
  it('must be of one form: text order is date order only within one form', () => {
    const monthly = { columns: { y: [1, 2], x: [1, 2] }, dates: ['1950-01', '1950-02'] };
    const daily = {
      columns: { y: [1, 2], x: [1, 2] },
      dates: ['1950-01-01', '1950-01-02'],
      source: 'b.csv',
    };
    expect(check([monthly, daily])).toThrow(
      new ForecastingDataError(
        'training data: series 2 (b.csv) has YYYY-MM-DD dates but series 1 has YYYY-MM dates; use one form across the series',
      ),
    );
    expect(check([monthly, { ...monthly, dates: ['1951-01', '1951-02'] }])).not.toThrow();
  });
});

describe('series and row names', () => {
  it('uses the source, the number among several, or "the series"', () => {
    expect(seriesName({ columns: {}, source: 'a.csv' }, 0, 1)).toBe('a.csv');
    expect(seriesName({ columns: {} }, 0, 1)).toBe('the series');
    expect(seriesName({ columns: {}, source: 'a.csv' }, 1, 3)).toBe('series 2 (a.csv)');
    expect(seriesName({ columns: {} }, 2, 3)).toBe('series 3');
    expect(rowName({ columns: {}, dates: ['1949-01', '1949-02'] }, 1)).toBe('row 2 (1949-02)');
    expect(rowName({ columns: {} }, 1)).toBe('row 2');
  });
});
