// Text from a prompt: what a task that generates text offers (the generation task's `generate` and
// `stream`), typed here so that the CLI's `recurrent generate`, the apps and a user's script drive
// it through the registry without naming the task. The decoding itself is core's (decode/).
import type { StopReason } from '../decode/contract.js';
import { TaskError } from './registry.js';

/**
 * Settings of one generation. Each overrides the spec's `decoding` block; a setting that does not
 * apply to the strategy (topK under greedy, nBest under sampling) is refused, never ignored.
 */
export interface TextGenerationOptions {
  /** New tokens at most (default: the spec's decoding.maxLength, else 100); 0 generates none. */
  maxTokens?: number;
  /**
   * Default: the strategy the other settings choose (a sampling setting: sample; a beam setting:
   * beam), else the spec's decoding.strategy, else greedy (core's decodeOptionsFromSpec rule).
   */
  strategy?: 'greedy' | 'sample' | 'beam';
  /** Sampling: divides the logits before the softmax (> 0, default 1). */
  temperature?: number;
  /** Sampling: keep the k most probable tokens. */
  topK?: number;
  /** Sampling: keep the smallest set of most probable tokens whose probability reaches p, in (0, 1]. */
  topP?: number;
  /** Any strategy: Hugging Face's repetition penalty (> 0, 1 = none; default: the spec's). */
  repetitionPenalty?: number;
  /** Beam search: beams kept (default 4). */
  beamWidth?: number;
  /** Beam search: hypotheses returned, best first (default 1, at most beamWidth). */
  nBest?: number;
  /** Beam search: score = log-probability / length^lengthPenalty (default 1). */
  lengthPenalty?: number;
  /**
   * Texts that end the output where it ends with one (the stop text is not included); default:
   * the spec's decoding.stop.
   */
  stop?: readonly string[];
  /** Sampling: the same seed gives the same text on every backend (default: a random seed). */
  seed?: number;
  /** Read prompt tokens the vocabulary lacks as <unk> instead of refusing the prompt. */
  allowUnknown?: boolean;
  /** Aborting ends the generation between two tokens, with stoppedBy "aborted". */
  signal?: AbortSignal;
}

/** One generated text with its scores. */
export interface GeneratedHypothesis {
  text: string;
  /** The new token ids (the prompt and a stop text excluded). */
  tokens: number[];
  /** Sum of the log-probabilities of the generated tokens (natural log). */
  logProbability: number;
  /** Beam search: the length-penalised score it was ranked by; logProbability otherwise. */
  score: number;
  stoppedBy: StopReason;
}

/** What `generate` returns: the best text first, then (beam search with nBest) the others. */
export interface GeneratedText {
  /** The best hypothesis's text (the continuation: the prompt is not repeated). */
  text: string;
  tokens: number[];
  stoppedBy: StopReason;
  /** Best first: one for greedy and sampling, nBest for beam search. */
  hypotheses: GeneratedHypothesis[];
  /** The strategy that ran (see TextGenerationOptions.strategy). */
  strategy: 'greedy' | 'sample' | 'beam';
  /** Sampling: the seed it drew with (given, the spec's, or a random one), to repeat the text. */
  seed?: number;
}

/** One new token and the text it adds (pieces concatenate to `generate`'s text). */
export interface GeneratedPiece {
  token: number;
  text: string;
}

/** A task that continues a prompt (the generation task). */
export interface TextGenerator {
  /**
   * The strategy `options` run with (the option, else the one their settings choose, else the
   * spec's, else greedy), checked as `generate` checks them: e.g. to show a stream or a list.
   */
  strategyFor(options?: TextGenerationOptions): 'greedy' | 'sample' | 'beam';
  generate(prompt: string, options?: TextGenerationOptions): Promise<GeneratedText>;
  /**
   * The same text as `generate` with the same options and seed, piece by piece as tokens are
   * decided; the iterator's return value is what `generate` returns.
   */
  stream(
    prompt: string,
    options?: TextGenerationOptions,
  ): AsyncGenerator<GeneratedPiece, GeneratedText, undefined>;
}

/**
 * A generation setting that cannot be honoured, naming the option. `problem` may name other
 * options as `{optionName}`; `describe` renders the names another way (the CLI: as its flags).
 */
export class GenerationOptionError extends TaskError {
  override name = 'GenerationOptionError';
  constructor(
    readonly option: keyof TextGenerationOptions | 'prompt',
    readonly problem: string,
  ) {
    super('');
    this.message = this.describe((name) => name);
  }

  /** The message with each option's name as `label` gives it. */
  describe(label: (option: string) => string): string {
    const body = this.problem.replace(/\{(\w+)\}/g, (_, name: string) => label(name));
    return `${label(this.option)} ${body}`;
  }
}
