// A spec's `decoding` block (and a caller's overrides, e.g. CLI flags) as DecodeOptions. The
// block's `stop` texts are not mapped: they become token sequences (`stopSequences`) only with the
// task's tokenizer, so the task maps them.
import { modelSchema } from '../spec/schema.generated.js';
import type { DecodingSpecInput } from '../spec/types.generated.js';
import { checkDecodeOptions, DecodeError } from './check-options.js';
import type { DecodeOptions } from './contract.js';

/** Settings that replace the spec's, named as in the spec's `decoding` block. */
export interface DecodingOverrides {
  strategy?: 'greedy' | 'sample' | 'beam';
  maxLength?: number;
  repetitionPenalty?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  beamWidth?: number;
  lengthPenalty?: number;
  nBest?: number;
}

const samplingFields = ['temperature', 'topK', 'topP', 'seed'] as const;
const beamFields = ['beamWidth', 'lengthPenalty', 'nBest'] as const;

/** A default of the schema (the one source of them), e.g. beamDecoding.beamWidth. */
function schemaDefault(definition: string, property: string): number {
  const defs = modelSchema.$defs as Record<
    string,
    { properties?: Record<string, { default?: unknown }> }
  >;
  const value = defs[definition]?.properties?.[property]?.default;
  if (typeof value !== 'number')
    throw new Error(`the schema has no default for ${definition}.${property}`);
  return value;
}

/**
 * DecodeOptions from a spec's `decoding` block (absent: greedy) with `overrides` applied. Without
 * an override of `strategy`, overriding a sampling setting (temperature, topK, topP, seed) chooses
 * sampling and a beam setting (beamWidth, lengthPenalty, nBest) beam search. The spec's settings
 * of its own strategy carry over only when that strategy stays; maxLength (-> maxNewTokens) and
 * repetitionPenalty always do. A setting of another strategy than the one chosen is refused.
 * Missing: stopSequences (the task tokenizes `decoding.stop`), endToken and signal.
 */
export function decodeOptionsFromSpec(
  decoding: DecodingSpecInput | undefined,
  overrides: DecodingOverrides = {},
): DecodeOptions {
  const given = (fields: readonly (keyof DecodingOverrides)[]) =>
    fields.filter((field) => overrides[field] !== undefined);
  let strategy = overrides.strategy;
  if (strategy === undefined) {
    const sampling = given(samplingFields);
    const beam = given(beamFields);
    if (sampling.length > 0 && beam.length > 0) {
      throw new DecodeError(
        `${sampling[0]} (sampling) and ${beam[0]} (beam search) do not go together: choose strategy "sample" or "beam"`,
      );
    }
    strategy =
      beam.length > 0 ? 'beam' : sampling.length > 0 ? 'sample' : (decoding?.strategy ?? 'greedy');
  }
  for (const field of given(samplingFields)) {
    if (strategy !== 'sample')
      throw new DecodeError(`${field} applies to strategy "sample", not "${strategy}"`);
  }
  for (const field of given(beamFields)) {
    if (strategy !== 'beam')
      throw new DecodeError(`${field} applies to strategy "beam", not "${strategy}"`);
  }

  const options: DecodeOptions = {
    strategy,
    maxNewTokens:
      overrides.maxLength ?? decoding?.maxLength ?? schemaDefault('greedyDecoding', 'maxLength'),
  };
  const repetitionPenalty = overrides.repetitionPenalty ?? decoding?.repetitionPenalty;
  if (repetitionPenalty !== undefined) options.repetitionPenalty = repetitionPenalty;
  if (strategy === 'sample') {
    const spec = decoding?.strategy === 'sample' ? decoding : undefined;
    const temperature =
      overrides.temperature ?? spec?.temperature ?? schemaDefault('sampleDecoding', 'temperature');
    const topK = overrides.topK ?? spec?.topK;
    const topP = overrides.topP ?? spec?.topP;
    const seed = overrides.seed ?? spec?.seed;
    options.sampling = {
      temperature,
      ...(topK !== undefined ? { topK } : {}),
      ...(topP !== undefined ? { topP } : {}),
      ...(seed !== undefined ? { seed } : {}),
    };
  } else if (strategy === 'beam') {
    const spec = decoding?.strategy === 'beam' ? decoding : undefined;
    const nBest = overrides.nBest ?? spec?.nBest;
    options.beam = {
      width: overrides.beamWidth ?? spec?.beamWidth ?? schemaDefault('beamDecoding', 'beamWidth'),
      lengthPenalty:
        overrides.lengthPenalty ??
        spec?.lengthPenalty ??
        schemaDefault('beamDecoding', 'lengthPenalty'),
      ...(nBest !== undefined ? { nBest } : {}),
    };
  }
  checkDecodeOptions(options); // bad overrides fail here, named
  return options;
}
