// Differencing: hand values, exact round trips, first and seasonal composed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSeriesCsv } from './csv.js';
import { difference, undifference } from './differencing.js';

const airline = parseSeriesCsv(
  readFileSync(join(import.meta.dirname, '../../test/fixtures/airline-passengers.csv'), 'utf8'),
  'airline-passengers.csv',
  { dateColumn: 'Month' },
).columns.Passengers as Float64Array;

describe('difference / undifference', () => {
  it('computes first and seasonal differences by hand', () => {
    expect(Array.from(difference([1, 4, 9, 16]))).toEqual([3, 5, 7]);
    expect(Array.from(difference([1, 2, 10, 20, 100], 2))).toEqual([9, 18, 90]);
    // Airline, January 1950 (115) minus January 1949 (112).
    expect(difference(airline, 12)[0]).toBe(3);
  });

  it('round-trips exactly at lag 1 and lag 12 on the airline series', () => {
    for (const lag of [1, 12]) {
      const restored = undifference(difference(airline, lag), airline.subarray(0, lag), lag);
      expect(Array.from(restored)).toEqual(Array.from(airline.subarray(lag)));
    }
  });

  it('undoes seasonal then first differencing composed', () => {
    const seasonal = difference(airline, 12);
    const both = difference(seasonal, 1);
    const seasonalBack = undifference(both, seasonal.subarray(0, 1), 1);
    // seasonalBack starts at seasonal[1] = airline[13] - airline[1]: its history is airline[1..13).
    const back = undifference(seasonalBack, airline.subarray(1, 13), 12);
    expect(Array.from(back)).toEqual(Array.from(airline.subarray(13)));
  });

  it('round-trips real-valued series within 1e-12 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        (values, lag) => {
          fc.pre(values.length > lag);
          const back = undifference(difference(values, lag), values.slice(0, lag), lag);
          return values.slice(lag).every((v, i) => Math.abs((back[i] as number) - v) <= 1e-12);
        },
      ),
      { seed: 15 },
    );
  });

  it('uses the last lag values of a longer history, and refuses too little', () => {
    expect(Array.from(undifference([1, 1], [100, 5, 7], 2))).toEqual([6, 8]);
    expect(() => difference([1, 2], 2)).toThrow(
      'differencing at lag 2 needs more than 2 values, got 2',
    );
    expect(() => undifference([1], [1], 2)).toThrow(
      'undifferencing at lag 2 needs 2 values of history, got 1',
    );
    expect(() => difference([1, 2], 0)).toThrow('lag must be a positive integer, got 0');
  });
});
