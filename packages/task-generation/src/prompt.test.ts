// Prompts and stop texts as ids, with the tokenizer and vocabulary of a char and a word model:
// the empty prompt starts a line, unknown characters and words are named (or read as <unk> when
// allowed), a word prompt's last line stays open, and stop texts that could never match are refused.
import { GenerationOptionError } from '@recurrent/core';
import { eosId, unkId } from '@recurrent/data';
import { describe, expect, it } from 'vitest';
import { promptIds, stopSequences } from './prompt.js';
import { streamTokens, TokenStream } from './token-stream.js';

function charStream(text: string, lowercase = false): TokenStream {
  const options = { type: 'char' as const, lowercase };
  return TokenStream.build(options, new TokenStream(options, emptyVocabulary()).tokens(text), {});
}

function emptyVocabulary() {
  return TokenStream.build({ type: 'char' }, [], {}).vocabulary;
}

const wordOptions = { type: 'word' as const, lowercase: true };
const wordText = 'the cat sat\non the mat.\n';
const words = TokenStream.build(
  wordOptions,
  streamTokens(new TokenStream(wordOptions, emptyVocabulary()).tokenizer, wordText),
  {},
);

const chars = charStream('ROMEO:\nO, she doth teach the torches!\n');
const ids = (stream: TokenStream, tokens: string[]) => tokens.map((t) => stream.vocabulary.id(t));

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GenerationOptionError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('promptIds', () => {
  it('reads a char prompt character by character', () => {
    expect(Array.from(promptIds(chars, 'ROMEO:'))).toEqual(ids(chars, [...'ROMEO:']));
  });

  it('starts an empty char prompt at a line break', () => {
    expect(Array.from(promptIds(chars, ''))).toEqual(ids(chars, ['\n']));
  });

  it('refuses an empty prompt when the vocabulary has no line break', () => {
    const oneLine = charStream('no line breaks here');
    expect(messageOf(() => promptIds(oneLine, ''))).toBe(
      'prompt is empty: an empty prompt starts the text at a line break ("\\n"), which the vocabulary lacks (its training text had no line breaks): give a prompt',
    );
  });

  it('names the characters the vocabulary lacks, each once', () => {
    expect(messageOf(() => promptIds(chars, 'JULIET: ¿qué?'))).toBe(
      'prompt has characters the model\'s vocabulary lacks: "J", "U", "L", "I", "T", "¿", "q", "u", "é", "?" (it knows only those of its training text; allowUnknown reads them as <unk>)',
    );
  });

  it('reads them as <unk> when allowed', () => {
    expect(Array.from(promptIds(chars, 'RiO', true))).toEqual([
      chars.vocabulary.id('R'),
      unkId,
      chars.vocabulary.id('O'),
    ]);
  });

  it('lowercases as the tokenizer does', () => {
    const lower = charStream('romeo\n', true);
    expect(Array.from(promptIds(lower, 'ROMEO'))).toEqual(ids(lower, [...'romeo']));
  });

  it("keeps a word prompt's last line open, and ends earlier lines with <eos>", () => {
    expect(Array.from(promptIds(words, 'The cat'))).toEqual(ids(words, ['the', 'cat']));
    expect(Array.from(promptIds(words, 'the cat sat\non'))).toEqual(
      ids(words, ['the', 'cat', 'sat', '<eos>', 'on']),
    );
    expect(Array.from(promptIds(words, 'the cat sat\n'))).toEqual([
      ...ids(words, ['the', 'cat', 'sat']),
      eosId,
    ]);
  });

  it('starts a word prompt without words at <eos>', () => {
    expect(Array.from(promptIds(words, ''))).toEqual([eosId]);
    expect(Array.from(promptIds(words, '   '))).toEqual([eosId]);
  });

  it('names the words the vocabulary lacks', () => {
    expect(messageOf(() => promptIds(words, 'the dog sat on the rug'))).toBe(
      'prompt has words the model\'s vocabulary lacks: "dog", "rug" (it knows only those of its training text; allowUnknown reads them as <unk>)',
    );
    expect(Array.from(promptIds(words, 'the dog', true))).toEqual([
      words.vocabulary.id('the'),
      unkId,
    ]);
  });
});

describe('stopSequences', () => {
  it('matches a char stop text exactly', () => {
    expect(stopSequences(chars, ['\n\n', 'O,'])).toEqual([
      ids(chars, ['\n', '\n']),
      ids(chars, ['O', ',']),
    ]);
  });

  it('reads a word stop text as words, a line break as <eos>', () => {
    expect(stopSequences(words, ['\n', 'the mat', 'mat.\n'])).toEqual([
      [eosId],
      ids(words, ['the', 'mat']),
      [...ids(words, ['mat', '.']), eosId],
    ]);
  });

  it.each([
    [
      chars,
      'JULIET',
      '"JULIET" can never match: the model\'s vocabulary lacks the characters "J", "U", "L", "I", "T"',
    ],
    [chars, '', '"" has no tokens (an empty text cannot end the output)'],
    [words, '  ', '"  " has no tokens (a word model matches words and line breaks, not spaces)'],
    [words, 'the dog', '"the dog" can never match: the model\'s vocabulary lacks the words "dog"'],
  ])('refuses a stop text that could never match (%#)', (stream, text, problem) => {
    expect(messageOf(() => stopSequences(stream, [text]))).toBe(`stop ${problem}`);
  });
});
