// The decoding settings of `translate` and `evaluate`: the caller's options over the spec's
// `decoding` block (core's decodeOptionsFromSpec supplies the schema's defaults). Checked here
// first, so that a setting that cannot be honoured is refused by this API's option name
// (TranslationOptionError, which the CLI can render with its flags), never ignored.
import {
  type DecodeOptions,
  type DecodingOverrides,
  type DecodingSpec,
  decodeOptionsFromSpec,
  TaskError,
} from '@recurrent/core';
import type { EvaluateOptions, TranslateOptions } from './contract.js';

/** A translate or evaluate option that cannot be honoured; `option` is its name in the API. */
export class TranslationOptionError extends TaskError {
  override name = 'TranslationOptionError';
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`${option} ${problem}`);
  }
}

const translateOptions = ['strategy', 'beam', 'nBest', 'lengthPenalty', 'maxLength', 'signal'];
const evaluateOptions = ['strategy', 'beam', 'lengthPenalty', 'maxLength'];
const beamOptions = ['beam', 'nBest', 'lengthPenalty'] as const;

/** What one translation (or evaluation) decodes with. */
export interface ResolvedDecoding {
  strategy: 'greedy' | 'beam';
  /** Target tokens at most, the end token included. */
  maxLength: number;
  beam?: { width: number; lengthPenalty: number; nBest: number };
  /** Whether n-best hypotheses were asked for (options or the spec's decoding.nBest). */
  nBestAsked: boolean;
}

const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const isInteger = (v: unknown): v is number => Number.isInteger(v);

function fail(option: string, problem: string): never {
  throw new TranslationOptionError(option, problem);
}

function checkValues(options: Record<string, unknown>, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `the options must be an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key) && options[key] !== undefined) {
      fail(key, `is not an option here (they are ${known.join(', ')})`);
    }
  }
  const { strategy, beam, nBest, lengthPenalty, maxLength, signal } = options;
  if (strategy !== undefined && strategy !== 'greedy' && strategy !== 'beam') {
    fail('strategy', `must be "greedy" or "beam" (got ${shown(strategy)})`);
  }
  if (beam !== undefined && !(isInteger(beam) && beam >= 1)) {
    fail('beam', `must be a whole number of hypotheses, 1 or more (got ${shown(beam)})`);
  }
  if (nBest !== undefined && !(isInteger(nBest) && nBest >= 1)) {
    fail('nBest', `must be a whole number, 1 or more (got ${shown(nBest)})`);
  }
  if (
    lengthPenalty !== undefined &&
    !(typeof lengthPenalty === 'number' && Number.isFinite(lengthPenalty) && lengthPenalty >= 0)
  ) {
    fail('lengthPenalty', `must be a number, 0 or more (got ${shown(lengthPenalty)})`);
  }
  if (maxLength !== undefined && !(isInteger(maxLength) && maxLength >= 1)) {
    fail(
      'maxLength',
      `must be a whole number of target tokens, 1 or more: the end token counts among them (got ${shown(maxLength)})`,
    );
  }
  if (
    signal !== undefined &&
    !(typeof signal === 'object' && signal !== null && 'aborted' in signal)
  ) {
    fail('signal', 'must be an AbortSignal');
  }
}

/**
 * The strategy, width, length penalty, n-best and maximum length one call decodes with: the
 * options', else the spec's decoding block's (for its own strategy), else the schema's defaults.
 * A beam setting without a strategy chooses beam search; with strategy "greedy" it is refused.
 * Without either, translate takes the spec's strategy and evaluate greedy (`fallback`).
 */
function resolve(
  spec: DecodingSpec | undefined,
  options: TranslateOptions,
  known: readonly string[],
  fallback: 'spec' | 'greedy',
): ResolvedDecoding {
  checkValues(options as Record<string, unknown>, known);
  const beamGiven = beamOptions.filter((name) => options[name] !== undefined);
  let strategy: 'greedy' | 'beam';
  let why: string;
  if (options.strategy !== undefined) {
    strategy = options.strategy;
    why = 'asked for';
  } else if (beamGiven.length > 0) {
    strategy = 'beam';
    why = `chosen by ${beamGiven[0]}`;
  } else if (fallback === 'spec' && spec) {
    // The spec's strategy is greedy or beam: translationSettings refuses sampling.
    strategy = spec.strategy === 'beam' ? 'beam' : 'greedy';
    why = "the spec's decoding.strategy";
  } else {
    strategy = 'greedy';
    why = 'the default';
  }
  if (strategy === 'greedy' && beamGiven.length > 0) {
    fail(
      beamGiven[0] as string,
      `applies to beam search, and the strategy is greedy (${why}); give strategy "beam" or leave it out`,
    );
  }
  const specBeam = spec?.strategy === 'beam' ? spec : undefined;
  let nBest = 1;
  if (strategy === 'beam') {
    // nBest against the width the search keeps, named, before core's own check.
    const width =
      options.beam ??
      specBeam?.beamWidth ??
      (decodeOptionsFromSpec(undefined, { strategy: 'beam' }).beam?.width as number);
    nBest = options.nBest ?? specBeam?.nBest ?? 1;
    if (nBest > width) {
      if (options.nBest === undefined) {
        fail(
          'beam',
          `${width} keeps fewer beams than the spec's decoding.nBest (${nBest}) asks for`,
        );
      }
      const from =
        options.beam !== undefined
          ? ''
          : specBeam !== undefined
            ? ", from the spec's decoding block"
            : ', the default';
      fail(
        'nBest',
        `${nBest} asks for more hypotheses than the ${width} beams the search keeps (beam${from})`,
      );
    }
  }
  const overrides: DecodingOverrides = {
    strategy,
    ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
    ...(options.beam !== undefined ? { beamWidth: options.beam } : {}),
    ...(options.lengthPenalty !== undefined ? { lengthPenalty: options.lengthPenalty } : {}),
    ...(strategy === 'beam' ? { nBest } : {}),
  };
  const decode: DecodeOptions = decodeOptionsFromSpec(spec, overrides);
  const resolved: ResolvedDecoding = {
    strategy,
    maxLength: decode.maxNewTokens,
    nBestAsked:
      strategy === 'beam' && (options.nBest !== undefined || specBeam?.nBest !== undefined),
  };
  if (decode.beam) {
    resolved.beam = {
      width: decode.beam.width,
      lengthPenalty: decode.beam.lengthPenalty ?? 1,
      nBest,
    };
  }
  return resolved;
}

export function translateDecoding(
  spec: DecodingSpec | undefined,
  options: TranslateOptions = {},
): ResolvedDecoding {
  return resolve(spec, options, translateOptions, 'spec');
}

/**
 * Evaluation decodes greedily unless asked (a beam setting or strategy "beam"): the batched greedy
 * decoder is what validation uses each epoch, so the two BLEU scores mean the same.
 */
export function evaluateDecoding(
  spec: DecodingSpec | undefined,
  options: EvaluateOptions = {},
): ResolvedDecoding {
  return resolve(spec, options, evaluateOptions, 'greedy');
}

/** core's DecodeOptions for one sentence (the end token and signal added by the caller). */
export function decodeOptions(resolved: ResolvedDecoding): DecodeOptions {
  return {
    strategy: resolved.strategy,
    maxNewTokens: resolved.maxLength,
    ...(resolved.beam
      ? {
          beam: {
            width: resolved.beam.width,
            lengthPenalty: resolved.beam.lengthPenalty,
            nBest: resolved.beam.nBest,
          },
        }
      : {}),
  };
}
