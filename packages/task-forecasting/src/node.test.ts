// The /node entry: importing it registers "forecasting" with its file readers; readSeriesFile finds
// the date column by header word or by its cells (or is told, or told none), and says how to read
// a first column it took for dates wrongly; --target / --features applied to the spec; the split
// `recurrent train` makes (test held back, validation a tenth by default) with notes naming rows and
// dates; eval data scored on its last rows; the evaluation tables and epoch words; the fingerprint.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTask, type ModelSpec, TaskError, validateSpec } from '@recurrent/core';
import { DataError } from '@recurrent/data';
import { describe, expect, it } from 'vitest';
import type { ForecastEvaluation, MethodReport, TimeSeries } from './contract.js';
import type { ForecastingTask } from './forecasting-task.js';
import { describeForecastEvaluation, forecastingNode, readSeriesFile } from './node.js';

const dir = mkdtempSync(join(tmpdir(), 'forecasting-node-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

function spec(forecasting: Record<string, unknown>): ModelSpec {
  const result = validateSpec({
    version: 1,
    name: 'node-test',
    task: 'forecasting',
    forecasting,
    layers: [
      { type: 'lstm', hiddenSize: 4, returnSequences: false },
      { type: 'dense', units: 'auto' },
    ],
    training: { epochs: 1, optimizer: { type: 'adam', lr: 0.01 } },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.spec;
}

/** `rows` months from 2000-01: month, a = 1, 2, 3..., b = 10 × a. */
function monthly(rows: number, header = 'month,a,b'): string {
  const lines = Array.from({ length: rows }, (_, i) => {
    const date = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    return `${date},${i + 1},${10 * (i + 1)}`;
  });
  return `${header}\n${lines.join('\n')}\n`;
}

const rows = (s: TimeSeries) => Object.values(s.columns)[0]?.length;

describe('the /node entry', () => {
  it('registers the forecasting task with its node support', () => {
    expect(findTask('forecasting').node).toBe(forecastingNode);
    expect(findTask('time-series-forecasting').node).toBe(forecastingNode);
  });
});

describe('readSeriesFile', () => {
  it('takes a first column named by a date word as the dates, whatever its case', async () => {
    for (const header of ['month,a,b', 'DS,a,b', 'Date,a,b', 'period,a,b']) {
      const path = write('dated.csv', monthly(3, header));
      const series = await readSeriesFile(path);
      expect(series.dates).toEqual(['2000-01', '2000-02', '2000-03']);
      expect(Object.keys(series.columns)).toEqual(['a', 'b']);
      expect(Array.from(series.columns.b as ArrayLike<number>)).toEqual([10, 20, 30]);
      expect(series.source).toBe(path);
    }
  });

  it('takes a first column of YYYY-MM or YYYY-MM-DD cells as the dates, whatever its header', async () => {
    const path = write('cells.csv', 'when,x\n2020-01-30,1\n2020-01-31,2\n2020-02-01,3\n');
    expect((await readSeriesFile(path)).dates).toEqual(['2020-01-30', '2020-01-31', '2020-02-01']);
    // Years are numbers too: only the header says a column of them is dates.
    const years = write('years.csv', 'year,x\n1990,1\n1991,2\n');
    expect((await readSeriesFile(years)).dates).toEqual(['1990', '1991']);
    const counts = write('counts.csv', 'n,x\n1990,1\n1991,2\n');
    const read = await readSeriesFile(counts);
    expect(read.dates).toBeUndefined();
    expect(Object.keys(read.columns)).toEqual(['n', 'x']);
  });

  it('reads the named date column, or none with "none", and only the columns asked for', async () => {
    const path = write('middle.csv', 'a,day,b\n1,2021-03-01,5\n2,2021-03-02,6\n');
    const named = await readSeriesFile(path, { dateColumn: 'day' });
    expect(named.dates).toEqual(['2021-03-01', '2021-03-02']);
    expect(Object.keys(named.columns)).toEqual(['a', 'b']);
    const months = write('months.csv', monthly(2));
    const none = await readSeriesFile(months, { dateColumn: 'none', columns: ['b'] });
    expect(none.dates).toBeUndefined();
    expect(Object.keys(none.columns)).toEqual(['b']);
    // Without `columns`, "none" reads the month column as values: its cells are no numbers.
    await expect(readSeriesFile(months, { dateColumn: 'none' })).rejects.toThrow(
      `${months}:2: non-numeric value "2000-01" in column "month"`,
    );
  });

  it('says how to read a first column it took for dates by its header when its cells are not dates', async () => {
    const path = write('us-dates.csv', 'Date,x\n01/02/2020,1\n01/03/2020,2\n');
    const error = await readSeriesFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(
      `${path}:2: date "01/02/2020" in column "Date" is not YYYY, YYYY-MM or YYYY-MM-DD (the first column "Date" was taken for the dates by its header; --date-column none reads it as values, --date-column <name> names another)`,
    );
    // Taken by its cells: a month that does not exist.
    const month13 = write('month-13.csv', 'when,x\n2020-12,1\n2020-13,2\n');
    await expect(readSeriesFile(month13)).rejects.toThrow(
      `${month13}:3: date "2020-13" in column "when" is not YYYY, YYYY-MM or YYYY-MM-DD (the first column "when" was taken for the dates by its cells; --date-column none reads it as values, --date-column <name> names another)`,
    );
    // Named by the user: the plain error.
    await expect(readSeriesFile(path, { dateColumn: 'Date' })).rejects.toThrow(/YYYY-MM-DD$/);
  });

  it('keeps the data errors of the CSV reader: file, line and column', async () => {
    const path = write('gap.csv', 'month,a\n2000-01,1\n2000-02,\n');
    await expect(readSeriesFile(path)).rejects.toThrow(`${path}:3: missing value in column "a"`);
    const unsorted = write('unsorted.csv', 'month,a\n2000-02,1\n2000-01,2\n');
    await expect(readSeriesFile(unsorted)).rejects.toThrow(/:3: dates out of order/);
  });
});

describe('specFromOptions (--target, --features)', () => {
  const base = spec({ window: 4, horizon: 2 });
  const apply = (s: ModelSpec, options: Record<string, string>) =>
    forecastingNode.specFromOptions?.(s, options) as ModelSpec;

  it('returns the spec itself without the options, and replaces the columns with them', () => {
    expect(apply(base, { 'test-size': '3' })).toBe(base);
    const both = apply(base, { features: 'a, b', target: 'b' });
    expect(both.forecasting).toEqual({ ...base.forecasting, features: ['a', 'b'], targets: ['b'] });
    expect(base.forecasting?.features).toBeUndefined();
    expect(apply(base, { target: 'a' }).forecasting?.targets).toEqual(['a']);
  });

  it('refuses a target outside the features, an empty or repeated name', () => {
    expect(() => apply(base, { features: 'a,b', target: 'c' })).toThrow(
      new TaskError('--target c is not one of the features (a, b); add it to --features'),
    );
    const withTargets = spec({ window: 4, features: ['a', 'b'], targets: ['b'] });
    expect(() => apply(withTargets, { features: 'a' })).toThrow(
      `--features a leaves out the spec's target "b" (forecasting.targets); add it or give --target`,
    );
    expect(() => apply(base, { features: 'a,,b' })).toThrow(
      '--features a,,b: expected column names separated by commas',
    );
    expect(() => apply(base, { features: 'a,b,a' })).toThrow('column "a" is named twice');
  });
});

describe('readTrainingData', () => {
  const path = write('thirty.csv', monthly(30));
  const horizon2 = spec({ window: 4, horizon: 2 });

  it('holds back --test-size rows and validates on a tenth of the rest, at least horizon + 1', async () => {
    const data = await forecastingNode.readTrainingData(path, { 'test-size': '6' }, horizon2);
    // 24 rows before the test part: a tenth rounds to 2, less than horizon + 1 = 3.
    expect(rows(data.train as TimeSeries)).toBe(21);
    const validation = data.validation as TimeSeries;
    expect(rows(validation)).toBe(24);
    expect(validation.targetsFrom).toBe(21);
    expect(data.notes).toEqual([
      `data: 30 rows of a, b in ${path}, 2000-01 … 2002-06 (dates from column "month")`,
      `training: rows 1-21 (2000-01 … 2001-09); validation: rows 22-24 (2001-10 … 2001-12) (a tenth of the rows before the test part, at least horizon + 1: --val-size to choose), its windows reading the rows before; test: rows 25-30 (2002-01 … 2002-06) held back (recurrent eval --data ${path} --test-size 6 scores them)`,
    ]);
  });

  it('takes fractions, --val-size 0 for none, and notes --target / --features', async () => {
    const data = await forecastingNode.readTrainingData(
      path,
      { 'test-size': '0.2', 'val-size': '0', target: 'b', features: 'a,b' },
      spec({ window: 4, horizon: 2, features: ['a', 'b'], targets: ['b'] }),
    );
    expect(rows(data.train as TimeSeries)).toBe(24);
    expect(data.validation).toBeUndefined();
    expect(data.notes.slice(1)).toEqual([
      'forecasting.features from --features: a,b',
      'forecasting.targets from --target: b',
      `training: rows 1-24 (2000-01 … 2001-12); no validation (--val-size 0); test: rows 25-30 (2002-01 … 2002-06) held back (recurrent eval --data ${path} --test-size 6 scores them)`,
    ]);
  });

  it("reads only the spec's features, and refuses a --target the file lacks, naming its columns", async () => {
    const onlyB = await forecastingNode.readTrainingData(
      path,
      {},
      spec({ window: 4, features: ['b'] }),
    );
    expect(Object.keys((onlyB.train as TimeSeries).columns)).toEqual(['b']);
    await expect(forecastingNode.readTrainingData(path, { target: 'c' }, horizon2)).rejects.toThrow(
      `--target c: ${path} has no value column "c" (its value columns: a, b)`,
    );
    await expect(
      forecastingNode.readTrainingData(path, { target: 'month' }, horizon2),
    ).rejects.toThrow('("month" is the date column; --date-column none reads it as values)');
  });

  it('refuses sizes that are no count or fraction, by option and value', async () => {
    for (const [name, value] of [
      ['test-size', '0'],
      ['test-size', '1.5'],
      ['test-size', 'ten'],
      ['val-size', '-2'],
      ['val-size', '1.0'],
    ]) {
      await expect(
        forecastingNode.readTrainingData(path, { [name as string]: value }, horizon2),
      ).rejects.toThrow(`--${name} ${value}: expected a row count`);
    }
  });
});

describe('part sizes that leave nothing to train on', () => {
  const path = write('ten.csv', monthly(10));
  const horizon2 = spec({ window: 2, horizon: 2 });
  const read = (options: Record<string, string>) =>
    forecastingNode.readTrainingData(path, options, horizon2);

  it('are refused by option name and value, with the row counts', async () => {
    await expect(read({ 'test-size': '10' })).rejects.toThrow(
      `--test-size 10: ${path} has 10 rows, so no row would be left for training`,
    );
    await expect(read({ 'test-size': '0.99' })).rejects.toThrow(
      `--test-size 0.99: ${path} has 10 rows, so no row would be left for training`,
    );
    await expect(read({ 'test-size': '0.01' })).rejects.toThrow(
      '--test-size 0.01: 0.01 of 10 rows rounds to 0 rows; give a count',
    );
    await expect(read({ 'test-size': '2', 'val-size': '8' })).rejects.toThrow(
      `--val-size 8: ${path} has 8 rows before the test part, so no row would be left for training`,
    );
    // The default validation part (at least horizon + 1 = 3 rows) of 3 rows before the test part.
    await expect(read({ 'test-size': '7' })).rejects.toThrow(
      `--val-size default 3: ${path} has 3 rows before the test part`,
    );
  });
});

describe('readEvaluationData', () => {
  const path = write('eval.csv', monthly(30));

  it('scores the last --test-size rows with the rows before as history, else the whole file', async () => {
    const last = (await forecastingNode.readEvaluationData(path, {
      'test-size': '6',
    })) as TimeSeries;
    expect(rows(last)).toBe(30);
    expect(last.targetsFrom).toBe(24);
    const all = (await forecastingNode.readEvaluationData(path, {})) as TimeSeries;
    expect(all.targetsFrom ?? 0).toBe(0);
    const fraction = (await forecastingNode.readEvaluationData(path, {
      'test-size': '0.5',
    })) as TimeSeries;
    expect(fraction.targetsFrom).toBe(15);
    await expect(forecastingNode.readEvaluationData(path, { 'test-size': '31' })).rejects.toThrow(
      `--test-size 31: ${path} has only 30 rows`,
    );
  });

  it("reads the model's feature columns by name", async () => {
    const model = { features: ['b'] } as unknown as ForecastingTask;
    const read = (await forecastingNode.readEvaluationData(path, {}, model)) as TimeSeries;
    expect(Object.keys(read.columns)).toEqual(['b']);
  });
});

const method = (rmse: number, mase: number | null, steps: number[] = []): MethodReport => ({
  steps: steps.map((r) => ({ mae: r / 2, rmse: r, mape: 1, smape: 1 })),
  overall: { mae: rmse / 2, rmse, mape: 12.5, smape: Number.NaN },
  mase,
});

describe('describeEvaluation and describeMetrics', () => {
  it('prints a summary, then model, naive and seasonal naive side by side', () => {
    const e: ForecastEvaluation = {
      horizon: 1,
      windows: 48,
      loss: 0.1,
      season: 12,
      targets: {
        Passengers: {
          model: method(25.1, 0.5),
          naive: method(48, 1),
          seasonalNaive: method(41.9, null),
        },
      },
      from: '1957-01',
      to: '1960-12',
    };
    expect(describeForecastEvaluation(e)).toEqual([
      '48 forecasts from 1957-01 to 1960-12, horizon 1: Passengers RMSE 25.10 (naive 48.00, seasonal naive 41.90)',
      'loss 0.1000 (as training computes it); season 12; MASE = MAE / MAE of the one-step naive forecast on the history',
      'Passengers          MAE   RMSE    MAPE  sMAPE   MASE',
      '  model           12.55  25.10  12.50%    n/a  0.500',
      '  naive           24.00  48.00  12.50%    n/a  1.000',
      '  seasonal naive  20.95  41.90  12.50%    n/a    n/a',
    ]);
    expect(forecastingNode.describeEvaluation(e)).toEqual(describeForecastEvaluation(e));
  });

  it('adds RMSE per step for a horizon over 1, and leaves out seasonal naive without a season', () => {
    const e: ForecastEvaluation = {
      horizon: 2,
      windows: 1,
      loss: 1,
      targets: { y: { model: method(2, 0.5, [1, 3]), naive: method(4, 1, [2, 5.5]) } },
    };
    const lines = describeForecastEvaluation(e);
    expect(lines[0]).toBe('1 forecast, horizon 2: y RMSE 2.000 (naive 4.000)');
    expect(lines.slice(2)).toEqual([
      'y          MAE   RMSE    MAPE  sMAPE   MASE',
      '  model  1.000  2.000  12.50%    n/a  0.500',
      '  naive  2.000  4.000  12.50%    n/a  1.000',
      'y RMSE per step  model  naive',
      '  +1             1.000  2.000',
      '  +2             3.000  5.500',
    ]);
  });

  it("prints the evaluation's notes after the tables", () => {
    const note =
      'seasonal naive scored on 132 of the 138 origins: 6 have less than a season (12 rows) of history before them; the model and naive are scored on all 138';
    const e: ForecastEvaluation = {
      horizon: 1,
      windows: 138,
      loss: 1,
      season: 12,
      targets: {
        y: { model: method(2, 0.5), naive: method(4, 1), seasonalNaive: method(3, 0.8) },
      },
      notes: [note],
    };
    const lines = describeForecastEvaluation(e);
    expect(lines.at(-1)).toBe(`note: ${note}`);
    expect(lines.at(-2)).toMatch(/^ {2}seasonal naive/);
  });

  it('says the validation MAE and RMSE of an epoch, or nothing without them', () => {
    const record = { metrics: { mae: 1.5, rmse: 2.25 } } as never;
    expect(forecastingNode.describeMetrics?.(record)).toBe(', val MAE 1.500, val RMSE 2.250');
    expect(forecastingNode.describeMetrics?.({} as never)).toBe('');
  });
});

describe('fingerprint', () => {
  const series = (values: number[], source = 'a.csv'): TimeSeries => ({
    columns: { y: Float64Array.from(values) },
    source,
  });
  const print = (train: TimeSeries, validation?: TimeSeries) =>
    forecastingNode.fingerprint?.({ train, ...(validation && { validation }) });

  it('follows the values, the history mark and the parts, not the file name', () => {
    const base = print(series([1, 2, 3]), { ...series([1, 2, 3, 4]), targetsFrom: 3 });
    expect(print(series([1, 2, 3], 'b.csv'), { ...series([1, 2, 3, 4]), targetsFrom: 3 })).toBe(
      base,
    );
    expect(print(series([1, 2, 3.5]), { ...series([1, 2, 3, 4]), targetsFrom: 3 })).not.toBe(base);
    expect(print(series([1, 2, 3]), { ...series([1, 2, 3, 4]), targetsFrom: 2 })).not.toBe(base);
    expect(print(series([1, 2, 3]))).not.toBe(base);
  });
});
