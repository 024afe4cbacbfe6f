// Each row of the README's bad-input table, with its exact message or behaviour: CSV problems come
// from @recurrent/data's parseSeriesCsv (file:line), API input from the task's own checks (data,
// series, column, row and date), and a constant series trains with a note instead of failing.
import '@recurrent/backend-wasm';
import { useBackend } from '@recurrent/core';
import { parseSeriesCsv } from '@recurrent/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { airline, airlineText, forecastSpec, head } from '../test/airline.js';
import type { TimeSeries } from './contract.js';
import { ForecastingTask } from './forecasting-task.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const series = airline();
const values = series.columns.Passengers as Float64Array;
const quick = forecastSpec({ training: { epochs: 1 } });

/** The fixture with data row `row` (1-based) replaced by `line`. */
function withRow(row: number, line: string): string {
  const lines = airlineText.split(/\r?\n/);
  lines[row] = line;
  return lines.join('\n');
}

function read(text: string) {
  return parseSeriesCsv(text, 'airline.csv', { dateColumn: 'Month' });
}

describe('CSV files (parseSeriesCsv)', () => {
  it('a missing value names file, line and column', () => {
    expect(() => read(withRow(5, '"1949-05",'))).toThrow(
      'airline.csv:6: missing value in column "Passengers"',
    );
  });

  it('a non-numeric cell names file, line, the cell and column', () => {
    expect(() => read(withRow(5, '"1949-05",n/a'))).toThrow(
      'airline.csv:6: non-numeric value "n/a" in column "Passengers"',
    );
  });

  it('unsorted and duplicate dates name both lines', () => {
    expect(() => read(withRow(5, '"1949-01",121'))).toThrow(
      'airline.csv:6: dates out of order: "1949-01" comes after "1949-04" on line 5',
    );
    expect(() => read(withRow(5, '"1949-04",121'))).toThrow(
      'airline.csv:6: duplicate date "1949-04": line 5 has the same date',
    );
  });
});

describe('API input', () => {
  it('NaN or Infinity names the data, series, column, row and date', async () => {
    const broken = Float64Array.from(values);
    broken[4] = Number.NaN;
    const task = ForecastingTask.create(quick);
    await expect(task.train({ ...series, columns: { Passengers: broken } })).rejects.toThrow(
      'training data: airline-passengers.csv, column "Passengers", row 5 (1949-05): NaN is not a finite number',
    );
    // A failed train changes nothing: the task is still untrained.
    expect(() => task.features).toThrow('the forecasting task is not trained');
    await task.train(head(series, 96));
    const infinite = Float64Array.from(values);
    infinite[143] = Number.POSITIVE_INFINITY;
    await expect(task.forecast({ columns: { Passengers: infinite } })).rejects.toThrow(
      'forecast data: the series, column "Passengers", row 144: Infinity is not a finite number',
    );
    task.dispose();
  }, 30_000);

  it('what is not a series is refused by name before any column is read, and changes nothing', async () => {
    const shape = 'must be { columns: { name: number[] }, dates?, targetsFrom?, source? }';
    const task = ForecastingTask.create(quick);
    const cases: [unknown, string][] = [
      [null, `training data: the series ${shape}, got null`],
      [{}, `training data: the series ${shape}, got an object without "columns"`],
      [{ columns: null }, `training data: the series ${shape}, got columns null`],
      [[null], `training data: the series ${shape}, got null`],
      [[head(series, 60), 'b.csv'], `training data: series 2 ${shape}, got string`],
    ];
    for (const [data, message] of cases) {
      await expect(task.train(data as TimeSeries)).rejects.toThrow(new TypeError(message));
    }
    expect(() => task.features).toThrow('the forecasting task is not trained');
    await task.train(head(series, 60));
    await expect(task.evaluate(null as unknown as TimeSeries)).rejects.toThrow(
      `evaluation data: the series ${shape}, got null`,
    );
    await expect(task.forecast({} as TimeSeries)).rejects.toThrow(
      `forecast data: the series ${shape}, got an object without "columns"`,
    );
    task.dispose();
  }, 30_000);

  it('forecast takes one series, not a list', async () => {
    const task = ForecastingTask.create(quick);
    await task.train(head(series, 60));
    await expect(
      task.forecast([series, head(series, 60)] as unknown as TimeSeries),
    ).rejects.toThrow('forecast data: forecast continues one series, got a list of 2');
    task.dispose();
  }, 30_000);

  it('a missing feature column names the series and the columns it has', async () => {
    const task = ForecastingTask.create(
      forecastSpec({ forecasting: { features: ['Passengers'] } }),
    );
    await expect(task.train({ columns: { passengers: values }, source: 'a.csv' })).rejects.toThrow(
      'training data: a.csv has no column "Passengers" (its columns: "passengers")',
    );
    task.dispose();
  });

  it('a series shorter than the window: an error for one series, a note for one of several', async () => {
    const task = ForecastingTask.create(
      forecastSpec({ forecasting: { differencing: 'first' }, training: { epochs: 1 } }),
    );
    await expect(task.train(head(series, 13))).rejects.toThrow(
      'training data: airline-passengers.csv has 13 rows; one window needs window 12 + horizon 1 + 1 for differencing = 14',
    );
    const result = await task.train([head(series, 13), head(series, 60)]);
    expect(result.notes).toEqual([
      'training data: series 1 (airline-passengers.csv) has 13 rows; one window needs window 12 + horizon 1 + 1 for differencing = 14: left out',
    ]);
    await expect(task.forecast(head(series, 12))).rejects.toThrow(
      'forecast data: airline-passengers.csv has 12 rows; a forecast needs window 12 + 1 for differencing = 13 rows',
    );
    await expect(task.evaluate({ ...head(series, 20), targetsFrom: 19 })).resolves.toMatchObject({
      windows: 1,
    });
    await expect(task.evaluate(head(series, 13))).rejects.toThrow(
      'evaluation data: no forecast origin to score: each needs window 12 + horizon 1 + 1 for differencing = 14 rows, its targets at or after targetsFrom (airline-passengers.csv: 13 rows, targets from row 1)',
    );
    task.dispose();
  }, 30_000);

  it('a constant series trains with scale 1 and a note; its MASE is null, not Infinity', async () => {
    const flat: TimeSeries = { columns: { level: new Float64Array(60).fill(5) }, source: 'flat' };
    const task = ForecastingTask.create(forecastSpec({ training: { epochs: 1 } }));
    const result = await task.train(flat);
    expect(result.notes).toEqual([
      'column "level" is constant in the training rows (value 5): scaled by 1',
    ]);
    const files = await task.save();
    expect(JSON.parse(files['model.json']).metadata.scalers.level).toEqual({
      kind: 'standard',
      center: 5,
      scale: 1,
      constant: true,
    });
    const evaluation = await task.evaluate({ ...flat, targetsFrom: 48 });
    const level = evaluation.targets.level;
    expect(level?.naive.overall.rmse).toBe(0);
    expect(level?.naive.mase).toBeNull();
    expect(level?.model.mase).toBeNull();
    expect(Number.isFinite(level?.model.overall.rmse)).toBe(true);
    const forecast = await task.forecast(flat);
    expect(Number.isFinite(forecast.values.level?.[0])).toBe(true);
    task.dispose();
  }, 30_000);

  it('a constant series with scaling "none": nothing to scale, the note still says it is constant', async () => {
    const flat: TimeSeries = { columns: { level: new Float64Array(60).fill(5) }, source: 'flat' };
    const task = ForecastingTask.create(
      forecastSpec({ forecasting: { scaling: 'none' }, training: { epochs: 1 } }),
    );
    const result = await task.train(flat);
    expect(result.notes).toEqual([
      'column "level" is constant in the training rows (value 5): not scaled (scaling "none")',
    ]);
    const files = await task.save();
    expect(JSON.parse(files['model.json']).metadata.scalers.level).toEqual({
      kind: 'none',
      center: 0,
      scale: 1,
      constant: false,
    });
    const evaluation = await task.evaluate({ ...flat, targetsFrom: 48 });
    expect(evaluation.targets.level?.naive.mase).toBeNull();
    task.dispose();
  }, 30_000);

  it('a direct forecast longer than the horizon is refused, naming the limit', async () => {
    const task = ForecastingTask.create(
      forecastSpec({ forecasting: { horizon: 2 }, training: { epochs: 1 } }),
    );
    await task.train(head(series, 96));
    await expect(task.forecast(series, { horizon: 3 })).rejects.toThrow(
      "forecast: horizon 3 is more than this direct model's horizon 2 (it outputs exactly the steps it was trained for); forecast at most 2 steps, or train with strategy recursive",
    );
    await expect(task.forecast(series, { horizon: 0 })).rejects.toThrow(
      'forecast: horizon must be a whole number ≥ 1, got 0',
    );
    task.dispose();
  }, 30_000);

  it('an untrained task says so', async () => {
    const task = ForecastingTask.create(quick);
    await expect(task.evaluate(series)).rejects.toThrow(
      'the forecasting task is not trained: train it or load a trained one',
    );
    await expect(task.forecast(series)).rejects.toThrow('the forecasting task is not trained');
  });
});
