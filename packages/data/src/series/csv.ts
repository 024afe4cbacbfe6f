// Numeric series from a CSV file: one column per series, an optional date column kept as written.
// Every cell is checked here so that a window later never holds a NaN: a missing value or a
// non-numeric cell is an error naming file, line and column, never a silent gap.
import { DataError } from '../errors.js';
import { columnIndex, parseDelimited } from '../readers/delimited.js';

export interface SeriesCsvOptions {
  /** The date column, by header name or 0-based index (default: none, rows are in file order). */
  dateColumn?: string | number;
  /** The value columns to read (default: every column but the date column). */
  columns?: string[];
}

export interface SeriesTable {
  /** The dates as written in the file, when a date column was given. */
  dates?: string[];
  columns: Record<string, Float64Array>;
  /** The value columns in the order read. */
  names: string[];
}

// Plain decimals only: Number() would also take hex ("0x10") and "Infinity".
const decimalPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const datePattern = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** A sortable key for YYYY, YYYY-MM or YYYY-MM-DD, and which of the three forms it is. */
function dateKey(text: string): { key: number; form: number } | undefined {
  const match = datePattern.exec(text.trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = match[2] === undefined ? 1 : Number(match[2]);
  const day = match[3] === undefined ? 1 : Number(match[3]);
  if (month < 1 || month > 12) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return undefined;
  const form = match[3] !== undefined ? 3 : match[2] !== undefined ? 2 : 1;
  return { key: (year * 100 + month) * 100 + day, form };
}

const formNames = ['', 'YYYY', 'YYYY-MM', 'YYYY-MM-DD'];

export function parseSeriesCsv(
  text: string,
  source: string,
  options: SeriesCsvOptions = {},
): SeriesTable {
  const table = parseDelimited(text, source, { delimiter: ',', header: true });
  const header = table.header as string[];
  if (table.rows.length === 0)
    throw new DataError(source, undefined, 'no data rows after the header');
  const dateIndex =
    options.dateColumn === undefined ? undefined : columnIndex(table, options.dateColumn, source);
  const names = options.columns ?? header.filter((_, index) => index !== dateIndex);
  if (names.length === 0) throw new DataError(source, undefined, 'no value columns to read');
  const indices = names.map((name) => {
    const index = columnIndex(table, name, source);
    if (index === dateIndex)
      throw new DataError(
        source,
        undefined,
        `column "${name}" is the date column, not a value column`,
      );
    return index;
  });
  const columns: Record<string, Float64Array> = {};
  for (const name of names) columns[name] = new Float64Array(table.rows.length);
  table.rows.forEach((row, r) => {
    names.forEach((name, c) => {
      const cell = (row.fields[indices[c] as number] as string).trim();
      if (cell === '') throw new DataError(source, row.line, `missing value in column "${name}"`);
      const value = Number(cell);
      if (!decimalPattern.test(cell) || !Number.isFinite(value))
        throw new DataError(
          source,
          row.line,
          `non-numeric value ${JSON.stringify(cell)} in column "${name}"`,
        );
      (columns[name] as Float64Array)[r] = value;
    });
  });
  if (dateIndex === undefined) return { columns, names };
  const dateName = header[dateIndex] as string;
  const dates: string[] = [];
  let previous: { key: number; form: number; line: number; text: string } | undefined;
  for (const row of table.rows) {
    const cell = (row.fields[dateIndex] as string).trim();
    const parsed = dateKey(cell);
    if (!parsed)
      throw new DataError(
        source,
        row.line,
        `date ${JSON.stringify(cell)} in column "${dateName}" is not YYYY, YYYY-MM or YYYY-MM-DD`,
      );
    if (previous && parsed.form !== previous.form)
      throw new DataError(
        source,
        row.line,
        `date ${JSON.stringify(cell)} is ${formNames[parsed.form]} but line ${previous.line} is ${formNames[previous.form]}; use one form`,
      );
    if (previous && parsed.key === previous.key)
      throw new DataError(
        source,
        row.line,
        `duplicate date ${JSON.stringify(cell)}: line ${previous.line} has the same date`,
      );
    if (previous && parsed.key < previous.key)
      throw new DataError(
        source,
        row.line,
        `dates out of order: ${JSON.stringify(cell)} comes after ${JSON.stringify(previous.text)} on line ${previous.line}`,
      );
    previous = { ...parsed, line: row.line, text: cell };
    dates.push(cell);
  }
  return { dates, columns, names };
}
