// Checks on the series a caller passes, before any window is cut: every feature column present,
// columns of one length, finite values, one date per row in one form and ascending, targetsFrom
// inside the series. Each error names the data (`what`), the series (its source or number), the
// column and the row (1-based; with dates, the date too), as the CSV reader does for files.

import { TaskError } from '@recurrent/core';
import { parseSeriesDate } from '@recurrent/data';
import type { SeriesData, TimeSeries } from './contract.js';

/** Series that do not fit the task: a missing column, a NaN, too few rows for one window. */
export class ForecastingDataError extends TaskError {
  override name = 'ForecastingDataError';
}

/** "airline.csv", "series 2 (a.csv)", "series 2" or "the series" (one series without a source). */
export function seriesName(series: TimeSeries, index: number, count: number): string {
  // Not yet checked to be an object: a null series is named by its number.
  const source = typeof series === 'object' && series !== null ? series.source : undefined;
  if (count === 1) return source ?? 'the series';
  return source === undefined ? `series ${index + 1}` : `series ${index + 1} (${source})`;
}

/** "row 5" or "row 5 (1949-05)". */
export function rowName(series: TimeSeries, row: number): string {
  const date = series.dates?.[row];
  return date === undefined ? `row ${row + 1}` : `row ${row + 1} (${date})`;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function quoted(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(', ');
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return (
    Array.isArray(value) ||
    ArrayBuffer.isView(value) ||
    (typeof value === 'object' &&
      value !== null &&
      Number.isInteger((value as { length?: unknown }).length))
  );
}

/** What a value that should be a series is instead: "null", "number", "columns null", ... */
function describeSeries(series: unknown): string {
  if (typeof series !== 'object' || series === null || Array.isArray(series)) {
    return describe(series);
  }
  if (!('columns' in series)) return 'an object without "columns"';
  return `columns ${describe((series as { columns: unknown }).columns)}`;
}

function isSeriesShape(series: unknown): series is TimeSeries {
  if (typeof series !== 'object' || series === null || Array.isArray(series)) return false;
  const columns = (series as { columns?: unknown }).columns;
  return typeof columns === 'object' && columns !== null && !Array.isArray(columns);
}

/**
 * The data as a list of objects with a `columns` object, refusing an empty list and anything
 * else by `what` and series (before any column is read: the first series' columns may be the
 * features to look for).
 */
export function seriesShapes(data: SeriesData, what: string): readonly TimeSeries[] {
  const list: readonly unknown[] = Array.isArray(data) ? data : [data];
  if (list.length === 0) throw new ForecastingDataError(`${what}: no series`);
  list.forEach((series, index) => {
    if (!isSeriesShape(series)) {
      const name = seriesName(series as TimeSeries, index, list.length);
      throw new TypeError(
        `${what}: ${name} must be { columns: { name: number[] }, dates?, targetsFrom?, source? }, got ${describeSeries(series)}`,
      );
    }
  });
  return list as readonly TimeSeries[];
}

/** The rows of `series` (the length of its feature columns), every check but targetsFrom done. */
function checkColumns(
  series: TimeSeries,
  name: string,
  what: string,
  features: readonly string[],
): number {
  const has = Object.keys(series.columns);
  const missing = features.filter((feature) => !has.includes(feature));
  if (missing.length > 0) {
    throw new ForecastingDataError(
      `${what}: ${name} has no column ${quoted(missing)} (its columns: ${has.length > 0 ? quoted(has) : 'none'})`,
    );
  }
  let rows = -1;
  let firstColumn = '';
  for (const feature of features) {
    const column = series.columns[feature];
    if (!isArrayLike(column)) {
      throw new TypeError(
        `${what}: ${name}, column ${JSON.stringify(feature)} is ${describe(column)}, not an array of numbers`,
      );
    }
    if (rows < 0) {
      rows = column.length;
      firstColumn = feature;
      if (rows === 0) throw new ForecastingDataError(`${what}: ${name} has no rows`);
    } else if (column.length !== rows) {
      throw new ForecastingDataError(
        `${what}: ${name}, column ${JSON.stringify(feature)} has ${column.length} rows but column ${JSON.stringify(firstColumn)} has ${rows}`,
      );
    }
  }
  if (series.dates !== undefined) checkDates(series, name, what, rows);
  for (const feature of features) {
    const column = series.columns[feature] as ArrayLike<unknown>;
    for (let row = 0; row < rows; row++) {
      const value = column[row];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ForecastingDataError(
          `${what}: ${name}, column ${JSON.stringify(feature)}, ${rowName(series, row)}: ${typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? 'undefined')} is not a finite number`,
        );
      }
    }
  }
  return rows;
}

function checkDates(series: TimeSeries, name: string, what: string, rows: number): void {
  const dates = series.dates as readonly unknown[];
  if (!Array.isArray(dates)) {
    throw new TypeError(
      `${what}: ${name}, dates must be an array of strings, got ${describe(dates)}`,
    );
  }
  if (dates.length !== rows) {
    throw new ForecastingDataError(`${what}: ${name} has ${dates.length} dates for ${rows} rows`);
  }
  let previous: { text: string; form: string } | undefined;
  dates.forEach((date, row) => {
    const parsed = typeof date === 'string' ? parseSeriesDate(date) : undefined;
    if (!parsed) {
      throw new ForecastingDataError(
        `${what}: ${name}, row ${row + 1}: date ${JSON.stringify(date)} is not YYYY, YYYY-MM or YYYY-MM-DD`,
      );
    }
    const text = date as string;
    if (previous && parsed.form !== previous.form) {
      throw new ForecastingDataError(
        `${what}: ${name}, row ${row + 1}: date ${JSON.stringify(text)} is ${parsed.form} but row 1 is ${previous.form}; use one form`,
      );
    }
    // One form, zero-padded: the text order is the date order.
    if (previous && text <= previous.text) {
      throw new ForecastingDataError(
        `${what}: ${name}, row ${row + 1}: date ${JSON.stringify(text)} ${text === previous.text ? 'repeats' : 'comes before'} the date of row ${row} (${JSON.stringify(previous.text)}); dates must be ascending`,
      );
    }
    previous = { text, form: parsed.form };
  });
}

/**
 * The data as a list, each series checked (columns present, equal lengths, finite values, dates
 * count and order, targetsFrom in range); errors name `what` ("training data"), the series, the
 * column and the row/date.
 */
export function checkSeries(
  data: SeriesData,
  what: string,
  features: readonly string[],
): TimeSeries[] {
  const list = seriesShapes(data, what);
  let dated: { form: string; index: number } | undefined;
  return list.map((series, index) => {
    const name = seriesName(series, index, list.length);
    const rows = checkColumns(series, name, what, features);
    // One date form across the series too: evaluate's from/to compare dates as text.
    const form =
      series.dates?.[0] !== undefined ? parseSeriesDate(series.dates[0])?.form : undefined;
    if (form !== undefined) {
      if (dated && dated.form !== form) {
        const other = seriesName(list[dated.index] as TimeSeries, dated.index, list.length);
        throw new ForecastingDataError(
          `${what}: ${name} has ${form} dates but ${other} has ${dated.form} dates; use one form across the series`,
        );
      }
      dated ??= { form, index };
    }
    const { targetsFrom } = series;
    if (
      targetsFrom !== undefined &&
      !(Number.isInteger(targetsFrom) && targetsFrom >= 0 && targetsFrom < rows)
    ) {
      throw new ForecastingDataError(
        `${what}: ${name}: targetsFrom must be a row index in [0, ${rows}) (the series has ${rows} rows), got ${targetsFrom}`,
      );
    }
    return series;
  });
}
