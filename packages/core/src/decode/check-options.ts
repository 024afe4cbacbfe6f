// Checks decoding options, the prompt and the stepper before any step is made, and gives the
// decoding loops one complete, normalized set of settings. Every error names the option and value.
import type { DecodeOptions, DecodeStepper } from './contract.js';

/** Decoding options, a prompt or a model's scores that cannot be decoded. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** Options with every default applied (see contract.ts for what each means). */
export interface CheckedDecodeOptions {
  strategy: 'greedy' | 'sample' | 'beam';
  maxNewTokens: number;
  temperature: number;
  topK: number | undefined;
  topP: number;
  seed: number;
  repetitionPenalty: number;
  width: number;
  lengthPenalty: number;
  nBest: number;
  stopSequences: readonly (readonly number[])[];
  endToken: number | undefined;
  signal: AbortSignal | undefined;
}

const strategies = ['greedy', 'sample', 'beam'] as const;
const maxSeed = 4294967295;

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}

function fail(message: string): never {
  throw new DecodeError(message);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function checkPositive(name: string, value: unknown, hint = ''): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(`${name} must be a number > 0${hint}, got ${show(value)}`);
  }
  return value;
}

/** The strategy-independent checks (no prompt, no model): what `decodeOptionsFromSpec` can check. */
export function checkDecodeOptions(options: DecodeOptions): CheckedDecodeOptions {
  if (options === null || typeof options !== 'object') {
    fail(`decoding options must be an object, got ${show(options)}`);
  }
  const { strategy, sampling, beam } = options;
  if (!strategies.includes(strategy)) {
    fail(`strategy must be "greedy", "sample" or "beam", got ${show(strategy)}`);
  }
  if (!isInteger(options.maxNewTokens) || options.maxNewTokens < 0) {
    fail(`maxNewTokens must be an integer >= 0, got ${show(options.maxNewTokens)}`);
  }
  // Settings of another strategy are refused, not ignored.
  if (strategy !== 'sample' && sampling !== undefined) {
    for (const [key, value] of Object.entries(sampling)) {
      if (value !== undefined) {
        fail(`sampling.${key} applies to strategy "sample", not "${strategy}"`);
      }
    }
  }
  if (strategy !== 'beam' && beam !== undefined) {
    fail(`beam applies to strategy "beam", not "${strategy}"`);
  }

  let temperature = 1;
  let topK: number | undefined;
  let topP = 1;
  let seed = 0;
  if (strategy === 'sample') {
    const s = sampling ?? {};
    if (s.temperature !== undefined) {
      temperature = checkPositive(
        'sampling.temperature',
        s.temperature,
        ' (for the most probable token use strategy "greedy")',
      );
    }
    if (s.topK !== undefined) {
      if (!isInteger(s.topK) || s.topK < 1) {
        fail(`sampling.topK must be an integer >= 1, got ${show(s.topK)}`);
      }
      topK = s.topK;
    }
    if (s.topP !== undefined) {
      if (typeof s.topP !== 'number' || !(s.topP > 0 && s.topP <= 1)) {
        fail(`sampling.topP must be a number in (0, 1], got ${show(s.topP)}`);
      }
      topP = s.topP;
    }
    if (s.seed !== undefined) {
      if (!isInteger(s.seed) || s.seed < 0 || s.seed > maxSeed) {
        fail(`sampling.seed must be an integer from 0 to ${maxSeed}, got ${show(s.seed)}`);
      }
      seed = s.seed;
    } else {
      // No seed asked for: a fresh one, so unseeded runs differ.
      seed = Math.floor(Math.random() * (maxSeed + 1));
    }
  }

  const repetitionPenalty =
    options.repetitionPenalty === undefined
      ? 1
      : checkPositive('repetitionPenalty', options.repetitionPenalty, ' (1 means no penalty)');

  let width = 1;
  let lengthPenalty = 1;
  let nBest = 1;
  if (strategy === 'beam') {
    if (beam === undefined || beam === null) fail('strategy "beam" needs beam.width');
    if (!isInteger(beam.width) || beam.width < 1) {
      fail(`beam.width must be an integer >= 1, got ${show(beam.width)}`);
    }
    width = beam.width;
    if (beam.lengthPenalty !== undefined) {
      if (typeof beam.lengthPenalty !== 'number' || !Number.isFinite(beam.lengthPenalty)) {
        fail(`beam.lengthPenalty must be a finite number, got ${show(beam.lengthPenalty)}`);
      }
      lengthPenalty = beam.lengthPenalty;
    }
    if (beam.nBest !== undefined) {
      if (!isInteger(beam.nBest) || beam.nBest < 1 || beam.nBest > width) {
        fail(
          `beam.nBest must be an integer from 1 to beam.width (${width}), got ${show(beam.nBest)}`,
        );
      }
      nBest = beam.nBest;
    }
  }

  const stopSequences = options.stopSequences ?? [];
  if (!Array.isArray(stopSequences)) {
    fail(`stopSequences must be an array of token-id arrays, got ${show(stopSequences)}`);
  }
  stopSequences.forEach((sequence, i) => {
    if (!Array.isArray(sequence)) {
      fail(`stopSequences[${i}] must be an array of token ids, got ${show(sequence)}`);
    }
    if (sequence.length === 0) {
      fail(`stopSequences[${i}] is empty: a stop sequence needs at least one token`);
    }
    sequence.forEach((token, j) => {
      if (!isInteger(token) || token < 0) {
        fail(`stopSequences[${i}][${j}] must be a token id (an integer >= 0), got ${show(token)}`);
      }
    });
  });

  if (options.endToken !== undefined && (!isInteger(options.endToken) || options.endToken < 0)) {
    fail(`endToken must be a token id (an integer >= 0), got ${show(options.endToken)}`);
  }
  const signal = options.signal;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) {
    fail(`signal must be an AbortSignal, got ${show(signal)}`);
  }

  return {
    strategy,
    maxNewTokens: options.maxNewTokens,
    temperature,
    topK,
    topP,
    seed,
    repetitionPenalty,
    width,
    lengthPenalty,
    nBest,
    stopSequences,
    endToken: options.endToken,
    signal,
  };
}

/** Everything `decode` checks before reading the prompt: options, prompt and ids against the model. */
export function checkDecodeCall(
  stepper: DecodeStepper<unknown>,
  prompt: Int32Array,
  options: DecodeOptions,
): CheckedDecodeOptions {
  const checked = checkDecodeOptions(options);
  const size = stepper?.vocabularySize;
  if (!isInteger(size) || size < 1) {
    fail(`the stepper's vocabularySize must be an integer >= 1, got ${show(size)}`);
  }
  const range = `the vocabulary of ${size} tokens (ids 0 to ${size - 1})`;
  if (!(prompt instanceof Int32Array)) {
    fail(`the prompt must be an Int32Array of token ids, got ${show(prompt)}`);
  }
  if (prompt.length === 0) {
    fail(
      'decoding needs at least one prompt token (the model predicts each token from the ones before it), got an empty prompt',
    );
  }
  prompt.forEach((token, i) => {
    if (token < 0 || token >= size)
      fail(`prompt token ${token} (position ${i}) is outside ${range}`);
  });
  checked.stopSequences.forEach((sequence, i) => {
    sequence.forEach((token, j) => {
      if (token >= size) fail(`stopSequences[${i}][${j}] = ${token} is outside ${range}`);
    });
  });
  if (checked.endToken !== undefined && checked.endToken >= size) {
    fail(`endToken ${checked.endToken} is outside ${range}`);
  }
  return checked;
}
