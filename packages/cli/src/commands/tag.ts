// `recurrent tag <model-dir> [text...]`: tags by a trained tagging model. Texts are split at
// whitespace (the model's tokens are given, never re-tokenized), each argument one sentence, or
// each stdin line one, printed as it arrives and in order; `--conll <file>` tags a CoNLL-U or
// column file and prints it back with the predicted tags. The task tags; this shell parses the
// flags, reads and prints. Ctrl-C, or a reader that closes the pipe, stops at the next sentence.
import { loadTaskFolder } from '@recurrent/core/node';
import {
  type ConlluTagColumn,
  columnsWithTags,
  conlluWithTags,
  DataError,
  parseTokenText,
  type TokenCorpus,
} from '@recurrent/data';
import { readTextFile } from '@recurrent/data/node';
import type { TaggedSentenceResult, TaggingTask } from '@recurrent/task-tagging';
import { type Command, InvalidArgumentError } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import {
  argumentsOrStdinLines,
  type Interruption,
  listenForInterruption,
} from '../interruption.js';
import { type CliIO, ExitCode } from '../io.js';
import { CommandError } from './spec-file.js';
import { requireFolderTask } from './task-folder.js';

interface TagFlags extends BackendOptions {
  conll?: string;
  tagColumn?: string;
  tokenColumn?: number;
  json?: boolean;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a column number, 1 or more');
  }
  return n;
}

/** Sentences per call to the task when tagging a file (between two checks for Ctrl-C). */
const fileChunk = 256;

const helpText = `
Input: each text argument is one sentence, split into tokens at whitespace; without any, each line
of stdin is one, tagged as it arrives (empty lines included), in order. --conll <file> tags a
CoNLL-U file or a column file (token ... per line, a blank line between sentences) instead: its
tokens are read as they are.

Output: one line per sentence, "token/TAG token/TAG ...". --json prints one object per line
instead: { tokens, tags, confidence (softmax: probability of each tag), score (CRF: Viterbi path
score), unknown (tokens the vocabulary does not know) }, with "line" (the first token's line) for
--conll. With --conll (and no --json) the file comes back with the predicted tags: in CoNLL-U the
UPOS or XPOS field is replaced (the one the model was trained on, or --tag-column) and every other
line and field is kept; in a column file each token line gets the tag as a new last column.`;

export function registerTag(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('tag')
    .description(
      'tag the tokens of texts (arguments, or one per line on stdin) or of a CoNLL file with a trained tagging model',
    )
    .argument('<model-dir>', 'model folder written by recurrent train (a tagging model)')
    .argument('[text...]', 'sentences to tag, tokens separated by spaces (default: stdin lines)')
    .option('--conll <file>', 'tag a CoNLL-U or column file and print it with the predicted tags')
    .option(
      '--tag-column <upos|xpos>',
      "--conll on CoNLL-U: the field that gets the tags (default: the model's column)",
    )
    .option(
      '--token-column <N>',
      "--conll on a column file: the 1-based column of the tokens (default: the model's, else 1)",
      positiveInteger,
    )
    .option('--json', 'one JSON object per sentence (tokens, tags, confidence, unknown)')
    .addOption(backendOption())
    .addHelpText('after', helpText)
    .action(async (dir: string, texts: string[], flags: TagFlags) => {
      await tag(dir, texts, flags, io);
      setExit(ExitCode.ok);
    });
}

function checkFlags(texts: string[], flags: TagFlags): void {
  if (flags.conll !== undefined && texts.length > 0) {
    throw new CommandError('give texts or --conll <file>, not both');
  }
  if (flags.json && flags.tagColumn !== undefined) {
    throw new CommandError(
      '--tag-column chooses the CoNLL-U field to write; --json writes no file',
    );
  }
  for (const [given, name] of [
    [flags.tagColumn, '--tag-column'],
    [flags.tokenColumn, '--token-column'],
  ] as const) {
    if (given !== undefined && flags.conll === undefined) {
      throw new CommandError(`${name} applies to --conll <file>`);
    }
  }
}

async function tag(dir: string, texts: string[], flags: TagFlags, io: CliIO): Promise<void> {
  checkFlags(texts, flags);
  await requireFolderTask(dir, 'tagging', 'recurrent tag');
  // Read the file before the model loads: a bad file fails fast.
  const read = flags.conll !== undefined ? await readTokenFile(flags.conll, flags) : undefined;
  const backend = await startBackend(flags.backend);
  const task = (await loadTaskFolder(dir, { backend: backend.name })) as TaggingTask;
  const interruption = listenForInterruption(io);
  try {
    if (read) {
      const file = withModelTokenColumn(read, task, flags);
      await tagFile(task, file, flags, interruption, io);
      return;
    }
    const input = argumentsOrStdinLines(texts);
    for await (const text of input) {
      if (interruption.signal.aborted) break;
      const tokens = text.split(/\s+/u).filter((token) => token !== '');
      const [result] = await task.tag([tokens]);
      if (result === undefined) throw new Error(`the tagging task returned nothing for "${text}"`);
      interruption.printLines([
        flags.json ? JSON.stringify(taggedJson(result)) : taggedLine(result),
      ]);
    }
  } finally {
    interruption.dispose();
    task.dispose();
  }
}

interface TokenFile {
  path: string;
  text: string;
  corpus: TokenCorpus;
}

async function readTokenFile(path: string, flags: TagFlags): Promise<TokenFile> {
  const text = await readTextFile(path);
  const corpus = parseTokenText(text, path, {
    ...(flags.tokenColumn !== undefined && { tokenColumn: flags.tokenColumn }),
  });
  if (corpus.format === 'columns' && flags.tagColumn !== undefined) {
    throw new CommandError(
      `--tag-column: ${path} is a column file, which gets the tags as a new last column; the option is for CoNLL-U`,
    );
  }
  return { path, text, corpus };
}

/**
 * Without --token-column, a column file's tokens come from the column the model was trained on
 * (the file was first read with column 1, to fail fast before the model loads).
 */
function withModelTokenColumn(file: TokenFile, task: TaggingTask, flags: TagFlags): TokenFile {
  const tokenColumn = task.tokenColumn;
  if (
    file.corpus.format !== 'columns' ||
    flags.tokenColumn !== undefined ||
    tokenColumn === undefined ||
    tokenColumn === 1
  ) {
    return file;
  }
  try {
    return { ...file, corpus: parseTokenText(file.text, file.path, { tokenColumn }) };
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    throw new DataError(
      error.source,
      error.line,
      `${error.problem} (the model's tokens come from column ${tokenColumn}; --token-column chooses another)`,
    );
  }
}

/** The CoNLL-U field that gets the tags: --tag-column, else the model's column. */
function conlluColumn(task: TaggingTask, flags: TagFlags, path: string): ConlluTagColumn {
  const column = flags.tagColumn ?? task.column;
  if (column === 'upos' || column === 'xpos') return column;
  if (flags.tagColumn !== undefined) {
    throw new CommandError(`--tag-column ${flags.tagColumn}: choose upos or xpos`);
  }
  throw new CommandError(
    `${path} is CoNLL-U and the model's tags come from ${column ?? 'no CoNLL-U column'}: give --tag-column upos or xpos for the field to write`,
  );
}

async function tagFile(
  task: TaggingTask,
  file: TokenFile,
  flags: TagFlags,
  interruption: Interruption,
  io: CliIO,
): Promise<void> {
  const column =
    file.corpus.format === 'conllu' && !flags.json
      ? conlluColumn(task, flags, file.path)
      : undefined;
  const sentences = file.corpus.sentences;
  const results: TaggedSentenceResult[] = [];
  for (let start = 0; start < sentences.length; start += fileChunk) {
    if (interruption.signal.aborted) {
      io.stderr(`recurrent: tag stopped before the end of ${file.path}; nothing printed\n`);
      return;
    }
    const chunk = sentences.slice(start, start + fileChunk);
    const tagged = await task.tag(chunk.map((s) => s.tokens));
    if (!flags.json) {
      results.push(...tagged);
      continue;
    }
    interruption.printLines(
      tagged.map((result, i) =>
        JSON.stringify({ ...taggedJson(result), line: (chunk[i] as { line: number }).line }),
      ),
    );
  }
  if (flags.json) return;
  const tags = results.map((r) => r.tags);
  const written =
    column !== undefined
      ? conlluWithTags(file.text, file.path, column, tags)
      : columnsWithTags(file.text, file.path, tags);
  if (!interruption.closed) io.stdout(written.endsWith('\n') ? written : `${written}\n`);
}

/** What the plain output prints for one sentence: "token/TAG token/TAG". */
export function taggedLine(result: TaggedSentenceResult): string {
  return result.tokens.map((token, i) => `${token}/${result.tags[i]}`).join(' ');
}

/** What --json prints for one sentence. */
export function taggedJson(result: TaggedSentenceResult) {
  return {
    tokens: result.tokens,
    tags: result.tags,
    ...(result.confidence !== undefined && { confidence: result.confidence }),
    ...(result.score !== undefined && { score: result.score }),
    unknown: result.unknown,
  };
}
