// Texts a generation reads, as token ids: the prompt and the stop texts. Both read as the training
// text was read (the spec's tokenizer; word models end each line with <eos>), except that a word
// prompt's last line is left open, so the model continues it instead of starting a new line.
import { GenerationOptionError, TaskError } from '@recurrent/core';
import { eosId, specialTokens, unkId } from '@recurrent/data';
import type { TokenStream } from './token-stream.js';

const eos = specialTokens[eosId];

/** Tokens of a text whose last line is not ended (word models): lines but the last end in <eos>. */
function openTokens(stream: TokenStream, text: string): string[] {
  const { tokenizer } = stream;
  if (tokenizer.options.type === 'char') return tokenizer.tokenize(text);
  const lines = text.split(/\r\n|\n|\r/);
  return lines.flatMap((line, i) =>
    i < lines.length - 1 ? [...tokenizer.tokenize(line), eos] : tokenizer.tokenize(line),
  );
}

/** The distinct tokens of `tokens` the vocabulary lacks, in order, quoted for a message. */
function unknownTokens(stream: TokenStream, tokens: readonly string[]): string[] {
  const missing = new Set<string>();
  for (const token of tokens) if (stream.vocabulary.id(token) === unkId) missing.add(token);
  return [...missing].map((t) => JSON.stringify(t));
}

function listed(items: readonly string[], most = 10): string {
  return items.length <= most
    ? items.join(', ')
    : `${items.slice(0, most).join(', ')} and ${items.length - most} more`;
}

/** What a prompt without tokens starts from: the start of a line. */
export function startOfLine(stream: TokenStream): Int32Array {
  if (stream.tokenizer.options.type === 'word') return Int32Array.of(eosId);
  const id = stream.vocabulary.id('\n');
  if (id === unkId) {
    throw new GenerationOptionError(
      'prompt',
      'is empty: an empty prompt starts the text at a line break ("\\n"), which the vocabulary lacks (its training text had no line breaks): give a prompt',
    );
  }
  return Int32Array.of(id);
}

/**
 * The prompt's ids. A prompt without tokens (empty; for a word model also only spaces) starts at
 * the start of a line: a line break for a char model, <eos> for a word model. Tokens the vocabulary
 * lacks are refused by name, or read as <unk> with `allowUnknown`.
 */
export function promptIds(stream: TokenStream, prompt: string, allowUnknown = false): Int32Array {
  const tokens = openTokens(stream, prompt);
  if (tokens.length === 0) return startOfLine(stream);
  if (!allowUnknown) {
    const missing = unknownTokens(stream, tokens);
    if (missing.length > 0) {
      const kind = stream.tokenizer.options.type === 'char' ? 'characters' : 'words';
      throw new GenerationOptionError(
        'prompt',
        `has ${kind} the model's vocabulary lacks: ${listed(missing)} (it knows only those of its training text; {allowUnknown} reads them as <unk>)`,
      );
    }
  }
  return stream.vocabulary.encode(tokens);
}

/**
 * Each stop text as the token sequence that ends the output. Char models match the text exactly
 * (after the tokenizer's normalization and lowercasing); word models match whole word tokens (and a
 * line break as <eos>), not spaces or parts of words. A stop text with tokens the vocabulary lacks
 * could never match, so it is refused by name.
 */
export function stopSequences(
  stream: TokenStream,
  stop: readonly string[],
  /** Where the texts come from when not the caller's option (e.g. "the spec's decoding.stop"). */
  source?: string,
): number[][] {
  // The caller's option is named as such (the CLI shows its flag); the spec's texts by spec path.
  const fail = (problem: string) =>
    source ? new TaskError(`${source} ${problem}`) : new GenerationOptionError('stop', problem);
  return stop.map((text) => {
    const tokens = openTokens(stream, text);
    if (tokens.length === 0) {
      throw fail(
        `${JSON.stringify(text)} has no tokens (${stream.tokenizer.options.type === 'word' ? 'a word model matches words and line breaks, not spaces' : 'an empty text cannot end the output'})`,
      );
    }
    const missing = unknownTokens(stream, tokens);
    if (missing.length > 0) {
      const kind = stream.tokenizer.options.type === 'char' ? 'characters' : 'words';
      throw fail(
        `${JSON.stringify(text)} can never match: the model's vocabulary lacks the ${kind} ${listed(missing)}`,
      );
    }
    return Array.from(stream.vocabulary.encode(tokens));
  });
}
