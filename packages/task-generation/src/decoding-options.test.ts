// The settings of one generation: options over the spec's decoding block over the defaults, and a
// table of settings that are refused by name (wrong value, or not of the strategy that runs).
import {
  type DecodingSpec,
  GenerationOptionError,
  type TextGenerationOptions,
} from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { resolveDecoding } from './decoding-options.js';

const sample: DecodingSpec = {
  strategy: 'sample',
  maxLength: 400,
  temperature: 0.8,
  topP: 0.95,
  seed: 11,
};
const beam: DecodingSpec = { strategy: 'beam', maxLength: 50, beamWidth: 3, lengthPenalty: 0.6 };

describe('resolveDecoding', () => {
  it('without a spec block: greedy, 100 new tokens', () => {
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
      beam: { width: 5, lengthPenalty: 0.6, nBest: 1 },
    });
  });

  it("another strategy replaces the spec's block but keeps its maxLength", () => {
    expect(resolveDecoding(sample, { strategy: 'greedy' })).toEqual({
      strategy: 'greedy',
      maxNewTokens: 400,
    });
    expect(resolveDecoding(sample, { strategy: 'beam' })).toEqual({
      strategy: 'beam',
      maxNewTokens: 400,
      beam: { width: 4, lengthPenalty: 1, nBest: 1 },
    });
    const drawn = resolveDecoding(beam, { strategy: 'sample', topK: 3 });
    expect(drawn).toMatchObject({ strategy: 'sample', maxNewTokens: 50 });
    expect(drawn.sampling).toMatchObject({ temperature: 1, topK: 3 });
    expect(drawn.sampling?.topP).toBeUndefined();
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

  const refused: [string, DecodingSpec | undefined, TextGenerationOptions, string][] = [
    [
      'topK under greedy',
      undefined,
      { topK: 5 },
      'topK applies to sampling, and the strategy is greedy decoding (the default: the spec has no decoding block)',
    ],
    [
      'temperature under beam search',
      beam,
      { temperature: 0.7 },
      "temperature applies to sampling, and the strategy is beam search (the spec's decoding.strategy)",
    ],
    [
      'nBest under sampling',
      sample,
      { nBest: 2 },
      "nBest applies to beam search, and the strategy is sampling (the spec's decoding.strategy)",
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
