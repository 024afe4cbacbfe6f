// Sentence pairs from text, browser-safe (Node's file reading is in node.ts): tab-separated lines
// `source<TAB>target[<TAB>anything]` (the Tatoeba / manythings format, whose third column is the
// attribution), or two parallel texts paired by line (Multi30k's train.en / train.fr). Every
// problem is a DataError naming the file and line.
import { DataError } from '@recurrent/data';
import type { TranslationPair } from './contract.js';

/** The lines of a text; a line break at the very end ends the last line, it does not add one. */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

const isBlank = (text: string) => text.trim() === '';

/** Pairs of a tab-separated text: one pair per line, the first two columns. */
export function parseTsvPairs(text: string, source: string): TranslationPair[] {
  const lines = linesOf(text);
  if (lines.length === 0) throw new DataError(source, undefined, 'no pairs (the file is empty)');
  return lines.map((line, i) => {
    const at = i + 1;
    if (isBlank(line)) {
      throw new DataError(source, at, 'an empty line; each line is source<TAB>target');
    }
    const tab = line.indexOf('\t');
    if (tab < 0) {
      throw new DataError(
        source,
        at,
        'no tab: each line is source<TAB>target (a third column and more are allowed)',
      );
    }
    const end = line.indexOf('\t', tab + 1);
    const pair = {
      source: line.slice(0, tab),
      target: line.slice(tab + 1, end < 0 ? undefined : end),
    };
    if (isBlank(pair.source)) throw new DataError(source, at, 'the source (column 1) is empty');
    if (isBlank(pair.target)) throw new DataError(source, at, 'the target (column 2) is empty');
    return pair;
  });
}

/** Pairs of two parallel texts: line i of the source with line i of the target. */
export function parseParallelPairs(
  sourceText: string,
  targetText: string,
  names: { source: string; target: string },
): TranslationPair[] {
  const sources = linesOf(sourceText);
  const targets = linesOf(targetText);
  if (sources.length !== targets.length) {
    throw new DataError(
      names.source,
      undefined,
      `${sources.length} lines, but ${names.target} has ${targets.length}: parallel files pair their sentences line by line`,
    );
  }
  if (sources.length === 0) {
    throw new DataError(names.source, undefined, 'no sentences (the file is empty)');
  }
  return sources.map((line, i) => {
    const target = targets[i] as string;
    if (isBlank(line)) {
      throw new DataError(
        names.source,
        i + 1,
        `an empty line (its pair in ${names.target} is line ${i + 1})`,
      );
    }
    if (isBlank(target)) {
      throw new DataError(
        names.target,
        i + 1,
        `an empty line (its pair in ${names.source} is line ${i + 1})`,
      );
    }
    return { source: line, target };
  });
}
