// The decoding settings of one generation: the caller's options over the spec's `decoding` block
// over the defaults, checked so that a setting is honoured or refused by name, never ignored.
// A strategy given as an option replaces the spec's block: the spec's temperature applies only when
// the strategy is the spec's (its maxLength applies to every strategy).
import {
  type DecodeOptions,
  type DecodingSpec,
  GenerationOptionError,
  type TextGenerationOptions,
} from '@recurrent/core';

/** New tokens when neither the options nor the spec say (the schema's decoding.maxLength default). */
export const defaultMaxTokens = 100;
/** Beams when beam search is asked for without a width (the schema's default). */
export const defaultBeamWidth = 4;

type Strategy = DecodeOptions['strategy'];

const optionNames: readonly (keyof TextGenerationOptions)[] = [
  'maxTokens',
  'strategy',
  'temperature',
  'topK',
  'topP',
  'repetitionPenalty',
  'beamWidth',
  'nBest',
  'lengthPenalty',
  'stop',
  'seed',
  'allowUnknown',
  'signal',
];

/** The strategies each setting applies to (the rest apply to all). */
const appliesTo: Partial<Record<keyof TextGenerationOptions, readonly Strategy[]>> = {
  temperature: ['sample'],
  topK: ['sample'],
  topP: ['sample'],
  seed: ['sample'],
  beamWidth: ['beam'],
  nBest: ['beam'],
  lengthPenalty: ['beam'],
};

const strategyNames: Record<Strategy, string> = {
  greedy: 'greedy decoding',
  sample: 'sampling',
  beam: 'beam search',
};

/** Decoding options without the stop sequences (those need the tokenizer). */
export type ResolvedDecoding = Omit<DecodeOptions, 'stopSequences' | 'endToken' | 'signal'>;

function check(ok: boolean, option: keyof TextGenerationOptions, problem: string): void {
  if (!ok) throw new GenerationOptionError(option, problem);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInteger = (v: unknown): v is number => Number.isInteger(v);
const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Refuses option names generate does not know and values of the wrong type or range. */
function checkValues(options: TextGenerationOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `the generation options must be an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!optionNames.includes(key as keyof TextGenerationOptions)) {
      throw new GenerationOptionError(
        key as keyof TextGenerationOptions,
        `is not a generation option (they are ${optionNames.join(', ')})`,
      );
    }
  }
  const o = options as Record<keyof TextGenerationOptions, unknown>;
  if (o.maxTokens !== undefined) {
    check(
      isInteger(o.maxTokens) && (o.maxTokens as number) >= 0,
      'maxTokens',
      `must be a whole number of tokens, 0 or more (got ${shown(o.maxTokens)})`,
    );
  }
  if (o.strategy !== undefined) {
    check(
      o.strategy === 'greedy' || o.strategy === 'sample' || o.strategy === 'beam',
      'strategy',
      `must be "greedy", "sample" or "beam" (got ${shown(o.strategy)})`,
    );
  }
  if (o.temperature !== undefined) {
    check(
      isNumber(o.temperature) && o.temperature > 0,
      'temperature',
      `must be a number above 0 (got ${shown(o.temperature)}; for the most probable token each step use greedy decoding)`,
    );
  }
  if (o.topK !== undefined) {
    check(
      isInteger(o.topK) && (o.topK as number) >= 1,
      'topK',
      `must be a whole number, 1 or more (got ${shown(o.topK)})`,
    );
  }
  if (o.topP !== undefined) {
    check(
      isNumber(o.topP) && o.topP > 0 && o.topP <= 1,
      'topP',
      `must be a probability in (0, 1] (got ${shown(o.topP)})`,
    );
  }
  if (o.repetitionPenalty !== undefined) {
    check(
      isNumber(o.repetitionPenalty) && o.repetitionPenalty > 0,
      'repetitionPenalty',
      `must be a number above 0 (1 = no penalty; got ${shown(o.repetitionPenalty)})`,
    );
  }
  if (o.beamWidth !== undefined) {
    check(
      isInteger(o.beamWidth) && (o.beamWidth as number) >= 1,
      'beamWidth',
      `must be a whole number, 1 or more (got ${shown(o.beamWidth)})`,
    );
  }
  if (o.nBest !== undefined) {
    check(
      isInteger(o.nBest) && (o.nBest as number) >= 1,
      'nBest',
      `must be a whole number, 1 or more (got ${shown(o.nBest)})`,
    );
  }
  if (o.lengthPenalty !== undefined) {
    check(
      isNumber(o.lengthPenalty) && o.lengthPenalty >= 0,
      'lengthPenalty',
      `must be a number, 0 or more (got ${shown(o.lengthPenalty)})`,
    );
  }
  if (o.seed !== undefined) {
    check(
      isInteger(o.seed) && (o.seed as number) >= 0 && (o.seed as number) <= 0xffffffff,
      'seed',
      `must be a whole number from 0 to 4294967295 (got ${shown(o.seed)})`,
    );
  }
  if (o.stop !== undefined) {
    check(
      Array.isArray(o.stop) && o.stop.every((s) => typeof s === 'string'),
      'stop',
      'must be a list of texts',
    );
  }
  if (o.allowUnknown !== undefined) {
    check(typeof o.allowUnknown === 'boolean', 'allowUnknown', 'must be true or false');
  }
  if (o.signal !== undefined) {
    check(
      typeof o.signal === 'object' && o.signal !== null && 'aborted' in o.signal,
      'signal',
      'must be an AbortSignal',
    );
  }
}

/** A seed for sampling when none is given: from the platform's random source. */
function freshSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] as number;
}

/**
 * The decoding settings of one generation, or a GenerationOptionError naming the option that
 * cannot be honoured. `seed` is the one sampling uses (drawn when neither the options nor the
 * spec give one), so a caller can report it and the run can be repeated.
 */
export function resolveDecoding(
  spec: DecodingSpec | undefined,
  options: TextGenerationOptions,
): ResolvedDecoding & { seed?: number } {
  checkValues(options);
  const strategy: Strategy = options.strategy ?? spec?.strategy ?? 'greedy';
  const fromSpec = options.strategy === undefined || options.strategy === spec?.strategy;
  const where =
    options.strategy !== undefined
      ? 'asked for'
      : spec
        ? "the spec's decoding.strategy"
        : 'the default: the spec has no decoding block';
  for (const [option, strategies] of Object.entries(appliesTo)) {
    const key = option as keyof TextGenerationOptions;
    if (options[key] !== undefined && !strategies.includes(strategy)) {
      throw new GenerationOptionError(
        key,
        `applies to ${strategyNames[strategies[0] as Strategy]}, and the strategy is ${strategyNames[strategy]} (${where})`,
      );
    }
  }
  const maxNewTokens = options.maxTokens ?? spec?.maxLength ?? defaultMaxTokens;
  const repetitionPenalty = options.repetitionPenalty;
  const common = {
    maxNewTokens,
    ...(repetitionPenalty !== undefined && repetitionPenalty !== 1 ? { repetitionPenalty } : {}),
  };
  if (strategy === 'sample') {
    const own = fromSpec && spec?.strategy === 'sample' ? spec : undefined;
    const temperature = options.temperature ?? own?.temperature ?? 1;
    const topK = options.topK ?? own?.topK;
    const topP = options.topP ?? own?.topP;
    const seed = options.seed ?? own?.seed ?? freshSeed();
    return {
      strategy,
      ...common,
      sampling: {
        temperature,
        ...(topK !== undefined ? { topK } : {}),
        ...(topP !== undefined ? { topP } : {}),
        seed,
      },
      seed,
    };
  }
  if (strategy === 'beam') {
    const own = fromSpec && spec?.strategy === 'beam' ? spec : undefined;
    const width = options.beamWidth ?? own?.beamWidth ?? defaultBeamWidth;
    const lengthPenalty = options.lengthPenalty ?? own?.lengthPenalty ?? 1;
    const nBest = options.nBest ?? 1;
    if (nBest > width) {
      throw new GenerationOptionError(
        'nBest',
        `${nBest} asks for more hypotheses than the ${width} beams the search keeps ({beamWidth}${options.beamWidth === undefined ? (own ? ", from the spec's decoding block" : ', the default') : ''})`,
      );
    }
    return { strategy, ...common, beam: { width, lengthPenalty, nBest } };
  }
  return { strategy, ...common };
}
