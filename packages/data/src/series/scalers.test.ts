// Scalers: hand-computed fits, training-range-only fitting, exact round trips, constant series.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSeriesCsv } from './csv.js';
import { fitScaler, Scaler } from './scalers.js';

const airline = parseSeriesCsv(
  readFileSync(join(import.meta.dirname, '../../test/fixtures/airline-passengers.csv'), 'utf8'),
  'airline-passengers.csv',
  { dateColumn: 'Month' },
).columns.Passengers as Float64Array;

describe('fitScaler', () => {
  it('fits standard (population deviation) and minmax by hand', () => {
    // mean 5, squared deviations 9+1+1+9 = 20, /4 = 5
    const standard = fitScaler([2, 4, 6, 8], 'standard');
    expect(standard.center).toBe(5);
    expect(standard.scale).toBeCloseTo(Math.sqrt(5), 15);
    expect(standard.constant).toBe(false);
    const minmax = fitScaler([3, 7, 5], 'minmax');
    expect(Array.from(minmax.transform([3, 7, 5]))).toEqual([0, 1, 0.5]);
    expect(fitScaler([3, 7], 'none').toJson()).toEqual({
      kind: 'none',
      center: 0,
      scale: 1,
      constant: false,
    });
  });

  it('fits on the given range only (the training part), not on later values', () => {
    const scaler = fitScaler(airline, 'minmax', { start: 0, end: 96 });
    let min = Infinity;
    let max = -Infinity;
    for (const v of airline.subarray(0, 96)) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(scaler.center).toBe(min);
    expect(scaler.scale).toBe(max - min);
    // The test part's later, higher values map above 1: they were not seen when fitting.
    expect(Math.max(...scaler.transform(airline.subarray(96)))).toBeGreaterThan(1);
  });

  it('marks a constant series and only centres it', () => {
    for (const kind of ['standard', 'minmax'] as const) {
      const scaler = fitScaler([4, 4, 4], kind);
      expect(scaler.toJson()).toEqual({ kind, center: 4, scale: 1, constant: true });
      expect(Array.from(scaler.transform([4, 5]))).toEqual([0, 1]);
    }
  });

  it('round-trips values within 1e-12 and survives toJson/fromJson', () => {
    for (const kind of ['standard', 'minmax', 'none'] as const) {
      const scaler = Scaler.fromJson(
        JSON.parse(JSON.stringify(fitScaler(airline, kind, { start: 0, end: 96 }).toJson())),
      );
      const back = scaler.inverse(scaler.transform(airline));
      for (let i = 0; i < airline.length; i++)
        expect(Math.abs((back[i] as number) - (airline[i] as number))).toBeLessThan(1e-12);
    }
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.constantFrom('standard' as const, 'minmax' as const),
        (values, kind) => {
          const scaler = fitScaler(values, kind);
          const back = scaler.inverse(scaler.transform(values));
          return values.every((v, i) => Math.abs((back[i] as number) - v) <= 1e-12);
        },
      ),
      { seed: 15 },
    );
  });

  it('refuses bad input', () => {
    expect(() => fitScaler([1, Number.NaN], 'standard')).toThrow(
      'value NaN at index 1 is not a finite number',
    );
    expect(() => fitScaler([1, 2], 'robust' as never)).toThrow(
      'scaler kind must be "standard", "minmax" or "none", got "robust"',
    );
    expect(() => fitScaler([1, 2], 'standard', { start: 1, end: 1 })).toThrow(
      'fit range [1, 1) is not a non-empty part of [0, 2)',
    );
    expect(() =>
      Scaler.fromJson({ kind: 'standard', center: 0, scale: 0, constant: false }, 'model.scaler'),
    ).toThrow('model.scaler.scale must be a positive finite number');
  });
});
