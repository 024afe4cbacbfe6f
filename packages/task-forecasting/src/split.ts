// Chronological parts of one series: training rows first, then validation, then test, never
// shuffled across time. Validation and test parts keep every earlier row as history (targetsFrom
// marks where their scored targets start), as a forecaster has that history when it is used.
import { chronologicalSplit } from '@recurrent/data';
import type { TimeSeries } from './contract.js';
import { ForecastingDataError, seriesName } from './series-check.js';

export interface SeriesSplitOptions {
  /** Rows held back at the end: a count (integer ≥ 1) or a fraction in (0, 1) of all rows. */
  testSize?: number;
  /**
   * Rows before the test part used for validation: a count or a fraction of the rows before the
   * test part.
   */
  validationSize?: number;
}

/** Rows [0, end) of `series` with scored targets from `targetsFrom`. */
function head(series: TimeSeries, end: number, targetsFrom: number | undefined): TimeSeries {
  const columns: Record<string, Float64Array> = {};
  for (const [name, column] of Object.entries(series.columns)) {
    columns[name] = Float64Array.from({ length: end }, (_, i) => column[i] as number);
  }
  return {
    columns,
    ...(series.dates ? { dates: series.dates.slice(0, end) } : {}),
    ...(targetsFrom !== undefined ? { targetsFrom } : {}),
    ...(series.source !== undefined ? { source: series.source } : {}),
  };
}

function checkSize(size: number | undefined, name: string, where: string): void {
  if (size === undefined) return;
  if (!((Number.isInteger(size) && size >= 1) || (size > 0 && size < 1))) {
    throw new RangeError(
      `${where}: ${name} must be a count (integer >= 1) or a fraction in (0, 1), got ${size}`,
    );
  }
}

/**
 * train = rows [0, trainEnd); validation = rows [0, validationEnd) with targetsFrom trainEnd;
 * test = all rows with targetsFrom = n − testSize. Absent parts are undefined. Errors name sizes.
 */
export function splitSeries(
  series: TimeSeries,
  options: SeriesSplitOptions,
): { train: TimeSeries; validation?: TimeSeries; test?: TimeSeries } {
  const names = Object.keys(series.columns);
  const rows =
    names.length === 0 ? 0 : (series.columns[names[0] as string] as ArrayLike<number>).length;
  const where = `splitting ${seriesName(series, 0, 1)}`;
  checkSize(options.testSize, 'testSize', where);
  checkSize(options.validationSize, 'validationSize', where);
  const split = (length: number, size: number | undefined, name: string): number => {
    if (size === undefined) return length;
    try {
      return chronologicalSplit(length, { testSize: size }).test.start;
    } catch (error) {
      // Said again in rows, naming the size and the series (its wording says points and test).
      const rounds = (error as Error).message.includes('rounds to 0');
      const before = name === 'validationSize' ? ' before the test part' : '';
      throw new ForecastingDataError(
        rounds
          ? `${where}: ${name} ${size} of ${length} rows${before} rounds to 0 rows; give a count`
          : `${where}: ${name} ${size} leaves no training rows (${length} rows${before})`,
      );
    }
  };
  const testStart = split(rows, options.testSize, 'testSize');
  const trainEnd = split(testStart, options.validationSize, 'validationSize');
  return {
    train: head(series, trainEnd, undefined),
    ...(trainEnd < testStart ? { validation: head(series, testStart, trainEnd) } : {}),
    ...(testStart < rows ? { test: head(series, rows, testStart) } : {}),
  };
}
