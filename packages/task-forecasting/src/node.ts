// @recurrent/task-forecasting/node: the forecasting plug-in with what Node and the CLI need beside
// it: reading a series CSV (a date column found by its header or its cells, or named, or none),
// the chronological split `recurrent train` makes (--test-size held back, --val-size for
// validation), --target and --features applied to the spec, a digest of the series for checkpoint
// identity, and the tables `recurrent train` and `recurrent eval` print (the model beside the naive
// and seasonal-naive baselines). Everything in the main entry is re-exported.
import { createHash } from 'node:crypto';
import {
  type EpochRecord,
  type ModelSpec,
  registerTask,
  TaskError,
  type TaskNodeSupport,
  type TaskOptionValues,
} from '@recurrent/core';
import { DataError, parseDelimited, parseSeriesCsv } from '@recurrent/data';
import { readTextFile } from '@recurrent/data/node';
import type { ForecastEvaluation, ForecastScores, MethodReport, TimeSeries } from './contract.js';
import type { ForecastingTask } from './forecasting-task.js';
import { forecastingPlugin } from './plugin.js';
import { splitSeries } from './split.js';

export * from './index.js';

export interface SeriesFileOptions {
  /**
   * The date column by header name, or "none" for a file without one. Default: the first column
   * when its header is a date word (date, month, time, timestamp, year, day, week, period, ds) or
   * every cell of it is a YYYY-MM or YYYY-MM-DD date; otherwise none.
   */
  dateColumn?: string;
  /** The value columns to read, by header name (default: every column but the date column). */
  columns?: readonly string[];
}

const dateWords = new Set([
  'date',
  'month',
  'time',
  'timestamp',
  'year',
  'day',
  'week',
  'period',
  'ds',
]);
const monthOrDay = /^\d{4}-\d{2}(-\d{2})?$/;

/**
 * The date column a file is read with when none is named (see SeriesFileOptions.dateColumn), and
 * what gave it away.
 */
function detectDateColumn(
  text: string,
  path: string,
): { name: string; by: 'header' | 'cells' } | undefined {
  const table = parseDelimited(text, path, { delimiter: ',', header: true });
  const first = table.header?.[0];
  if (first === undefined || (table.header?.length ?? 0) < 2) return undefined;
  if (dateWords.has(first.trim().toLowerCase())) return { name: first, by: 'header' };
  const cells = table.rows.map((row) => (row.fields[0] ?? '').trim());
  const dated = cells.length > 0 && cells.every((cell) => monthOrDay.test(cell));
  return dated ? { name: first, by: 'cells' } : undefined;
}

/** A series file as read, with the date column it was read with. */
interface SeriesFile {
  series: TimeSeries;
  dateColumn: string | undefined;
  names: string[];
}

async function readSeries(path: string, options: SeriesFileOptions): Promise<SeriesFile> {
  const text = await readTextFile(path);
  const given = options.dateColumn;
  const detected = given === undefined ? detectDateColumn(text, path) : undefined;
  const dateColumn = given === 'none' ? undefined : (given ?? detected?.name);
  let table: ReturnType<typeof parseSeriesCsv>;
  try {
    table = parseSeriesCsv(text, path, {
      ...(dateColumn !== undefined && { dateColumn }),
      ...(options.columns !== undefined && { columns: [...options.columns] }),
    });
  } catch (error) {
    // A first column taken for the dates unasked may hold something else: say how to read it.
    if (!(error instanceof DataError) || detected === undefined) throw error;
    if (!/^date .* is not YYYY/.test(error.problem)) throw error;
    throw new DataError(
      error.source,
      error.line,
      `${error.problem} (the first column "${detected.name}" was taken for the dates by its ${detected.by === 'header' ? 'header' : 'cells'}; --date-column none reads it as values, --date-column <name> names another)`,
    );
  }
  const series: TimeSeries = {
    columns: table.columns,
    ...(table.dates !== undefined && { dates: table.dates }),
    source: path,
  };
  return { series, dateColumn, names: table.names };
}

/**
 * One series from a CSV file (a header row, numbers in every value column; errors name file, line
 * and column): the `columns` asked for, with the dates of the date column (see `dateColumn`).
 */
export async function readSeriesFile(
  path: string,
  options: SeriesFileOptions = {},
): Promise<TimeSeries> {
  return (await readSeries(path, options)).series;
}

function rowCount(series: TimeSeries): number {
  return Object.values(series.columns)[0]?.length ?? 0;
}

/** "--features a,b": the names, each once, none empty. */
function columnList(value: string, option: string): [string, ...string[]] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new TaskError(`--${option} ${value}: expected column names separated by commas`);
  }
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new TaskError(`--${option} ${value}: column "${repeated}" is named twice`);
  }
  return names as [string, ...string[]];
}

/**
 * A part's size: a row count (1 or more; 0 for none where `zero` allows it) or a fraction in
 * (0, 1), as the split takes it.
 */
function sizeOption(options: TaskOptionValues, name: string, zero = false): number | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  const count = /^\d+$/.test(value) ? Number(value) : undefined;
  if (count !== undefined && (count >= 1 || (zero && count === 0))) return count;
  const fraction = /^0?\.\d+$/.test(value) ? Number(value) : undefined;
  if (fraction !== undefined && fraction > 0 && fraction < 1) return fraction;
  throw new TaskError(
    `--${name} ${value}: expected a row count (${zero ? '0 for none' : '1 or more'}) or a fraction between 0 and 1`,
  );
}

/** Where rows [start, end) lie: "rows 85-96 (1956-01 … 1956-12)". */
function rowsText(series: TimeSeries, start: number, end: number): string {
  const rows = `rows ${start + 1}-${end}`;
  const dates = series.dates;
  return dates ? `${rows} (${dates[start]} … ${dates[end - 1]})` : rows;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** A size as rows: a count as given, a fraction of `of` rows rounded (never to 0). */
function sizeRows(size: number, of: number, option: string, options: TaskOptionValues): number {
  if (size >= 1 || size === 0) return size;
  const rows = Math.round(size * of);
  if (rows === 0) {
    throw new TaskError(
      `--${option} ${options[option]}: ${size} of ${of} rows rounds to 0 rows; give a count`,
    );
  }
  return rows;
}

/**
 * The rows `recurrent train` holds back: --test-size at the end, and before it --val-size or its
 * default (a tenth of the rows before the test part, enough for one validation window); refused by
 * option name when nothing would be left to train on.
 */
function partRows(
  options: TaskOptionValues,
  rows: number,
  horizon: number,
  path: string,
): { test: number; validation: number; defaultValidation: boolean } {
  const testSize = sizeOption(options, 'test-size');
  const test = testSize === undefined ? 0 : sizeRows(testSize, rows, 'test-size', options);
  if (test >= rows) {
    throw new TaskError(
      `--test-size ${options['test-size']}: ${path} has ${plural(rows, 'row')}, so no row would be left for training`,
    );
  }
  const before = rows - test;
  const validationSize = sizeOption(options, 'val-size', true);
  const validation =
    validationSize === undefined
      ? Math.max(Math.round(before / 10), horizon + 1)
      : sizeRows(validationSize, before, 'val-size', options);
  if (validation >= before) {
    throw new TaskError(
      `--val-size ${options['val-size'] ?? `default ${validation}`}: ${path} has ${plural(before, 'row')} before the test part, so no row would be left for training`,
    );
  }
  return { test, validation, defaultValidation: validationSize === undefined };
}

/** The spec's value columns to read, or undefined for every value column of the file. */
function specColumns(spec: ModelSpec): readonly string[] | undefined {
  return spec.forecasting?.features;
}

/** --target names a column of the file (the spec's features, when given, were read by name). */
function checkTargetOption(file: SeriesFile, options: TaskOptionValues, path: string): void {
  const target = options.target;
  if (target === undefined || file.names.includes(target)) return;
  const dates =
    file.dateColumn === target
      ? ` ("${target}" is the date column; --date-column none reads it as values)`
      : '';
  throw new TaskError(
    `--target ${target}: ${path} has no value column "${target}" (its value columns: ${file.names.join(', ')})${dates}`,
  );
}

/** What the file holds: "144 rows of Passengers in a.csv, 1949-01 … 1960-12 (dates from "Month")". */
function fileNote(file: SeriesFile, path: string): string {
  const rows = rowCount(file.series);
  const dates = file.series.dates;
  const when = dates
    ? `, ${dates[0]} … ${dates[rows - 1]} (dates from column "${file.dateColumn}")`
    : ' (no date column: forecast steps are numbered +1, +2, ...)';
  return `data: ${plural(rows, 'row')} of ${file.names.join(', ')} in ${path}${when}`;
}

/** The notes on --target / --features (applied to the spec by specFromOptions). */
function overrideNotes(options: TaskOptionValues): string[] {
  return [
    ...(options.features !== undefined
      ? [`forecasting.features from --features: ${options.features}`]
      : []),
    ...(options.target !== undefined
      ? [`forecasting.targets from --target: ${options.target}`]
      : []),
  ];
}

function hashSeries(hash: ReturnType<typeof createHash>, series: TimeSeries | undefined): void {
  if (series === undefined) {
    hash.update('null');
    return;
  }
  const names = Object.keys(series.columns);
  hash.update(JSON.stringify([names, series.targetsFrom ?? 0, series.dates ?? null]));
  for (const name of names) {
    const values = Float64Array.from(series.columns[name] as ArrayLike<number>);
    hash.update(new Uint8Array(values.buffer));
  }
}

function seriesList(
  data: TimeSeries | readonly TimeSeries[] | undefined,
): (TimeSeries | undefined)[] {
  if (data === undefined) return [undefined];
  return Array.isArray(data) ? [...(data as readonly TimeSeries[])] : [data as TimeSeries];
}

// Report formatting: errors in the data's units, percentages, and MASE (below 1 beats naive).
const value = (x: number) =>
  Number.isNaN(x) ? 'n/a' : Math.abs(x) >= 1e4 ? x.toFixed(0) : x.toPrecision(4);
const percent = (x: number) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(2)}%`);
const ratio = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));

function methods(target: ForecastEvaluation['targets'][string]): [string, MethodReport][] {
  return [
    ['model', target.model],
    ['naive', target.naive],
    ...(target.seasonalNaive
      ? [['seasonal naive', target.seasonalNaive] as [string, MethodReport]]
      : []),
  ];
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] as readonly string[]).map((_, c) =>
    Math.max(...rows.map((row) => (row[c] ?? '').length)),
  );
  return rows.map((row) =>
    row
      .map((cell, c) =>
        c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number),
      )
      .join('  ')
      .trimEnd(),
  );
}

function summary(e: ForecastEvaluation): string {
  const span = e.from !== undefined ? ` from ${e.from} to ${e.to}` : '';
  const scores = Object.entries(e.targets).map(([name, t]) => {
    const baselines = [
      `naive ${value(t.naive.overall.rmse)}`,
      ...(t.seasonalNaive ? [`seasonal naive ${value(t.seasonalNaive.overall.rmse)}`] : []),
    ];
    return `${name} RMSE ${value(t.model.overall.rmse)} (${baselines.join(', ')})`;
  });
  return `${plural(e.windows, 'forecast')}${span}, horizon ${e.horizon}: ${scores.join('; ')}`;
}

/** The lines `recurrent eval` prints: a summary, then model and baselines side by side per target. */
export function describeForecastEvaluation(e: ForecastEvaluation): string[] {
  const lines = [
    summary(e),
    `loss ${e.loss.toFixed(4)} (as training computes it)${e.season !== undefined ? `; season ${e.season}` : ''}; MASE = MAE / MAE of the one-step naive forecast on the history`,
  ];
  for (const [name, target] of Object.entries(e.targets)) {
    const rows = methods(target);
    lines.push(
      ...table([
        [name, 'MAE', 'RMSE', 'MAPE', 'sMAPE', 'MASE'],
        ...rows.map(([method, r]) => [
          `  ${method}`,
          value(r.overall.mae),
          value(r.overall.rmse),
          percent(r.overall.mape),
          percent(r.overall.smape),
          ratio(r.mase),
        ]),
      ]),
    );
    if (e.horizon > 1) {
      lines.push(
        ...table([
          [`${name} RMSE per step`, ...rows.map(([method]) => method)],
          ...Array.from({ length: e.horizon }, (_, h) => [
            `  +${h + 1}`,
            ...rows.map(([, r]) => value((r.steps[h] as ForecastScores).rmse)),
          ]),
        ]),
      );
    }
  }
  // What the numbers above do not show: a baseline scored on fewer origins, series left out.
  for (const note of e.notes ?? []) lines.push(`note: ${note}`);
  return lines;
}

export const forecastingNode: TaskNodeSupport<ForecastingTask> = {
  // --features and --target replace the spec's columns; a target must be one of the features.
  specFromOptions(spec, options) {
    const section = spec.forecasting;
    if ((options.target === undefined && options.features === undefined) || !section) return spec;
    const features =
      options.features !== undefined ? columnList(options.features, 'features') : section.features;
    const targets =
      options.target !== undefined ? ([options.target] as [string, ...string[]]) : section.targets;
    const outside = features && targets ? targets.filter((t) => !features.includes(t)) : [];
    if (outside.length > 0) {
      throw new TaskError(
        options.target !== undefined
          ? `--target ${options.target} is not one of the features (${features?.join(', ')}); add it to --features`
          : `--features ${options.features} leaves out the spec's target ${outside.map((t) => `"${t}"`).join(', ')} (forecasting.targets); add it or give --target`,
      );
    }
    return {
      ...spec,
      forecasting: {
        ...section,
        ...(features !== undefined && { features }),
        ...(targets !== undefined && { targets }),
      },
    };
  },

  async readTrainingData(path, options, spec) {
    const columns = specColumns(spec);
    const file = await readSeries(path, {
      ...(options['date-column'] !== undefined && { dateColumn: options['date-column'] }),
      ...(columns !== undefined && { columns }),
    });
    checkTargetOption(file, options, path);
    const rows = rowCount(file.series);
    const horizon = spec.forecasting?.horizon ?? 1;
    const sizes = partRows(options, rows, horizon, path);
    const parts = splitSeries(file.series, {
      ...(sizes.test > 0 && { testSize: sizes.test }),
      ...(sizes.validation > 0 && { validationSize: sizes.validation }),
    });
    const trainEnd = rows - sizes.test - sizes.validation;
    const validationEnd = rows - sizes.test;
    const split = [`training: ${rowsText(file.series, 0, trainEnd)}`];
    if (parts.validation) {
      const why = sizes.defaultValidation
        ? ' (a tenth of the rows before the test part, at least horizon + 1: --val-size to choose)'
        : '';
      split.push(
        `validation: ${rowsText(file.series, trainEnd, validationEnd)}${why}, its windows reading the rows before`,
      );
    } else {
      split.push('no validation (--val-size 0)');
    }
    if (parts.test) {
      split.push(
        `test: ${rowsText(file.series, validationEnd, rows)} held back (recurrent eval --data ${path} --test-size ${sizes.test} scores them)`,
      );
    }
    return {
      train: parts.train,
      ...(parts.validation && { validation: parts.validation }),
      notes: [fileNote(file, path), ...overrideNotes(options), split.join('; ')],
    };
  },

  // The model's feature columns, by name; --test-size scores only the last rows (the rows before
  // are their history), else every forecast origin of the file.
  async readEvaluationData(path, options, task) {
    const file = await readSeries(path, {
      ...(options['date-column'] !== undefined && { dateColumn: options['date-column'] }),
      ...(task !== undefined && { columns: task.features }),
    });
    const testSize = sizeOption(options, 'test-size');
    if (testSize === undefined) return file.series;
    const rows = rowCount(file.series);
    const test = sizeRows(testSize, rows, 'test-size', options);
    if (test > rows) {
      throw new TaskError(
        `--test-size ${options['test-size']}: ${path} has only ${plural(rows, 'row')}`,
      );
    }
    return { ...file.series, targetsFrom: rows - test };
  },

  // A digest of the values rather than their JSON (a file name does not change the data).
  fingerprint({ train, validation }) {
    const hash = createHash('sha256');
    for (const part of [train, validation]) {
      const list = seriesList(part);
      hash.update(JSON.stringify(list.length));
      for (const series of list) hashSeries(hash, series);
    }
    return hash.digest('hex');
  },

  describeEvaluation: describeForecastEvaluation,

  describeMetrics(record: EpochRecord) {
    const m = record.metrics;
    if (m?.mae === undefined || m.rmse === undefined) return '';
    return `, val MAE ${value(m.mae)}, val RMSE ${value(m.rmse)}`;
  },
};

registerTask({ ...forecastingPlugin, node: forecastingNode });
