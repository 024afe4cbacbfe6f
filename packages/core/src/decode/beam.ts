// Beam search: the rows are the live hypotheses (beams). The prompt is read once as one row; each
// step scores every beam's next token in one call, keeps the best candidates by summed
// log-probability, and `select` reorders and copies the state rows to follow them.
//
// Porting note: Hugging Face keeps `width` live beams and collects finished hypotheses beside them.
// Here, as in Nematus and Marian, a finished hypothesis keeps its place among the `width` best, so
// the beam shrinks as hypotheses finish: width 1 is exactly greedy, a width at least the number of
// possible sequences is an exhaustive search, and the search ends when every beam has finished or
// at maxNewTokens (the live beams then finish with stoppedBy "maxTokens").
import type { CheckedDecodeOptions } from './check-options.js';
import type { DecodedToken, DecodeStepper, Hypothesis, StopReason } from './contract.js';
import { logSoftmax, penalizeRepetitions, rowLogits, topTokens } from './logits.js';
import { SeenTokens } from './single.js';
import { StopSequences } from './stop-sequences.js';

/** A hypothesis as a linked list of its chosen tokens, so extending it copies nothing. */
interface Beam {
  /** The last chosen token (-1 for the empty hypothesis). */
  token: number;
  logProbability: number;
  /** Summed log-probability of every chosen token, an end token or stop sequence included. */
  sum: number;
  length: number;
  previous: Beam | undefined;
}

const emptyBeam: Beam = { token: -1, logProbability: 0, sum: 0, length: 0, previous: undefined };

/** The last `count` chosen tokens of a beam (all when it has fewer), in order. */
function lastTokens(beam: Beam, count: number): number[] {
  const out: number[] = [];
  for (
    let at: Beam | undefined = beam;
    at !== undefined && at.length > 0 && out.length < count;
    at = at.previous
  ) {
    out.push(at.token);
  }
  return out.reverse();
}

function chosen(beam: Beam): DecodedToken[] {
  const out: DecodedToken[] = [];
  for (let at: Beam | undefined = beam; at !== undefined && at.length > 0; at = at.previous) {
    out.push({ token: at.token, logProbability: at.logProbability });
  }
  return out.reverse();
}

interface Finished {
  hypothesis: Hypothesis;
  /** The output tokens with their log-probabilities, for a stream. */
  decoded: DecodedToken[];
}

export interface BeamSearchResult {
  /** Best first, at most nBest. */
  hypotheses: Hypothesis[];
  /** The best hypothesis' tokens with their log-probabilities. */
  best: DecodedToken[];
}

/**
 * The beam score: summed log-probability / length^lengthPenalty, the length counting every chosen
 * token (an end token or stop sequence included, as their log-probabilities are in the sum).
 */
export function beamScore(logProbability: number, length: number, lengthPenalty: number): number {
  return length === 0 ? logProbability : logProbability / length ** lengthPenalty;
}

function compareFinished(a: Finished, b: Finished): number {
  const x = a.hypothesis;
  const y = b.hypothesis;
  if (x.score !== y.score) return y.score - x.score;
  if (x.logProbability !== y.logProbability) return y.logProbability - x.logProbability;
  for (let i = 0; i < Math.min(x.tokens.length, y.tokens.length); i++) {
    if (x.tokens[i] !== y.tokens[i]) return (x.tokens[i] as number) - (y.tokens[i] as number);
  }
  return x.tokens.length - y.tokens.length;
}

export async function beamSearch<S>(
  stepper: DecodeStepper<S>,
  prompt: Int32Array,
  options: CheckedDecodeOptions,
): Promise<BeamSearchResult> {
  const { width, lengthPenalty, maxNewTokens, endToken, signal, repetitionPenalty } = options;
  const size = stepper.vocabularySize;
  const stops = new StopSequences(options.stopSequences);
  const finished: Finished[] = [];
  const finish = (beam: Beam, reason: StopReason, outputLength: number) => {
    const decoded = chosen(beam).slice(0, outputLength);
    finished.push({
      hypothesis: {
        tokens: decoded.map((d) => d.token),
        logProbability: beam.sum,
        score: beamScore(beam.sum, beam.length, lengthPenalty),
        stoppedBy: reason,
      },
      decoded,
    });
  };
  const result = (): BeamSearchResult => {
    finished.sort(compareFinished);
    const kept = finished.slice(0, options.nBest);
    return { hypotheses: kept.map((f) => f.hypothesis), best: kept[0]?.decoded ?? [] };
  };
  if (maxNewTokens === 0) {
    finish(emptyBeam, 'maxTokens', 0);
    return result();
  }
  if (signal?.aborted) {
    finish(emptyBeam, 'aborted', 0);
    return result();
  }

  const promptSeen = new SeenTokens(size, prompt);
  const seenBy = (beam: Beam): number[] => {
    const seen = new SeenTokens(size, promptSeen.ids);
    for (let at: Beam | undefined = beam; at !== undefined && at.length > 0; at = at.previous) {
      seen.add(at.token);
    }
    return seen.ids;
  };

  let live: Beam[] = [emptyBeam];
  const stopWindow = stops.longest;
  let scores = await stepper.prefill(prompt);
  let state = scores.state;
  try {
    for (let length = 1; ; length++) {
      // Finished hypotheses keep their places: the live beams share what is left.
      const slots = width - finished.length;
      const candidates: { parent: number; token: number; logProbability: number; sum: number }[] =
        [];
      live.forEach((beam, row) => {
        const logits = rowLogits(scores.logits, row, size);
        if (repetitionPenalty !== 1) penalizeRepetitions(logits, seenBy(beam), repetitionPenalty);
        const logProbabilities = logSoftmax(logits);
        for (const token of topTokens(logProbabilities, slots)) {
          const logProbability = logProbabilities[token] as number;
          candidates.push({ parent: row, token, logProbability, sum: beam.sum + logProbability });
        }
      });
      candidates.sort((a, b) => b.sum - a.sum || a.parent - b.parent || a.token - b.token);

      const next: Beam[] = [];
      const parents: number[] = [];
      for (const candidate of candidates.slice(0, slots)) {
        const parent = live[candidate.parent] as Beam;
        const beam: Beam = {
          token: candidate.token,
          logProbability: candidate.logProbability,
          sum: candidate.sum,
          length,
          previous: parent,
        };
        const stopLength = stopWindow > 0 ? stops.completed(lastTokens(beam, stopWindow)) : 0;
        if (candidate.token === endToken) finish(beam, 'end', length - 1);
        else if (stopLength > 0) finish(beam, 'stop', length - stopLength);
        else if (length === maxNewTokens) finish(beam, 'maxTokens', length);
        else {
          next.push(beam);
          parents.push(candidate.parent);
        }
      }
      if (next.length === 0) break;
      if (signal?.aborted) {
        for (const beam of next) finish(beam, 'aborted', length);
        break;
      }

      // Rows follow the beams they continue (skipped when they already do).
      if (parents.length !== live.length || parents.some((parent, row) => parent !== row)) {
        const selected = stepper.select(state, Int32Array.from(parents));
        const previous = state;
        state = selected;
        stepper.release(previous);
      }
      live = next;
      const stepped = await stepper.step(
        Int32Array.from(next, (beam) => beam.token),
        state,
      );
      const previous = state;
      state = stepped.state;
      scores = stepped;
      stepper.release(previous);
    }
  } finally {
    stepper.release(state);
  }
  return result();
}
