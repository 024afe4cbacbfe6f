// CSV and TSV: one record per line, fields split on the delimiter; CSV fields may be quoted
// (RFC 4180: "" inside quotes is a quote, quoted fields may hold delimiters and newlines). TSV is
// read without quoting, as GLUE's files need (their sentences contain bare quotes). Every row must
// have the header's field count; a row that does not is an error naming its line, or skipped and
// counted when asked.
import { DataError } from '../errors.js';

export interface DelimitedOptions {
  delimiter?: ',' | '\t';
  /** Quoted fields (default: true for CSV, false for TSV). */
  quoting?: boolean;
  /** The first row names the columns (default true). */
  header?: boolean;
  /** Skip rows with a wrong field count (counted in `skipped`) instead of failing. */
  skipBadRows?: boolean;
}

export interface Row {
  /** 1-based line where the row starts. */
  line: number;
  fields: string[];
}

export interface Table {
  header: string[] | undefined;
  rows: Row[];
  skipped: Array<{ line: number; problem: string }>;
}

function splitRecords(text: string, delimiter: string, quoting: boolean, source: string): Row[] {
  const rows: Row[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let ended = false;
    while (!ended) {
      if (quoting && text[i] === '"' && field === '') {
        i++;
        for (;;) {
          if (i >= text.length)
            throw new DataError(source, start, 'a quoted field is never closed');
          const ch = text[i] as string;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        const next = text[i];
        if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
          throw new DataError(
            source,
            line,
            `text after a closing quote: ${JSON.stringify(text.slice(i, i + 10))}`,
          );
        }
      }
      const ch = text[i];
      if (ch === undefined || ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
        fields.push(field);
        i += ch === '\r' ? 2 : 1;
        line++;
        ended = true;
      } else if (ch === delimiter) {
        fields.push(field);
        field = '';
        i++;
      } else {
        field += ch;
        i++;
      }
    }
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: start, fields });
  }
  return rows;
}

export function parseDelimited(
  text: string,
  source: string,
  options: DelimitedOptions = {},
): Table {
  const delimiter = options.delimiter ?? (source.toLowerCase().endsWith('.csv') ? ',' : '\t');
  const quoting = options.quoting ?? delimiter === ',';
  const records = splitRecords(text, delimiter, quoting, source);
  if (records.length === 0) throw new DataError(source, undefined, 'no rows (the file is empty)');
  const headerRow = options.header === false ? undefined : records.shift();
  const width = headerRow?.fields.length ?? (records[0]?.fields.length as number);
  const rows: Row[] = [];
  const skipped: Table['skipped'] = [];
  for (const row of records) {
    if (row.fields.length === width) {
      rows.push(row);
      continue;
    }
    const problem = `${row.fields.length} fields where ${headerRow ? 'the header has' : 'the first row has'} ${width}`;
    if (!options.skipBadRows)
      throw new DataError(source, row.line, `${problem} (pass skipBadRows to skip such rows)`);
    skipped.push({ line: row.line, problem });
  }
  return { header: headerRow?.fields, rows, skipped };
}

/** A column's index, by header name or 0-based index; the error lists the columns there are. */
export function columnIndex(table: Table, column: string | number, source: string): number {
  const width = table.header?.length ?? table.rows[0]?.fields.length ?? 0;
  if (typeof column === 'number') {
    if (Number.isInteger(column) && column >= 0 && column < width) return column;
    throw new DataError(
      source,
      undefined,
      `column ${column} does not exist (the rows have ${width} columns, 0-${width - 1})`,
    );
  }
  const index = table.header?.indexOf(column) ?? -1;
  if (index < 0) {
    throw new DataError(
      source,
      undefined,
      table.header
        ? `no column named "${column}" (columns: ${table.header.join(', ')})`
        : `no header row to find column "${column}" in; name the column by index`,
    );
  }
  return index;
}
