// The tagging task's data and results: sentences as given tokens with one tag each (tokens are
// never re-tokenized), what `tag` returns per sentence, and what `evaluate` measures.
import type { Scores, SpanReport } from '@recurrent/core';

/** Sentences with one tag per token, as the readers give them (CoNLL-U, CoNLL columns). */
export interface TaggedSentences {
  tokens: ReadonlyArray<readonly string[]>;
  tags: ReadonlyArray<readonly string[]>;
  /** Where the tags came from ('upos', 'xpos', 'column 4'): saved in the model, the default for eval and tag --conll. */
  column?: string;
  /** Column files: the 1-based column the tokens came from; saved in the model, the default for eval and tag --conll. */
  tokenColumn?: number;
  /** Where the sentences were read from (a file name), for errors. */
  source?: string;
  /** The 1-based line of each sentence's first token in `source`, for errors. */
  lines?: readonly number[];
}

export interface TaggedSentenceResult {
  tokens: string[];
  tags: string[];
  /** softmax: probability of each chosen tag */
  confidence?: number[];
  /** crf: Viterbi path score */
  score?: number;
  /** tokens unknown to the word vocabulary */
  unknown: number;
}

export interface TaggingEvaluation {
  /** Tokens whose predicted tag is the gold tag, over all tokens (unseen gold tags count as errors). */
  accuracy: number;
  tokens: number;
  sentences: number;
  /**
   * Mean loss per token as training computes it (cross-entropy with the spec's label smoothing, or
   * the CRF's negative log-likelihood), over the tokens (softmax) or sentences (CRF) whose gold
   * tags the model knows.
   */
  loss: number;
  perTag: Record<string, Scores>;
  macroF1: number;
  /** Span precision/recall/F1 (seqeval's default mode) when the model's tags follow BIO/BIOES. */
  spans?: SpanReport;
  /** Gold tags the model does not know → token counts (counted as errors, not a crash). */
  unseenTags: Record<string, number>;
  /** Share of the tokens unknown to the word vocabulary. */
  unknownWordRate: number;
}

export interface TagOptions {
  /** Sentences per forward pass (default 64). */
  batchSize?: number;
}
