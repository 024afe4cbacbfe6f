// Tagged sentences from CoNLL-U or CoNLL-2003-style column files, with the format told apart by the
// file name or its first token line. Tokens are given by the file: never re-tokenized or normalized.
import { DataError } from '../errors.js';
import { parseConllColumns, parseConllColumnTokens } from './conll-columns.js';
import { isConlluTokenLine, parseConlluTags, parseConlluTokens } from './conllu.js';

export interface TaggedSentence {
  tokens: string[];
  tags: string[];
  /** 1-based line of its first token. */
  line: number;
}

export type TaggedFormat = 'conllu' | 'columns';

export interface TaggedCorpus {
  sentences: TaggedSentence[];
  /** Blocks with no tokens (comments only), skipped: each with its line. */
  empty: Array<{ line: number }>;
  format: TaggedFormat;
  /** Where the tags came from: 'upos' | 'xpos' for CoNLL-U, 'column N' (1-based) for column files. */
  column: string;
}

/** Sentences of tokens to tag (their tag columns, if any, are not read). */
export interface TokenCorpus {
  sentences: Array<{ tokens: string[]; line: number }>;
  empty: Array<{ line: number }>;
  format: TaggedFormat;
}

export interface TaggedTextOptions {
  /** Default 'auto': a '.conllu' name or a first token line with 10 tab-separated fields and a numeric id is CoNLL-U. */
  format?: TaggedFormat | 'auto';
  /** 'upos' or 'xpos' for CoNLL-U (default upos); a 1-based number ('4' or 'column 4') for column files (default the last). */
  column?: string;
  /** 1-based token column of a column file (default 1); CoNLL-U tokens are its FORM field. */
  tokenColumn?: number;
}

/** 'conllu' or 'columns', from the source's extension or the first line that is not blank or a comment. */
export function detectTaggedFormat(text: string, source: string): TaggedFormat {
  if (/\.conllu$/i.test(source)) return 'conllu';
  for (const raw of text.split('\n')) {
    const content = (raw.endsWith('\r') ? raw.slice(0, -1) : raw).replace(/^\ufeff/, '');
    if (content.trim() === '' || content.startsWith('#')) continue;
    return isConlluTokenLine(content) ? 'conllu' : 'columns';
  }
  return 'columns';
}

function resolveFormat(
  text: string,
  source: string,
  format: TaggedTextOptions['format'],
): TaggedFormat {
  if (format === undefined || format === 'auto') return detectTaggedFormat(text, source);
  if (format === 'conllu' || format === 'columns') return format;
  throw new DataError(
    source,
    undefined,
    `format ${JSON.stringify(format)} is not "conllu", "columns" or "auto"`,
  );
}

function columnNumber(column: string, source: string): number {
  const match = /^(?:column )?(\d+)$/.exec(column.trim());
  if (!match) {
    const hint = /^(upos|xpos)$/i.test(column.trim())
      ? ' (upos and xpos are CoNLL-U columns; this file reads as whitespace-separated columns)'
      : '';
    throw new DataError(
      source,
      undefined,
      `tag column ${JSON.stringify(column)} is not a 1-based column number${hint}`,
    );
  }
  return Number(match[1]);
}

function conlluColumn(column: string, source: string, tokenColumn: number | undefined) {
  if (tokenColumn !== undefined) {
    throw new DataError(
      source,
      undefined,
      'a token column applies to column files; CoNLL-U tokens are its FORM field',
    );
  }
  const name = column.trim().toLowerCase();
  if (name === 'upos' || name === 'xpos') return name;
  throw new DataError(
    source,
    undefined,
    `tag column ${JSON.stringify(column)} is not a CoNLL-U tag column: choose "upos" or "xpos"`,
  );
}

/** Tagged sentences from a CoNLL-U or column file. */
export function parseTaggedText(
  text: string,
  source: string,
  options: TaggedTextOptions = {},
): TaggedCorpus {
  const format = resolveFormat(text, source, options.format);
  if (format === 'conllu') {
    return parseConlluTags(text, source, {
      column: conlluColumn(options.column ?? 'upos', source, options.tokenColumn),
    });
  }
  return parseConllColumns(text, source, {
    ...(options.tokenColumn !== undefined && { tokenColumn: options.tokenColumn }),
    ...(options.column !== undefined && { tagColumn: columnNumber(options.column, source) }),
  });
}

/** Sentences of tokens to tag from a CoNLL-U or column file (its tags, if any, are not needed). */
export function parseTokenText(
  text: string,
  source: string,
  options: Omit<TaggedTextOptions, 'column'> = {},
): TokenCorpus {
  const format = resolveFormat(text, source, options.format);
  if (format === 'conllu') {
    conlluColumn('upos', source, options.tokenColumn);
    return parseConlluTokens(text, source);
  }
  return parseConllColumnTokens(text, source, {
    ...(options.tokenColumn !== undefined && { tokenColumn: options.tokenColumn }),
  });
}
