// The training text as char-rnn reads it: one stream of token ids, its end held out for
// validation, the rest cut into B parallel streams of equal length (B = training.batchSize), and
// each batch the next chunk of input.maxLength tokens of every stream. Row r of batch i + 1 goes
// on where row r of batch i stopped, so core's fit carries the recurrent state from batch to batch
// (FitOptions.carryState): each stream is read once an epoch, from start to end, as one text.
import { type Batch, TaskError, type TrainingData } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';

/** A text too short (or empty) for what is asked of it: a TaskError, an error of the input. */
export class TrainingTextError extends TaskError {
  override name = 'TrainingTextError';
}

/** Where a stream of tokens is cut: its streams, chunks and held-out end. */
export interface StreamLayout {
  /** Parallel streams (training.batchSize): the rows of every batch. */
  streams: number;
  /** Tokens each stream reads; stream s reads ids [s·L, (s+1)·L) and predicts the next of each. */
  streamLength: number;
  /** Tokens per batch and stream (input.maxLength); the epoch's last chunk may be shorter. */
  chunkLength: number;
  /** Batches per epoch: ceil(streamLength / chunkLength). */
  batches: number;
  /** Tokens the streams read or predict: streams · streamLength + 1, from the start of the text. */
  trainTokens: number;
  /** Tokens of the training part no stream reads (fewer than `streams`: equal streams). */
  dropped: number;
  /**
   * Where the held-out part starts (the stream's length without holding out). It starts at the
   * last training target at the latest, which it reads only as context (the first token of a
   * stream is never predicted), so no token is both trained on and scored.
   */
  heldOutStart: number;
}

/** Tokens held out from the end of `tokens`: the last tenth, at least 2 (context and a target). */
export const heldOutTokens = (tokens: number): number => Math.max(2, Math.floor(tokens / 10));

/**
 * The layout of a stream of `tokens` tokens in `streams` streams and chunks of `chunkLength`. With
 * `holdOut`, the last tenth of the tokens (at least 2) is held out for validation; without, all
 * of them train (the caller validates on another text). Each stream must read at least one whole
 * chunk, so that input.maxLength means what it says. `what` names the text in errors.
 */
export function splitStreams(
  tokens: number,
  chunkLength: number,
  streams: number,
  holdOut: boolean,
  what: string,
): StreamLayout {
  if (tokens === 0) throw new TrainingTextError(`${what} is empty: there is nothing to train on`);
  const heldOutStart = holdOut ? tokens - heldOutTokens(tokens) : tokens;
  // Stream inputs: every training token that has a next one to predict (the last one predicts
  // the held-out part's first token, its context).
  const inputs = holdOut ? heldOutStart : tokens - 1;
  const streamLength = Math.floor(Math.max(0, inputs) / streams);
  if (streamLength < chunkLength) {
    const least = streams * chunkLength;
    throw new TrainingTextError(
      `${what} has ${tokens} tokens; training needs at least ${holdOut ? minimumTokens(least) : least + 1}: ${streams} streams (training.batchSize) of ${chunkLength} tokens (input.maxLength) or more, each token followed by the one it predicts${holdOut ? ', and the last tenth of the text held out for validation' : ''}`,
    );
  }
  return {
    streams,
    streamLength,
    chunkLength,
    batches: Math.ceil(streamLength / chunkLength),
    trainTokens: streams * streamLength + 1,
    dropped: inputs - streams * streamLength,
    heldOutStart,
  };
}

/** The fewest tokens whose training part, once the end is held out, has `inputs` inputs. */
function minimumTokens(inputs: number): number {
  let tokens = inputs + 2;
  while (tokens - heldOutTokens(tokens) < inputs) tokens++;
  return tokens;
}

/**
 * The batches of `layout` over `ids`: batch i holds chunk i of every stream as `{ tokens }`
 * [streams, size] and its next tokens as targets [streams · size], size = chunkLength (shorter
 * for the last chunk of a stream whose length is not a multiple).
 */
export function streamBatches(ids: Int32Array, layout: StreamLayout): TrainingData {
  const { streams, streamLength, chunkLength, batches } = layout;
  if (ids.length < streams * streamLength + 1) {
    throw new Error(
      `streams: ${streams} streams of ${streamLength} need ${streams * streamLength + 1} ids, got ${ids.length}`,
    );
  }
  return {
    batchCount: batches,
    batch(index: number): Batch {
      const start = index * chunkLength;
      const size = Math.min(chunkLength, streamLength - start);
      const x = new Int32Array(streams * size);
      const y = new Int32Array(streams * size);
      for (let s = 0; s < streams; s++) {
        const from = s * streamLength + start;
        x.set(ids.subarray(from, from + size), s * size);
        y.set(ids.subarray(from + 1, from + size + 1), s * size);
      }
      return {
        inputs: { tokens: tf.tensor2d(x, [streams, size], 'int32') },
        targets: tf.tensor1d(y, 'int32'),
      };
    },
  };
}
