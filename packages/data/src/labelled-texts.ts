// Labelled texts for classification from TSV, CSV or JSONL text, with the text and label columns
// named or found. A header is recognized when its first row names a known text column and a known
// label column (SST-2's "sentence<TAB>label"), or when the first value of the label column is not
// among the labels below it; without one (the UCI sentences) the text is the first column and the
// label the last. Reading the file is `readLabelledFile` in `@recurrent/data/node`.
import { DataError } from './errors.js';
import { columnIndex, parseDelimited, type Table } from './readers/delimited.js';
import { parseJsonl } from './readers/jsonl.js';

export type LabelledFormat = 'tsv' | 'csv' | 'jsonl';

export interface LabelledTextOptions {
  /** Default: from the source's extension (.csv, .jsonl/.ndjson, else TSV). */
  format?: LabelledFormat;
  /** A column name, or a 0-based index as digits ("0"). */
  textColumn?: string;
  labelColumn?: string;
}

export interface LabelledTextsRead {
  texts: string[];
  labels: string[];
  /** Rows skipped as malformed (none: the readers here refuse them with their line). */
  skipped: number;
}

const textNames = ['sentence', 'text', 'review', 'content'];
const labelNames = ['label', 'sentiment', 'class', 'category'];
const formats: readonly LabelledFormat[] = ['tsv', 'csv', 'jsonl'];

/** The format `options` names, else the one `source`'s extension says (TSV by default). */
export function labelledFormat(source: string, format?: string): LabelledFormat {
  if (format !== undefined) {
    if (!(formats as readonly string[]).includes(format)) {
      throw new DataError(source, undefined, `format "${format}": expected tsv, csv or jsonl`);
    }
    return format as LabelledFormat;
  }
  const lower = source.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return 'tsv';
}

/**
 * Whether the first value of the (last) label column is a column name rather than a label: the
 * other rows use a small set of labels (0/1, pos/neg...) that does not include it.
 */
function looksLikeLabelHeader(labels: string[]): boolean {
  const [first, ...rest] = labels;
  if (first === undefined || rest.length < 2) return false;
  const set = new Set(rest);
  return set.size <= 50 && !set.has(first);
}

/** A column option: a 0-based index when numeric, else a name. */
const columnOption = (value: string | undefined) =>
  value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : value;

function fromJsonl(text: string, source: string, options: LabelledTextOptions): LabelledTextsRead {
  const { rows, skipped } = parseJsonl(text, source);
  const textKey =
    options.textColumn ?? textNames.find((k) => k in (rows[0]?.value ?? {})) ?? 'text';
  const labelKey =
    options.labelColumn ?? labelNames.find((k) => k in (rows[0]?.value ?? {})) ?? 'label';
  const texts: string[] = [];
  const labels: string[] = [];
  for (const { line, value } of rows) {
    const t = value[textKey];
    const l = value[labelKey];
    if (typeof t !== 'string') throw new DataError(source, line, `no string "${textKey}" field`);
    if (l === undefined || l === null) throw new DataError(source, line, `no "${labelKey}" field`);
    texts.push(t);
    labels.push(String(l));
  }
  return { texts, labels, skipped: skipped.length };
}

/** Texts and labels from the contents of a labelled file; errors name `source` and the line. */
export function parseLabelledTexts(
  text: string,
  source: string,
  options: LabelledTextOptions = {},
): LabelledTextsRead {
  const format = labelledFormat(source, options.format);
  if (format === 'jsonl') return fromJsonl(text, source, options);
  const delimiter = format === 'csv' ? ',' : '\t';
  // One parse without a header, then the first row becomes the header if it looks like one.
  const raw = parseDelimited(text, source, { delimiter, header: false });
  const firstRow = raw.rows[0]?.fields ?? [];
  const first = firstRow.map((f) => f.trim().toLowerCase());
  const named = [options.textColumn, options.labelColumn].some(
    (c) => c !== undefined && !/^\d+$/.test(c),
  );
  const header =
    named ||
    (first.some((f) => textNames.includes(f)) && first.some((f) => labelNames.includes(f))) ||
    looksLikeLabelHeader(raw.rows.map((r) => r.fields.at(-1)?.trim() ?? ''));
  const table: Table = header
    ? { header: firstRow, rows: raw.rows.slice(1), skipped: raw.skipped }
    : { ...raw, header: undefined };
  const width = table.header?.length ?? table.rows[0]?.fields.length ?? 0;
  const find = (names: string[], fallback: number) =>
    table.header?.findIndex((h) => names.includes(h.trim().toLowerCase())) ?? fallback;
  const textIndex = columnIndex(
    table,
    columnOption(options.textColumn) ?? Math.max(0, find(textNames, 0)),
    source,
  );
  const labelIndex = columnIndex(
    table,
    columnOption(options.labelColumn) ??
      (() => {
        const found = find(labelNames, width - 1);
        return found < 0 ? width - 1 : found;
      })(),
    source,
  );
  return {
    texts: table.rows.map((r) => r.fields[textIndex] as string),
    labels: table.rows.map((r) => (r.fields[labelIndex] as string).trim()),
    skipped: table.skipped.length,
  };
}
