// The contract between decoding algorithms (greedy, sampling, beam search: decode.ts) and what
// they decode from (a model: model-stepper.ts; a hand-made table in tests). Decoding reads the
// prompt once, then makes one recurrent step per new token with the state carried.

/** Next-token scores for each row, row-major [rows × vocabularySize], read back to the CPU. */
export interface StepScores<S> {
  logits: Float32Array;
  /** The state after reading the tokens; the stepper's to free with `release`. */
  state: S;
}

/**
 * One language model, seen one token at a time. Rows are hypotheses (one for greedy or sampling,
 * the beams for beam search). A state passed in is never freed or changed by the stepper: the
 * caller releases each state it no longer needs.
 */
export interface DecodeStepper<S> {
  readonly vocabularySize: number;
  /**
   * Reads a prompt of at least one token in one pass (one row) from a zero state: the scores of
   * the token after its last one, and the state after it.
   */
  prefill(prompt: Int32Array): Promise<StepScores<S>>;
  /** Reads one token per row (tokens.length rows) from `state` (that many rows). */
  step(tokens: Int32Array, state: S): Promise<StepScores<S>>;
  /** A state made of the given rows of `state`, in that order (rows may repeat). */
  select(state: S, rows: Int32Array): S;
  release(state: S): void;
}

export interface SamplingOptions {
  /** Divides the logits before the softmax (default 1); 0 is refused (use greedy). */
  temperature?: number;
  /** Keep the k most probable tokens. */
  topK?: number;
  /** Keep the smallest set of most probable tokens whose probability reaches p, in (0, 1]. */
  topP?: number;
  /** Seed of core's Random; the draw is made on the CPU from the probabilities. */
  seed?: number;
}

export interface DecodeOptions {
  strategy: 'greedy' | 'sample' | 'beam';
  /** New tokens at most (0: none are generated). */
  maxNewTokens: number;
  sampling?: SamplingOptions;
  /**
   * Hugging Face's repetition penalty (> 0, 1 = none): the logit of every token already in the
   * prompt or the output is divided by it when positive and multiplied by it when negative.
   */
  repetitionPenalty?: number;
  beam?: {
    width: number;
    /** Score = sum of log-probabilities / (generated length)^lengthPenalty (default 1). */
    lengthPenalty?: number;
    /** Hypotheses returned, best first (default 1, at most width). */
    nBest?: number;
  };
  /** Token sequences that end the output when it ends with one (not included in the output). */
  stopSequences?: readonly (readonly number[])[];
  /** A token that ends the output (not included), e.g. <eos> in translation. */
  endToken?: number;
  /** Checked between steps: an aborted signal ends decoding with stoppedBy "aborted". */
  signal?: AbortSignal;
}

export type StopReason = 'maxTokens' | 'stop' | 'end' | 'aborted';

export interface Hypothesis {
  /** New token ids (the prompt excluded, a stop sequence or end token excluded). */
  tokens: number[];
  /** Sum of the log-probabilities of the generated tokens (after repetition penalty / temperature). */
  logProbability: number;
  /** The beam-search score (logProbability / length^lengthPenalty); logProbability otherwise. */
  score: number;
  stoppedBy: StopReason;
}

export interface DecodeResult {
  /** Best first: one for greedy and sampling, nBest for beam search. */
  hypotheses: Hypothesis[];
}

/** One token as it is decided (greedy and sampling only: a beam's tokens are final at the end). */
export interface DecodedToken {
  token: number;
  /** Its log-probability under the distribution it was chosen from. */
  logProbability: number;
}
