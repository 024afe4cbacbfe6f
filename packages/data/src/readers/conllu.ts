// CoNLL-U (Universal Dependencies): sentences as blocks of token lines separated by blank lines,
// "# key = value" comments before them. Each token line has 10 tab-separated fields; multiword
// token ranges ("1-2") and empty nodes ("1.1") are not words of the sentence and are left out.
import { DataError } from '../errors.js';

export interface ConlluSentence {
  /** Line of the sentence's first token. */
  line: number;
  /** Comments such as sent_id and text. */
  comments: Record<string, string>;
  forms: string[];
  /** Universal part-of-speech tags (UPOS), one per form. */
  upos: string[];
}

export function parseConllu(
  text: string,
  source: string,
  options: { skipBadRows?: boolean } = {},
): { sentences: ConlluSentence[]; skipped: Array<{ line: number; problem: string }> } {
  const sentences: ConlluSentence[] = [];
  const skipped: Array<{ line: number; problem: string }> = [];
  let current: ConlluSentence | undefined;
  let comments: Record<string, string> = {};
  const finish = () => {
    if (current) sentences.push(current);
    current = undefined;
    comments = {};
  };
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() === '') {
      finish();
      continue;
    }
    if (content.startsWith('#')) {
      const match = /^#\s*([^=]+?)\s*=\s*(.*)$/.exec(content);
      if (match) comments[match[1] as string] = match[2] as string;
      continue;
    }
    const fields = content.split('\t');
    let problem: string | undefined;
    if (fields.length !== 10)
      problem = `${fields.length} tab-separated fields where CoNLL-U has 10`;
    else if (!/^\d+(-\d+|\.\d+)?$/.test(fields[0] as string))
      problem = `token id "${fields[0]}" is not a number, range or decimal`;
    else if (fields.includes(''))
      // The format writes "_" for a missing value; an empty field is a broken row.
      problem = `field ${fields.indexOf('') + 1} is empty (CoNLL-U writes "_" for no value)`;
    if (problem) {
      if (!options.skipBadRows) throw new DataError(source, line, problem);
      skipped.push({ line, problem });
      continue;
    }
    if (/[-.]/.test(fields[0] as string)) continue; // multiword range or empty node
    current ??= { line, comments, forms: [], upos: [] };
    current.forms.push(fields[1] as string);
    current.upos.push(fields[3] as string);
  }
  finish();
  return { sentences, skipped };
}
