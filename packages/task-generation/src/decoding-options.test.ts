// The settings of one generation: options over the spec's decoding block over the schema's defaults
// (core's rules), and a table of settings refused by name (a wrong value, another strategy's).
import {
  type DecodingSpec,
  GenerationOptionError,
  modelSchema,
  type TextGenerationOptions,
} from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { decodingStrategy, resolveDecoding, stopTexts } from './decoding-options.js';

const sample: DecodingSpec = {
  strategy: 'sample',
  maxLength: 400,
  temperature: 0.8,
  topP: 0.95,
  seed: 11,
};
const beam: DecodingSpec = { strategy: 'beam', maxLength: 50, beamWidth: 3, lengthPenalty: 0.6 };

describe('resolveDecoding', () => {
  it("without a spec block: greedy, the schema's 100 new tokens", () => {
    expect(resolveDecoding(undefined, {})).toEqual({ strategy: 'greedy', maxNewTokens: 100 });
  });

  it("takes the spec's block, and each option overrides its field", () => {
    expect(resolveDecoding(sample, {})).toEqual({
      strategy: 'sample',
      maxNewTokens: 400,
      sampling: { temperature: 0.8, topP: 0.95, seed: 11 },
      seed: 11,
    });
    expect(resolveDecoding(sample, { temperature: 1.2, topK: 5, seed: 3, maxTokens: 7 })).toEqual({
      strategy: 'sample',
      maxNewTokens: 7,
      sampling: { temperature: 1.2, topK: 5, topP: 0.95, seed: 3 },
      seed: 3,
    });
    expect(resolveDecoding(beam, { nBest: 2 })).toEqual({
      strategy: 'beam',
      maxNewTokens: 50,
      beam: { width: 3, lengthPenalty: 0.6, nBest: 2 },
    });
    expect(resolveDecoding(beam, { repetitionPenalty: 1.3, beamWidth: 5 })).toEqual({
      strategy: 'beam',
      maxNewTokens: 50,
      repetitionPenalty: 1.3,
      beam: { width: 5, lengthPenalty: 0.6 },
    });
    // The spec's repetitionPenalty and nBest carry over.
    expect(resolveDecoding({ ...beam, nBest: 2, repetitionPenalty: 1.1 }, {})).toEqual({
      strategy: 'beam',
      maxNewTokens: 50,
      repetitionPenalty: 1.1,
      beam: { width: 3, lengthPenalty: 0.6, nBest: 2 },
    });
  });

  it('a setting of a strategy chooses it, as core decodeOptionsFromSpec does', () => {
    const greedy: DecodingSpec = { strategy: 'greedy', maxLength: 30 };
    expect(resolveDecoding(greedy, { temperature: 0.5, seed: 1 })).toEqual({
      strategy: 'sample',
      maxNewTokens: 30,
      sampling: { temperature: 0.5, seed: 1 },
      seed: 1,
    });
    expect(resolveDecoding(sample, { nBest: 2 })).toEqual({
      strategy: 'beam',
      maxNewTokens: 400,
      beam: { width: 4, lengthPenalty: 1, nBest: 2 },
    });
    expect(resolveDecoding(undefined, { beamWidth: 2 })).toMatchObject({
      strategy: 'beam',
      beam: { width: 2, lengthPenalty: 1 },
    });
  });

  it("another strategy replaces the spec's block but keeps its maxLength and repetitionPenalty", () => {
    expect(resolveDecoding({ ...sample, repetitionPenalty: 1.2 }, { strategy: 'greedy' })).toEqual({
      strategy: 'greedy',
      maxNewTokens: 400,
      repetitionPenalty: 1.2,
    });
    expect(resolveDecoding(sample, { strategy: 'beam' })).toEqual({
      strategy: 'beam',
      maxNewTokens: 400,
      beam: { width: 4, lengthPenalty: 1 },
    });
    const drawn = resolveDecoding(beam, { strategy: 'sample', topK: 3 });
    expect(drawn).toMatchObject({ strategy: 'sample', maxNewTokens: 50 });
    expect(drawn.sampling).toMatchObject({ temperature: 1, topK: 3 });
    expect(drawn.sampling?.topP).toBeUndefined();
  });

  it("beam search without a width uses the schema's default", () => {
    const defaults = (
      modelSchema.$defs as unknown as Record<
        string,
        { properties: Record<string, { default?: number }> }
      >
    ).beamDecoding?.properties;
    expect(resolveDecoding(undefined, { strategy: 'beam' }).beam?.width).toBe(
      defaults?.beamWidth?.default,
    );
  });

  it('draws a seed for sampling when none is given, and says which', () => {
    const seeds = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const { seed, sampling } = resolveDecoding(undefined, { strategy: 'sample' });
      expect(Number.isInteger(seed)).toBe(true);
      expect(sampling?.seed).toBe(seed);
      seeds.add(seed as number);
    }
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('maxTokens 0 is a valid request for no tokens', () => {
    expect(resolveDecoding(sample, { maxTokens: 0 }).maxNewTokens).toBe(0);
  });

  it("the stop texts are the options', else the spec's", () => {
    const withStop: DecodingSpec = { ...sample, stop: ['\n\n'] };
    expect(stopTexts(withStop, {})).toEqual({ texts: ['\n\n'], fromSpec: true });
    expect(stopTexts(withStop, { stop: ['END'] })).toEqual({ texts: ['END'], fromSpec: false });
    expect(stopTexts(sample, {})).toEqual({ texts: [], fromSpec: false });
  });

  it('strategyFor tells the strategy without decoding', () => {
    expect(decodingStrategy(beam, {})).toBe('beam');
    expect(decodingStrategy(beam, { topP: 0.9 })).toBe('sample');
    expect(decodingStrategy(undefined, {})).toBe('greedy');
    expect(() => decodingStrategy(undefined, { topK: 0 })).toThrow(GenerationOptionError);
  });

  const refused: [string, DecodingSpec | undefined, TextGenerationOptions, string][] = [
    [
      'topK under greedy asked for',
      sample,
      { strategy: 'greedy', topK: 5 },
      'topK applies to sampling, and the strategy is greedy decoding (asked for)',
    ],
    [
      'temperature under beam search asked for',
      undefined,
      { strategy: 'beam', temperature: 0.7 },
      'temperature applies to sampling, and the strategy is beam search (asked for)',
    ],
    [
      'nBest under sampling asked for',
      beam,
      { strategy: 'sample', nBest: 2 },
      'nBest applies to beam search, and the strategy is sampling (asked for)',
    ],
    [
      'settings of two strategies',
      undefined,
      { nBest: 2, temperature: 0.8 },
      'nBest (beam search) and temperature (sampling) do not go together: choose strategy "sample" or "beam"',
    ],
    [
      "a width below the spec's nBest",
      { ...beam, nBest: 3 },
      { beamWidth: 2 },
      "beamWidth 2 keeps fewer beams than the spec's decoding.nBest (3) asks for",
    ],
    [
      'seed under greedy asked for',
      sample,
      { strategy: 'greedy', seed: 1 },
      'seed applies to sampling, and the strategy is greedy decoding (asked for)',
    ],
    [
      'lengthPenalty under sampling',
      undefined,
      { strategy: 'sample', lengthPenalty: 1 },
      'lengthPenalty applies to beam search, and the strategy is sampling (asked for)',
    ],
    [
      'nBest above the width',
      beam,
      { nBest: 4 },
      "nBest 4 asks for more hypotheses than the 3 beams the search keeps (beamWidth, from the spec's decoding block)",
    ],
    [
      'a negative maxTokens',
      undefined,
      { maxTokens: -1 },
      'maxTokens must be a whole number of tokens, 0 or more (got -1)',
    ],
    [
      'a fractional maxTokens',
      undefined,
      { maxTokens: 2.5 },
      'maxTokens must be a whole number of tokens, 0 or more (got 2.5)',
    ],
    [
      'temperature 0',
      undefined,
      { strategy: 'sample', temperature: 0 },
      'temperature must be a number above 0 (got 0; for the most probable token each step use greedy decoding)',
    ],
    ['topP above 1', sample, { topP: 1.5 }, 'topP must be a probability in (0, 1] (got 1.5)'],
    ['topK 0', sample, { topK: 0 }, 'topK must be a whole number, 1 or more (got 0)'],
    [
      'repetitionPenalty 0',
      undefined,
      { repetitionPenalty: 0 },
      'repetitionPenalty must be a number above 0 (1 = no penalty; got 0)',
    ],
    [
      'a seed out of range',
      sample,
      { seed: 2 ** 32 },
      'seed must be a whole number from 0 to 4294967295 (got 4294967296)',
    ],
    [
      'an unknown strategy',
      undefined,
      { strategy: 'nucleus' as 'sample' },
      'strategy must be "greedy", "sample" or "beam" (got "nucleus")',
    ],
    [
      'a misspelled option',
      undefined,
      { max_tokens: 5 } as TextGenerationOptions,
      'max_tokens is not a generation option (they are maxTokens, strategy, temperature, topK, topP, repetitionPenalty, beamWidth, nBest, lengthPenalty, stop, seed, allowUnknown, signal)',
    ],
    [
      'stop as one text',
      undefined,
      { stop: 'END' as unknown as string[] },
      'stop must be a list of texts',
    ],
  ];

  it.each(refused)('refuses %s by name', (_, spec, options, message) => {
    let error: unknown;
    try {
      resolveDecoding(spec, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GenerationOptionError);
    expect((error as Error).message).toBe(message);
  });

  it('renders option names another way for a command line', () => {
    const flags: Record<string, string> = { nBest: '--n-best', beamWidth: '--beam' };
    try {
      resolveDecoding(beam, { nBest: 9 });
      expect.unreachable();
    } catch (error) {
      expect((error as GenerationOptionError).describe((n) => flags[n] ?? n)).toBe(
        "--n-best 9 asks for more hypotheses than the 3 beams the search keeps (--beam, from the spec's decoding block)",
      );
    }
  });
});
