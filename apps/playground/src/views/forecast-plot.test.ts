// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  dateSeconds,
  forecastColumns,
  forecastVariables,
  historyShownFor,
} from './forecast-plot.js';

const output = (dates: boolean) => ({
  task: 'forecasting' as const,
  history: {
    ...(dates ? { dates: ['1960-10', '1960-11', '1960-12'] } : {}),
    values: { passengers: [461, 390, 432] },
  },
  forecast: {
    ...(dates ? { dates: ['1961-01', '1961-02'] } : {}),
    values: { passengers: [450, 430] },
  },
  naive: { passengers: [432, 432] },
});

describe('dateSeconds', () => {
  it('reads monthly, daily and date-time values as UTC seconds', () => {
    expect(dateSeconds('1949-01')).toBe(Date.UTC(1949, 0, 1) / 1000);
    expect(dateSeconds('1960-12-31')).toBe(Date.UTC(1960, 11, 31) / 1000);
    expect(dateSeconds('2020-03-01 12:30')).toBe(Date.UTC(2020, 2, 1, 12, 30) / 1000);
    expect(dateSeconds('2020-03-01T12:30:15Z')).toBe(Date.UTC(2020, 2, 1, 12, 30, 15) / 1000);
    expect(dateSeconds('week 3')).toBeUndefined();
    expect(dateSeconds('17')).toBeUndefined();
  });
});

describe('forecastColumns', () => {
  it('puts history, forecast and baseline on one date axis, joined at the last observation', () => {
    const c = forecastColumns(output(true), 'passengers');
    expect(c.time).toBe(true);
    expect(c.x).toEqual(
      [
        [1960, 9],
        [1960, 10],
        [1960, 11],
        [1961, 0],
        [1961, 1],
      ].map(([y, m]) => Date.UTC(y as number, m as number, 1) / 1000),
    );
    expect(c.history).toEqual([461, 390, 432, null, null]);
    expect(c.forecast).toEqual([null, null, 432, 450, 430]);
    expect(c.naive).toEqual([null, null, 432, 432, 432]);
    expect(forecastVariables(output(true))).toEqual(['passengers']);
  });

  it('falls back to step numbers without dates, or when a date does not parse', () => {
    const c = forecastColumns(output(false), 'passengers');
    expect(c.time).toBe(false);
    expect(c.x).toEqual([0, 1, 2, 3, 4]);
    const odd = output(true);
    odd.forecast.dates = ['next', 'after'];
    expect(forecastColumns(odd, 'passengers').x).toEqual([0, 1, 2, 3, 4]);
  });

  it('falls back to steps when dates do not increase (a uPlot x axis must)', () => {
    const odd = output(true);
    odd.forecast.dates = ['1960-01', '1960-02'];
    expect(forecastColumns(odd, 'passengers').time).toBe(false);
  });
});

describe('forecastColumns with a history limit', () => {
  it('keeps the last observations and their dates, and numbers steps from the series start', () => {
    const withDates = forecastColumns(output(true), 'passengers', 2);
    expect(withDates.history).toEqual([390, 432, null, null]);
    expect(withDates.forecast).toEqual([null, 432, 450, 430]);
    expect(withDates.x[0]).toBe(Date.UTC(1960, 10, 1) / 1000);
    const steps = forecastColumns(output(false), 'passengers', 2);
    expect(steps.x).toEqual([1, 2, 3, 4]);
    expect(historyShownFor(1)).toBe(36);
    expect(historyShownFor(24)).toBe(96);
  });
});
