import { describe, expect, it } from 'vitest';
import { parseSpec, validateSpec } from '../spec/validate.js';
import { decodeOptionsFromSpec } from './from-spec.js';

const generation = (decoding: unknown) => ({
  version: 1,
  name: 'lm',
  task: 'generation',
  input: { tokenizer: { type: 'char' } },
  layers: [
    { type: 'embedding', embeddingDim: 8 },
    { type: 'lstm', hiddenSize: 8 },
    { type: 'dense', units: 'auto' },
  ],
  training: { optimizer: { type: 'adam' } },
  decoding,
});

describe('decoding block of the spec', () => {
  it('accepts repetitionPenalty and stop on every strategy, nBest on beam', () => {
    for (const decoding of [
      { strategy: 'greedy', repetitionPenalty: 1.2, stop: ['\n\n'] },
      { strategy: 'sample', topK: 5, repetitionPenalty: 0.9, stop: ['END', '.'], seed: 3 },
      { strategy: 'beam', beamWidth: 5, nBest: 5, repetitionPenalty: 1.1, stop: ['.'] },
    ]) {
      const result = validateSpec(generation(decoding));
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
  });

  const bad: [string, unknown, string, RegExp][] = [
    [
      'repetition penalty 0',
      { strategy: 'greedy', repetitionPenalty: 0 },
      '/decoding/repetitionPenalty',
      /must be > 0 \(got 0\)/,
    ],
    [
      'an empty stop text',
      { strategy: 'sample', stop: ['ok', ''] },
      '/decoding/stop/1',
      /must not be empty/,
    ],
    ['stop as a string', { strategy: 'greedy', stop: '.' }, '/decoding/stop', /must be an array/],
    [
      'nBest on greedy',
      { strategy: 'greedy', nBest: 2 },
      '/decoding/nBest',
      /unknown property "nBest"/,
    ],
    ['nBest 0', { strategy: 'beam', nBest: 0 }, '/decoding/nBest', /must be >= 1 \(got 0\)/],
    [
      'nBest above beamWidth',
      { strategy: 'beam', beamWidth: 3, nBest: 4 },
      '/decoding/nBest',
      /nBest 4 is more than beamWidth 3/,
    ],
    [
      'nBest above the default beamWidth',
      { strategy: 'beam', nBest: 5 },
      '/decoding/nBest',
      /beamWidth 4/,
    ],
  ];

  it.each(bad)('refuses %s at its pointer', (_name, decoding, pointer, message) => {
    const result = validateSpec(generation(decoding));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.errors.find((e) => e.pointer === pointer);
    expect(error, JSON.stringify(result.errors)).toBeDefined();
    expect(error?.message).toMatch(message);
  });

  it('suggests where nBest belongs when it is on another strategy', () => {
    const result = validateSpec(generation({ strategy: 'sample', nBest: 2 }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.suggestion).toContain('decoding (strategy "beam")');
  });
});

describe('decodeOptionsFromSpec', () => {
  it('maps each strategy with the schema defaults applied', () => {
    const parsed = parseSpec(JSON.stringify(generation({ strategy: 'beam', nBest: 2 })));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(decodeOptionsFromSpec(parsed.spec.decoding)).toEqual({
      strategy: 'beam',
      maxNewTokens: 100,
      beam: { width: 4, lengthPenalty: 1, nBest: 2 },
    });
    expect(
      decodeOptionsFromSpec({
        strategy: 'sample',
        maxLength: 40,
        topP: 0.9,
        seed: 5,
        repetitionPenalty: 1.3,
        stop: ['x'],
      }),
    ).toEqual({
      strategy: 'sample',
      maxNewTokens: 40,
      repetitionPenalty: 1.3,
      sampling: { temperature: 1, topP: 0.9, seed: 5 },
    });
    expect(decodeOptionsFromSpec(undefined)).toEqual({ strategy: 'greedy', maxNewTokens: 100 });
  });

  it('applies overrides, choosing the strategy their settings belong to', () => {
    const spec = {
      strategy: 'sample',
      temperature: 0.8,
      topK: 10,
      maxLength: 50,
      repetitionPenalty: 1.2,
    } as const;
    expect(decodeOptionsFromSpec(spec, { topK: 3, maxLength: 7 })).toEqual({
      strategy: 'sample',
      maxNewTokens: 7,
      repetitionPenalty: 1.2,
      sampling: { temperature: 0.8, topK: 3 },
    });
    // A beam setting switches to beam search: the spec's sampling settings stay behind.
    expect(decodeOptionsFromSpec(spec, { beamWidth: 3 })).toEqual({
      strategy: 'beam',
      maxNewTokens: 50,
      repetitionPenalty: 1.2,
      beam: { width: 3, lengthPenalty: 1 },
    });
    expect(decodeOptionsFromSpec({ strategy: 'greedy' }, { temperature: 0.5, seed: 1 })).toEqual({
      strategy: 'sample',
      maxNewTokens: 100,
      sampling: { temperature: 0.5, seed: 1 },
    });
    expect(decodeOptionsFromSpec(spec, { strategy: 'greedy' })).toEqual({
      strategy: 'greedy',
      maxNewTokens: 50,
      repetitionPenalty: 1.2,
    });
  });

  it('refuses overrides that do not fit, by name', () => {
    expect(() => decodeOptionsFromSpec(undefined, { temperature: 0.5, beamWidth: 2 })).toThrow(
      'temperature (sampling) and beamWidth (beam search) do not go together',
    );
    expect(() => decodeOptionsFromSpec(undefined, { strategy: 'greedy', topP: 0.5 })).toThrow(
      'topP applies to strategy "sample", not "greedy"',
    );
    expect(() => decodeOptionsFromSpec(undefined, { strategy: 'sample', nBest: 2 })).toThrow(
      'nBest applies to strategy "beam", not "sample"',
    );
    expect(() => decodeOptionsFromSpec(undefined, { temperature: 0 })).toThrow(
      'sampling.temperature must be a number > 0',
    );
    expect(() => decodeOptionsFromSpec({ strategy: 'beam', beamWidth: 2 }, { nBest: 3 })).toThrow(
      'beam.nBest must be an integer from 1 to beam.width (2), got 3',
    );
  });
});
