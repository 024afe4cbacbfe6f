// The airline passengers series (test/fixtures/airline-passengers.csv, 144 months 1949-01 …
// 1960-12, see its README) read through @recurrent/data's CSV reader, and tiny forecasting specs
// for the task's tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeriesCsv } from '@recurrent/data';
import type { TimeSeries } from '../src/contract.js';

export const airlinePath = join(import.meta.dirname, 'fixtures/airline-passengers.csv');
export const airlineText = readFileSync(airlinePath, 'utf8');

/** The whole series: { columns: { Passengers }, dates: "1949-01" … }. */
export function airline(): TimeSeries {
  const table = parseSeriesCsv(airlineText, 'airline-passengers.csv', { dateColumn: 'Month' });
  return {
    columns: table.columns,
    ...(table.dates ? { dates: table.dates } : {}),
    source: 'airline-passengers.csv',
  };
}

/** The first `end` rows of a series (its dates too). */
export function head(series: TimeSeries, end: number): TimeSeries {
  const columns: Record<string, ArrayLike<number>> = {};
  for (const [name, values] of Object.entries(series.columns)) {
    columns[name] = Float64Array.from(values).slice(0, end);
  }
  return {
    columns,
    ...(series.dates ? { dates: series.dates.slice(0, end) } : {}),
    ...(series.source !== undefined ? { source: series.source } : {}),
  };
}

/** A tiny forecasting spec: an LSTM of 8 on a 12-month window, 2 epochs, seeded. */
export function forecastSpec(
  overrides: {
    forecasting?: Record<string, unknown>;
    layers?: unknown[];
    training?: Record<string, unknown>;
  } = {},
) {
  return {
    version: 1,
    name: 'tiny-forecaster',
    task: 'forecasting',
    forecasting: { window: 12, horizon: 1, scaling: 'standard', ...overrides.forecasting },
    layers: overrides.layers ?? [
      { type: 'lstm', hiddenSize: 8, returnSequences: false },
      { type: 'dense', units: 'auto' },
    ],
    training: {
      epochs: 2,
      batchSize: 16,
      optimizer: { type: 'adam', lr: 0.01 },
      seed: 7,
      ...overrides.training,
    },
  };
}
