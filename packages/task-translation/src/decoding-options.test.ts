// translate / evaluate options over the spec's decoding block: what each combination decodes with
// (the schema's defaults: maxLength 100, beamWidth 4, lengthPenalty 1), and a table of refusals,
// each naming the option.
import type { DecodingSpec } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import type { TranslateOptions } from './contract.js';
import { evaluateDecoding, TranslationOptionError, translateDecoding } from './decoding-options.js';

const beamSpec: DecodingSpec = {
  strategy: 'beam',
  maxLength: 20,
  beamWidth: 5,
  lengthPenalty: 0.6,
};
const greedySpec: DecodingSpec = { strategy: 'greedy', maxLength: 15 };

describe('translateDecoding', () => {
  const cases: [string, DecodingSpec | undefined, TranslateOptions, unknown][] = [
    [
      'no spec, no options: greedy, 100 tokens',
      undefined,
      {},
      { strategy: 'greedy', maxLength: 100, nBestAsked: false },
    ],
    [
      "the spec's beam block",
      beamSpec,
      {},
      {
        strategy: 'beam',
        maxLength: 20,
        nBestAsked: false,
        beam: { width: 5, lengthPenalty: 0.6, nBest: 1 },
      },
    ],
    [
      'greedy over a beam spec',
      beamSpec,
      { strategy: 'greedy' },
      { strategy: 'greedy', maxLength: 20, nBestAsked: false },
    ],
    [
      'a width chooses beam over a greedy spec (defaults for the rest)',
      greedySpec,
      { beam: 3 },
      {
        strategy: 'beam',
        maxLength: 15,
        nBestAsked: false,
        beam: { width: 3, lengthPenalty: 1, nBest: 1 },
      },
    ],
    [
      'nBest alone chooses beam, width 4 by default',
      undefined,
      { nBest: 2, maxLength: 7 },
      {
        strategy: 'beam',
        maxLength: 7,
        nBestAsked: true,
        beam: { width: 4, lengthPenalty: 1, nBest: 2 },
      },
    ],
    [
      'options override the spec',
      beamSpec,
      { beam: 2, lengthPenalty: 0, maxLength: 3 },
      {
        strategy: 'beam',
        maxLength: 3,
        nBestAsked: false,
        beam: { width: 2, lengthPenalty: 0, nBest: 1 },
      },
    ],
    [
      "the spec's nBest",
      { ...beamSpec, nBest: 3 },
      {},
      {
        strategy: 'beam',
        maxLength: 20,
        nBestAsked: true,
        beam: { width: 5, lengthPenalty: 0.6, nBest: 3 },
      },
    ],
    [
      'a beam wider than any vocabulary is a setting like another',
      undefined,
      { beam: 1000 },
      {
        strategy: 'beam',
        maxLength: 100,
        nBestAsked: false,
        beam: { width: 1000, lengthPenalty: 1, nBest: 1 },
      },
    ],
  ];
  it.each(cases)('%s', (_, spec, options, expected) => {
    expect(translateDecoding(spec, options)).toEqual(expected);
  });

  const refused: [DecodingSpec | undefined, Record<string, unknown>, string, string][] = [
    [
      undefined,
      { maxLength: 0 },
      'maxLength',
      'maxLength must be a whole number of target tokens, 1 or more: the end token counts among them (got 0)',
    ],
    [undefined, { maxLength: -3 }, 'maxLength', '(got -3)'],
    [undefined, { maxLength: 2.5 }, 'maxLength', '(got 2.5)'],
    [
      undefined,
      { strategy: 'greedy', beam: 5 },
      'beam',
      'beam applies to beam search, and the strategy is greedy (asked for); give strategy "beam" or leave it out',
    ],
    [beamSpec, { strategy: 'greedy', nBest: 2 }, 'nBest', 'nBest applies to beam search'],
    [
      undefined,
      { strategy: 'greedy', lengthPenalty: 1 },
      'lengthPenalty',
      'lengthPenalty applies to beam search',
    ],
    [
      undefined,
      { beam: 2, nBest: 3 },
      'nBest',
      'nBest 3 asks for more hypotheses than the 2 beams the search keeps (beam)',
    ],
    [
      beamSpec,
      { nBest: 6 },
      'nBest',
      "nBest 6 asks for more hypotheses than the 5 beams the search keeps (beam, from the spec's decoding block)",
    ],
    [
      { ...beamSpec, nBest: 3 },
      { beam: 2 },
      'beam',
      "beam 2 keeps fewer beams than the spec's decoding.nBest (3) asks for",
    ],
    [
      undefined,
      { strategy: 'sample' },
      'strategy',
      'strategy must be "greedy" or "beam" (got "sample")',
    ],
    [
      undefined,
      { beam: 0 },
      'beam',
      'beam must be a whole number of hypotheses, 1 or more (got 0)',
    ],
    [
      undefined,
      { lengthPenalty: -1 },
      'lengthPenalty',
      'lengthPenalty must be a number, 0 or more (got -1)',
    ],
    [
      undefined,
      { temperature: 0.5 },
      'temperature',
      'temperature is not an option here (they are strategy, beam, nBest, lengthPenalty, maxLength, signal)',
    ],
    [undefined, { signal: 'stop' }, 'signal', 'signal must be an AbortSignal'],
  ];
  it.each(refused)('refuses %j %j (%s)', (spec, options, option, message) => {
    let error: unknown;
    try {
      translateDecoding(spec, options as TranslateOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TranslationOptionError);
    expect((error as TranslationOptionError).option).toBe(option);
    expect((error as Error).message).toContain(message);
  });
});

describe('evaluateDecoding', () => {
  it('decodes greedily unless asked, whatever the spec says; beam settings then come from the spec', () => {
    expect(evaluateDecoding(beamSpec)).toEqual({
      strategy: 'greedy',
      maxLength: 20,
      nBestAsked: false,
    });
    expect(evaluateDecoding(beamSpec, { strategy: 'beam' })).toEqual({
      strategy: 'beam',
      maxLength: 20,
      nBestAsked: false,
      beam: { width: 5, lengthPenalty: 0.6, nBest: 1 },
    });
    expect(evaluateDecoding(greedySpec, { beam: 5 }).beam?.width).toBe(5);
    expect(() => evaluateDecoding(undefined, { nBest: 2 } as never)).toThrow(
      'nBest is not an option here (they are strategy, beam, lengthPenalty, maxLength)',
    );
  });
});
