import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimeSeries } from './contract.js';
import { ForecastingDataError } from './series-check.js';
import { splitSeries } from './split.js';

function series(rows: number, dated = false): TimeSeries {
  return {
    columns: {
      y: Array.from({ length: rows }, (_, i) => i * 10),
      x: Array.from({ length: rows }, (_, i) => -i),
    },
    ...(dated ? { dates: Array.from({ length: rows }, (_, i) => String(1900 + i)) } : {}),
    source: 's.csv',
  };
}

describe('splitSeries', () => {
  it('splits 20 rows into train 0..11, validation to 15 and test to 19, each with its history', () => {
    const { train, validation, test } = splitSeries(series(20, true), {
      testSize: 4,
      validationSize: 4,
    });
    expect(Array.from(train.columns.y as ArrayLike<number>)).toEqual(
      Array.from({ length: 12 }, (_, i) => i * 10),
    );
    expect(train.targetsFrom).toBeUndefined();
    expect(train.dates).toEqual(Array.from({ length: 12 }, (_, i) => String(1900 + i)));
    expect(train.source).toBe('s.csv');
    expect(validation?.columns.x).toHaveLength(16);
    expect(validation?.targetsFrom).toBe(12);
    expect(validation?.dates?.at(-1)).toBe('1915');
    expect(test?.columns.y).toHaveLength(20);
    expect(test?.targetsFrom).toBe(16);
  });

  it('takes fractions of all rows (test) and of the rows before the test part (validation)', () => {
    // 100 rows: test 0.2 → 20; validation 0.25 of the 80 before it → 20.
    const { train, validation, test } = splitSeries(series(100), {
      testSize: 0.2,
      validationSize: 0.25,
    });
    expect(train.columns.y).toHaveLength(60);
    expect(validation?.targetsFrom).toBe(60);
    expect(validation?.columns.y).toHaveLength(80);
    expect(test?.targetsFrom).toBe(80);
  });

  it('leaves absent parts undefined', () => {
    const onlyTest = splitSeries(series(10), { testSize: 3 });
    expect(onlyTest.validation).toBeUndefined();
    expect(onlyTest.train.columns.y).toHaveLength(7);
    const onlyValidation = splitSeries(series(10), { validationSize: 3 });
    expect(onlyValidation.test).toBeUndefined();
    expect(onlyValidation.validation?.targetsFrom).toBe(7);
    expect(onlyValidation.validation?.columns.y).toHaveLength(10);
    const neither = splitSeries(series(10), {});
    expect(neither.train.columns.y).toHaveLength(10);
    expect(Object.keys(neither)).toEqual(['train']);
  });

  it('ends the training part before validation and validation before test (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.oneof(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0.01, max: 0.99, noNaN: true })),
        fc.option(
          fc.oneof(
            fc.integer({ min: 1, max: 50 }),
            fc.double({ min: 0.01, max: 0.99, noNaN: true }),
          ),
        ),
        (rows, testSize, validationSize) => {
          let parts: ReturnType<typeof splitSeries>;
          try {
            parts = splitSeries(series(rows), {
              testSize,
              ...(validationSize !== null ? { validationSize } : {}),
            });
          } catch (error) {
            expect(error).toBeInstanceOf(ForecastingDataError);
            return;
          }
          const { train, validation, test } = parts;
          const trainEnd = train.columns.y?.length as number;
          expect(trainEnd).toBeGreaterThanOrEqual(1);
          const testStart = test?.targetsFrom as number;
          expect(test?.columns.y).toHaveLength(rows);
          expect(testStart).toBeGreaterThanOrEqual(trainEnd);
          if (validation) {
            expect(validation.targetsFrom).toBe(trainEnd);
            expect(validation.columns.y).toHaveLength(testStart);
          } else {
            expect(testStart).toBe(trainEnd);
          }
          // The training rows are the series' first rows, unchanged.
          expect(Array.from(train.columns.y as ArrayLike<number>)).toEqual(
            Array.from({ length: trainEnd }, (_, i) => i * 10),
          );
        },
      ),
    );
  });

  it('names the size that leaves no training rows or rounds to none', () => {
    expect(() => splitSeries(series(10), { testSize: 10 })).toThrow(
      new ForecastingDataError('splitting s.csv: testSize 10 leaves no training rows (10 rows)'),
    );
    expect(() => splitSeries(series(10), { testSize: 4, validationSize: 6 })).toThrow(
      'splitting s.csv: validationSize 6 leaves no training rows (6 rows before the test part)',
    );
    expect(() => splitSeries(series(10), { testSize: 0.01 })).toThrow(
      'splitting s.csv: testSize 0.01 of 10 rows rounds to 0 rows; give a count',
    );
    expect(() => splitSeries(series(10), { testSize: 0 })).toThrow(
      'splitting s.csv: testSize must be a count (integer >= 1) or a fraction in (0, 1), got 0',
    );
    expect(() => splitSeries(series(10), { validationSize: 1.5 })).toThrow(
      'splitting s.csv: validationSize must be a count (integer >= 1) or a fraction in (0, 1), got 1.5',
    );
  });
});
