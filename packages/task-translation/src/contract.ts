// The public shapes of the translation task: what `train` / `evaluate` take, what `translate`
// returns. The CLI, the playground and users' scripts are written against these.
import type { BleuResult, DecodeStopReason, Task } from '@recurrent/core';

/** One sentence pair: source-language text and its reference translation. */
export interface TranslationPair {
  source: string;
  target: string;
}

/** What `train` and `evaluate` read. */
export type TranslationPairs = readonly TranslationPair[];

export interface TranslateOptions {
  /** Default: the spec's decoding strategy (greedy when it has none). A beam setting implies beam. */
  strategy?: 'greedy' | 'beam';
  /** Beam width (implies strategy "beam"; 1 gives greedy's translation). */
  beam?: number;
  /** Hypotheses returned per input, best first (beam search; at most the width). */
  nBest?: number;
  /** Beam score = log-probability / length^lengthPenalty. */
  lengthPenalty?: number;
  /** Most target tokens per translation, the end token included (default: the spec's decoding.maxLength). */
  maxLength?: number;
  signal?: AbortSignal;
}

export interface TranslationHypothesis {
  /** The translation as text (target tokens joined as the target tokenizer detokenizes them). */
  text: string;
  tokens: string[];
  /** Beam score (length-penalised) or, for greedy, the log-probability. */
  score: number;
  /** Sum of the log-probabilities of its tokens (the end token included when it ended). */
  logProbability: number;
  stoppedBy: DecodeStopReason;
}

export interface Translation extends TranslationHypothesis {
  source: string;
  /** The source as the encoder read it: its tokens (unknown ones as "<unk>") then "<eos>". */
  sourceTokens: string[];
  /**
   * attention[i][j]: the weight of source token j (sourceTokens) when output token i was written;
   * one row per output token, plus one for "<eos>" when the translation ended with it. Rows sum to 1.
   */
  attention: number[][];
  /** With nBest: the best hypotheses, best first (the first is this translation). */
  hypotheses?: TranslationHypothesis[];
}

export interface TranslationEvaluation {
  /** Corpus BLEU as sacrebleu computes it (0-100), references normalised as the target tokenizer does. */
  bleu: number;
  bleuDetails: BleuResult;
  /** How the translations were decoded. */
  strategy: 'greedy' | 'beam';
  beamWidth?: number;
  /** Teacher-forced: share of target tokens (eos included) the model ranks first. */
  tokenAccuracy: number;
  /** Teacher-forced mean cross-entropy per target token (nats) and its exponential. */
  loss: number;
  perplexity: number;
  pairs: number;
  /** Source tokens read as <unk>, of all source tokens. */
  unknownSourceRate: number;
}

export interface EvaluateOptions {
  strategy?: 'greedy' | 'beam';
  beam?: number;
  lengthPenalty?: number;
  maxLength?: number;
}

/** The translation task (implemented by TranslationTask). */
export interface TranslationTaskApi extends Task<TranslationPairs, TranslationEvaluation> {
  translate(texts: readonly string[], options?: TranslateOptions): Promise<Translation[]>;
  evaluate(pairs: TranslationPairs, options?: EvaluateOptions): Promise<TranslationEvaluation>;
}
