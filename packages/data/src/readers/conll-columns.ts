// CoNLL-2003-style column files: one token per line, whitespace-separated columns (token first,
// tag last by default, e.g. "EU NNP B-NP B-ORG"), a blank line between sentences, "-DOCSTART-"
// document lines skipped. No comments: a line starting with "#" is a token ("#" is a word in tweets).
import { DataError } from '../errors.js';
import { checkTagCounts, checkWrittenTag } from './conllu.js';
import type { TaggedCorpus, TokenCorpus } from './tagged-corpus.js';

interface ColumnLine {
  line: number;
  fields: string[];
}

interface ColumnFile {
  sentences: ColumnLine[][];
  /** Columns of every token line (0 when the file has none). */
  columns: number;
  /** Line of the first token line. */
  firstLine: number;
}

const blank = /^[ \t]*$/;

function lineContent(raw: string, index: number): string {
  const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  return index === 0 && content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
}

function isDocumentStart(fields: readonly string[]): boolean {
  return fields[0] === '-DOCSTART-';
}

// Only spaces and tabs separate columns: other Unicode spaces belong to the token.
const splitColumns = (content: string) => content.replace(/^[ \t]+|[ \t]+$/g, '').split(/[ \t]+/);

function readColumnFile(text: string, source: string): ColumnFile {
  const sentences: ColumnLine[][] = [];
  let current: ColumnLine[] = [];
  let columns = 0;
  let firstLine = 0;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    const content = lineContent(raw, index);
    if (blank.test(content)) {
      if (current.length > 0) sentences.push(current);
      current = [];
      continue;
    }
    const fields = splitColumns(content);
    if (isDocumentStart(fields)) continue;
    if (columns === 0) {
      columns = fields.length;
      firstLine = line;
    } else if (fields.length !== columns) {
      throw new DataError(
        source,
        line,
        `${fields.length} column${fields.length === 1 ? '' : 's'} where the file's first token line (line ${firstLine}) has ${columns}`,
      );
    }
    current.push({ line, fields });
  }
  if (current.length > 0) sentences.push(current);
  return { sentences, columns, firstLine };
}

function checkColumnNumber(name: string, value: number, file: ColumnFile, source: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new DataError(
      source,
      undefined,
      `${name} ${JSON.stringify(value)} is not a column number (1-based: 1 is the first column)`,
    );
  }
  if (file.columns > 0 && value > file.columns) {
    throw new DataError(
      source,
      file.firstLine,
      `${name} ${value} does not exist: the token lines have ${file.columns} column${file.columns === 1 ? '' : 's'}`,
    );
  }
  return value;
}

/** Tokens and tags of each sentence (columns 1-based; default: token first, tag last). */
export function parseConllColumns(
  text: string,
  source: string,
  options: { tokenColumn?: number; tagColumn?: number } = {},
): TaggedCorpus {
  const file = readColumnFile(text, source);
  const tokenColumn = checkColumnNumber('token column', options.tokenColumn ?? 1, file, source);
  if (file.columns === 0) {
    // No token lines: nothing to read, and no last column to name.
    const tagColumn = options.tagColumn;
    if (tagColumn !== undefined) checkColumnNumber('tag column', tagColumn, file, source);
    const column = tagColumn === undefined ? 'last column' : `column ${tagColumn}`;
    return { sentences: [], empty: [], format: 'columns', column };
  }
  if (file.columns === 1 && options.tagColumn === undefined) {
    throw new DataError(
      source,
      file.firstLine,
      '1 column: a tagged file needs a token column and a tag column (token ... tag)',
    );
  }
  const tagColumn = checkColumnNumber(
    'tag column',
    options.tagColumn ?? file.columns,
    file,
    source,
  );
  if (tagColumn === tokenColumn) {
    throw new DataError(
      source,
      undefined,
      `the tag column and the token column are both column ${tagColumn}`,
    );
  }
  return {
    sentences: file.sentences.map((lines) => ({
      tokens: lines.map((l) => l.fields[tokenColumn - 1] as string),
      tags: lines.map((l) => l.fields[tagColumn - 1] as string),
      line: (lines[0] as ColumnLine).line,
    })),
    empty: [],
    format: 'columns',
    column: `column ${tagColumn}`,
  };
}

/** Tokens of each sentence (text to tag: a file with only the token column is fine). */
export function parseConllColumnTokens(
  text: string,
  source: string,
  options: { tokenColumn?: number } = {},
): TokenCorpus {
  const file = readColumnFile(text, source);
  const tokenColumn = checkColumnNumber('token column', options.tokenColumn ?? 1, file, source);
  return {
    sentences: file.sentences.map((lines) => ({
      tokens: lines.map((l) => l.fields[tokenColumn - 1] as string),
      line: (lines[0] as ColumnLine).line,
    })),
    empty: [],
    format: 'columns',
  };
}

/**
 * The column file with each token line's predicted tag appended as a last column (conlleval's
 * "token ... gold predicted"), separated as the line separates its columns (a tab if it has one,
 * else a space); blank and -DOCSTART- lines kept byte for byte.
 */
export function columnsWithTags(
  text: string,
  source: string,
  tags: readonly (readonly string[])[],
): string {
  const file = readColumnFile(text, source);
  checkTagCounts(
    file.sentences.map((lines) => ({
      tokens: lines.map((l) => l.fields[0] as string),
      line: (lines[0] as ColumnLine).line,
    })),
    tags,
    source,
  );
  const lines = text.split('\n');
  for (const [i, sentence] of file.sentences.entries()) {
    for (const [j, token] of sentence.entries()) {
      const tag = checkWrittenTag((tags[i] as readonly string[])[j], source, token.line);
      const raw = lines[token.line - 1] as string;
      const ending = raw.endsWith('\r') ? '\r' : '';
      const content = (ending ? raw.slice(0, -1) : raw).replace(/[ \t]+$/, '');
      const separator = content.includes('\t') ? '\t' : ' ';
      lines[token.line - 1] = `${content}${separator}${tag}${ending}`;
    }
  }
  return lines.join('\n');
}
