// The decoding settings of one generation: the caller's options over the spec's `decoding` block,
// mapped by core's decodeOptionsFromSpec (the rules every task shares: which strategy runs, which
// of the spec's settings carry over, the schema's defaults). Checked here first, so that a setting
// that cannot be honoured is refused by this API's option name (GenerationOptionError, which the
// CLI renders with its flags), never ignored.
import {
  type DecodeOptions,
  type DecodingOverrides,
  type DecodingSpec,
  decodeOptionsFromSpec,
  GenerationOptionError,
  type TextGenerationOptions,
} from '@recurrent/core';

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

/** Settings of one strategy: giving one without a strategy chooses it (core's rule). */
const samplingOptions = ['temperature', 'topK', 'topP', 'seed'] as const;
const beamOptions = ['beamWidth', 'lengthPenalty', 'nBest'] as const;

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
  const integer = (name: keyof TextGenerationOptions, min: number, what: string) => {
    const v = o[name];
    if (v !== undefined)
      check(isInteger(v) && (v as number) >= min, name, `${what} (got ${shown(v)})`);
  };
  integer('maxTokens', 0, 'must be a whole number of tokens, 0 or more');
  integer('topK', 1, 'must be a whole number, 1 or more');
  integer('beamWidth', 1, 'must be a whole number, 1 or more');
  integer('nBest', 1, 'must be a whole number, 1 or more');
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

/**
 * The strategy that runs and why: the option, else the one its settings choose (a sampling
 * setting: sampling; a beam setting: beam search), else the spec's, else greedy. A setting of
 * another strategy is refused. (The same rule as core's decodeOptionsFromSpec, checked here to
 * name the option as this API does.)
 */
function chooseStrategy(
  spec: DecodingSpec | undefined,
  options: TextGenerationOptions,
): { strategy: Strategy; why: string } {
  const given = (names: readonly (keyof TextGenerationOptions)[]) =>
    names.filter((name) => options[name] !== undefined);
  const sampling = given(samplingOptions);
  const beam = given(beamOptions);
  let chosen: { strategy: Strategy; why: string };
  if (options.strategy !== undefined) {
    chosen = { strategy: options.strategy, why: 'asked for' };
  } else if (sampling.length > 0 && beam.length > 0) {
    throw new GenerationOptionError(
      beam[0] as keyof TextGenerationOptions,
      `(beam search) and {${sampling[0]}} (sampling) do not go together: choose {strategy} "sample" or "beam"`,
    );
  } else if (beam.length > 0) {
    chosen = { strategy: 'beam', why: `chosen by {${beam[0]}}` };
  } else if (sampling.length > 0) {
    chosen = { strategy: 'sample', why: `chosen by {${sampling[0]}}` };
  } else if (spec) {
    chosen = { strategy: spec.strategy, why: "the spec's decoding.strategy" };
  } else {
    chosen = { strategy: 'greedy', why: 'the default: the spec has no decoding block' };
  }
  for (const [names, strategy] of [
    [sampling, 'sample'],
    [beam, 'beam'],
  ] as const) {
    const name = names[0];
    if (name !== undefined && chosen.strategy !== strategy) {
      throw new GenerationOptionError(
        name,
        `applies to ${strategyNames[strategy]}, and the strategy is ${strategyNames[chosen.strategy]} (${chosen.why})`,
      );
    }
  }
  return chosen;
}

/** The strategy `options` run with, checked as `resolveDecoding` checks them. */
export function decodingStrategy(
  spec: DecodingSpec | undefined,
  options: TextGenerationOptions,
): Strategy {
  checkValues(options);
  return chooseStrategy(spec, options).strategy;
}

/** A seed for sampling when neither the options nor the spec give one. */
function freshSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] as number;
}

/**
 * The decoding settings of one generation, or a GenerationOptionError naming the option that
 * cannot be honoured. `seed` is the one sampling uses (drawn here when neither the options nor
 * the spec give one), so a caller can report it and the text can be repeated.
 */
export function resolveDecoding(
  spec: DecodingSpec | undefined,
  options: TextGenerationOptions,
): ResolvedDecoding & { seed?: number } {
  checkValues(options);
  const { strategy } = chooseStrategy(spec, options);
  const own = spec?.strategy === strategy ? spec : undefined;
  const overrides: DecodingOverrides = {
    strategy,
    ...(options.maxTokens !== undefined ? { maxLength: options.maxTokens } : {}),
    ...(options.repetitionPenalty !== undefined
      ? { repetitionPenalty: options.repetitionPenalty }
      : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.topK !== undefined ? { topK: options.topK } : {}),
    ...(options.topP !== undefined ? { topP: options.topP } : {}),
    ...(options.beamWidth !== undefined ? { beamWidth: options.beamWidth } : {}),
    ...(options.lengthPenalty !== undefined ? { lengthPenalty: options.lengthPenalty } : {}),
  };
  let seed: number | undefined;
  if (strategy === 'sample') {
    seed = options.seed ?? (own?.strategy === 'sample' ? own.seed : undefined) ?? freshSeed();
    overrides.seed = seed;
  }
  if (strategy === 'beam') {
    // nBest against the width the search will keep, named, before core's check.
    const specBeam = own?.strategy === 'beam' ? own : undefined;
    const width =
      options.beamWidth ??
      specBeam?.beamWidth ??
      (decodeOptionsFromSpec(undefined, { strategy: 'beam' }).beam?.width as number);
    const nBest = options.nBest ?? specBeam?.nBest;
    if (nBest !== undefined && nBest > width) {
      const from =
        options.beamWidth !== undefined
          ? ''
          : specBeam
            ? ", from the spec's decoding block"
            : ', the default';
      throw new GenerationOptionError(
        options.nBest !== undefined ? 'nBest' : 'beamWidth',
        options.nBest !== undefined
          ? `${nBest} asks for more hypotheses than the ${width} beams the search keeps ({beamWidth}${from})`
          : `${width} keeps fewer beams than the spec's decoding.nBest (${nBest}) asks for`,
      );
    }
    if (options.nBest !== undefined) overrides.nBest = options.nBest;
  }
  return { ...decodeOptionsFromSpec(spec, overrides), ...(seed !== undefined ? { seed } : {}) };
}

/** The stop texts that apply: the options', else the spec's decoding.stop. */
export function stopTexts(
  spec: DecodingSpec | undefined,
  options: TextGenerationOptions,
): { texts: readonly string[]; fromSpec: boolean } {
  if (options.stop !== undefined) return { texts: options.stop, fromSpec: false };
  return { texts: spec?.stop ?? [], fromSpec: spec?.stop !== undefined };
}
