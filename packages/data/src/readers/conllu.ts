// CoNLL-U (Universal Dependencies): sentences as blocks of token lines separated by blank lines,
// "# key = value" comments before them. Each token line has 10 tab-separated fields; multiword
// token ranges ("1-2") and empty nodes ("1.1") are not words of the sentence and are left out.
import { DataError } from '../errors.js';
import type { TaggedCorpus, TokenCorpus } from './tagged-corpus.js';

export interface ConlluSentence {
  /** Line of the sentence's first token. */
  line: number;
  /** Comments such as sent_id and text. */
  comments: Record<string, string>;
  forms: string[];
  /** Universal part-of-speech tags (UPOS), one per form. */
  upos: string[];
  /** Language-specific part-of-speech tags (XPOS), one per form ("_" where the treebank has none). */
  xpos: string[];
}

interface WordLine {
  line: number;
  fields: string[];
}

interface Block {
  /** Line of the block's first line (comment or token). */
  line: number;
  comments: Record<string, string>;
  words: WordLine[];
}

const tokenId = /^\d+(-\d+|\.\d+)?$/;

/** The problem of a token line, or undefined when it is well formed. */
function rowProblem(fields: readonly string[]): string | undefined {
  if (fields.length !== 10) return `${fields.length} tab-separated fields where CoNLL-U has 10`;
  if (!tokenId.test(fields[0] as string))
    return `token id "${fields[0]}" is not a number, range or decimal`;
  // The format writes "_" for a missing value; an empty field is a broken row.
  if (fields.includes(''))
    return `field ${fields.indexOf('') + 1} is empty (CoNLL-U writes "_" for no value)`;
  return undefined;
}

/** Whether a line looks like a CoNLL-U token line (for telling CoNLL-U from column files). */
export function isConlluTokenLine(content: string): boolean {
  const fields = content.split('\t');
  return fields.length === 10 && tokenId.test(fields[0] as string);
}

// Blocks between blank lines, with the words (integer ids) of each; bad rows throw or are skipped.
function conlluBlocks(
  text: string,
  source: string,
  skipBadRows: boolean,
): { blocks: Block[]; skipped: Array<{ line: number; problem: string }> } {
  const blocks: Block[] = [];
  const skipped: Array<{ line: number; problem: string }> = [];
  let current: Block | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    let content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (index === 0 && content.charCodeAt(0) === 0xfeff) content = content.slice(1);
    if (content.trim() === '') {
      if (current) blocks.push(current);
      current = undefined;
      continue;
    }
    current ??= { line, comments: {}, words: [] };
    if (content.startsWith('#')) {
      const match = /^#\s*([^=]+?)\s*=\s*(.*)$/.exec(content);
      if (match) current.comments[match[1] as string] = match[2] as string;
      continue;
    }
    const fields = content.split('\t');
    const problem = rowProblem(fields);
    if (problem) {
      if (!skipBadRows) throw new DataError(source, line, problem);
      skipped.push({ line, problem });
      continue;
    }
    if (/[-.]/.test(fields[0] as string)) continue; // multiword range or empty node
    current.words.push({ line, fields });
  }
  if (current) blocks.push(current);
  return { blocks, skipped };
}

export function parseConllu(
  text: string,
  source: string,
  options: { skipBadRows?: boolean } = {},
): { sentences: ConlluSentence[]; skipped: Array<{ line: number; problem: string }> } {
  const { blocks, skipped } = conlluBlocks(text, source, options.skipBadRows ?? false);
  const sentences = blocks
    .filter((block) => block.words.length > 0)
    .map((block) => ({
      line: (block.words[0] as WordLine).line,
      comments: block.comments,
      forms: block.words.map((w) => w.fields[1] as string),
      upos: block.words.map((w) => w.fields[3] as string),
      xpos: block.words.map((w) => w.fields[4] as string),
    }));
  return { sentences, skipped };
}

export type ConlluTagColumn = 'upos' | 'xpos';

const fieldOf: Record<ConlluTagColumn, number> = { upos: 3, xpos: 4 };

function checkColumn(column: unknown, source: string): ConlluTagColumn {
  if (column === 'upos' || column === 'xpos') return column;
  throw new DataError(
    source,
    undefined,
    `tag column ${JSON.stringify(column)} is not a CoNLL-U tag column: choose "upos" or "xpos"`,
  );
}

/** Tokens (FORM) and tags (UPOS or XPOS) of each sentence; bad rows and missing tags are errors with their line. */
export function parseConlluTags(
  text: string,
  source: string,
  options: { column?: ConlluTagColumn } = {},
): TaggedCorpus {
  const column = checkColumn(options.column ?? 'upos', source);
  const field = fieldOf[column];
  const { blocks } = conlluBlocks(text, source, false);
  const words = blocks.flatMap((b) => b.words);
  const first = words[0];
  if (first && words.every((w) => w.fields[field] === '_')) {
    throw new DataError(
      source,
      first.line,
      `${column.toUpperCase()} is "_" on every token: the file has no ${column.toUpperCase()} tags` +
        (column === 'xpos' ? ' (choose the upos column)' : ''),
    );
  }
  for (const w of words) {
    if (w.fields[field] === '_') {
      throw new DataError(
        source,
        w.line,
        `${column.toUpperCase()} of token "${w.fields[1]}" is "_" (no tag); every word needs one`,
      );
    }
  }
  return {
    sentences: blocks
      .filter((b) => b.words.length > 0)
      .map((b) => ({
        tokens: b.words.map((w) => w.fields[1] as string),
        tags: b.words.map((w) => w.fields[field] as string),
        line: (b.words[0] as WordLine).line,
      })),
    empty: blocks.filter((b) => b.words.length === 0).map((b) => ({ line: b.line })),
    format: 'conllu',
    column,
  };
}

/** Tokens (FORM) of each sentence, whatever the tag columns hold (text to tag). */
export function parseConlluTokens(text: string, source: string): TokenCorpus {
  const { blocks } = conlluBlocks(text, source, false);
  return {
    sentences: blocks
      .filter((b) => b.words.length > 0)
      .map((b) => ({
        tokens: b.words.map((w) => w.fields[1] as string),
        line: (b.words[0] as WordLine).line,
      })),
    empty: blocks.filter((b) => b.words.length === 0).map((b) => ({ line: b.line })),
    format: 'conllu',
  };
}

/** A predicted tag must fit in its field: not empty, no whitespace (CoNLL-U fields hold no tabs or line breaks). */
export function checkWrittenTag(tag: unknown, source: string, line: number): string {
  if (typeof tag !== 'string' || tag === '' || /\s/.test(tag)) {
    throw new DataError(
      source,
      line,
      `predicted tag ${JSON.stringify(tag)} cannot be written in a column (empty or with whitespace)`,
    );
  }
  return tag;
}

/** Tag counts must match the sentences read from the text, sentence for sentence. */
export function checkTagCounts(
  sentences: ReadonlyArray<{ tokens: readonly string[]; line: number }>,
  tags: readonly (readonly string[])[],
  source: string,
): void {
  if (tags.length !== sentences.length) {
    throw new DataError(
      source,
      undefined,
      `${tags.length} tagged sentences for the ${sentences.length} sentences of the file`,
    );
  }
  for (const [i, sentence] of sentences.entries()) {
    const count = (tags[i] as readonly string[]).length;
    if (count !== sentence.tokens.length) {
      throw new DataError(
        source,
        sentence.line,
        `${count} tags for the ${sentence.tokens.length} tokens of sentence ${i + 1}`,
      );
    }
  }
}

/** The CoNLL-U text with the UPOS or XPOS field of every word replaced by its tag; every other line and field kept byte for byte. */
export function conlluWithTags(
  text: string,
  source: string,
  column: ConlluTagColumn,
  tags: readonly (readonly string[])[],
): string {
  const field = fieldOf[checkColumn(column, source)];
  const { blocks } = conlluBlocks(text, source, false);
  const sentences = blocks.filter((b) => b.words.length > 0);
  checkTagCounts(
    sentences.map((b) => ({
      tokens: b.words.map((w) => w.fields[1] as string),
      line: (b.words[0] as WordLine).line,
    })),
    tags,
    source,
  );
  const lines = text.split('\n');
  for (const [i, block] of sentences.entries()) {
    for (const [j, word] of block.words.entries()) {
      const tag = checkWrittenTag((tags[i] as readonly string[])[j], source, word.line);
      const raw = lines[word.line - 1] as string;
      const ending = raw.endsWith('\r') ? '\r' : '';
      const bom = word.line === 1 && raw.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
      const fields = [...word.fields];
      fields[field] = tag;
      lines[word.line - 1] = bom + fields.join('\t') + ending;
    }
  }
  return lines.join('\n');
}
