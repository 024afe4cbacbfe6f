// Greedy translation of many source sentences at once, for evaluating a translator on thousands of
// sentences (BLEU): one encoder pass for the batch, then one decoder step per output position for
// every sentence still going. A sentence finishes at the end token or at maxLength; finished rows
// are dropped from the encoded source and the decoder state, so the steps shrink as rows finish.
// Token by token it makes the choices `decode` makes with strategy "greedy" on a seq2seqStepper of
// one sentence (the same float64 argmax and log-softmax of the logits).
import * as tf from '@tensorflow/tfjs-core';
import { DecodeError } from '../decode/check-options.js';
import { argmax, logSumExp, rowLogits } from '../decode/logits.js';
import { nextMacrotask, yieldIntervalMs } from '../decode/yielding-stepper.js';
import type { Lengths } from '../model/inputs.js';
import type { DecoderState, EncodedSource, Seq2seqSteps } from './contract.js';
import {
  decoderTensors,
  encodedTensors,
  selectDecoderRows,
  selectEncodedRows,
} from './select-rows.js';

export interface BatchGreedyOptions {
  /** The decoder's first input for every row (the target vocabulary's <bos>). */
  startToken: number;
  /** Ends a row's output (left out of its tokens; its log-probability is counted). */
  endToken: number;
  /** Tokens chosen per row at most, the end token included (as `decode`'s maxNewTokens). */
  maxLength: number;
  /** Checked between steps: unfinished rows then stop with stoppedBy "aborted". */
  signal?: AbortSignal;
}

export interface GreedyTranslation {
  /** The chosen target token ids, the end token left out. */
  tokens: number[];
  /** Sum of the log-probabilities of every chosen token, the end token included. */
  logProbability: number;
  /** Whether the row chose the end token (stoppedBy "end"). */
  ended: boolean;
  stoppedBy: 'end' | 'maxTokens' | 'aborted';
}

/**
 * Greedy translations of the rows of `source` (int32 [B, S], right-padded, `sourceLengths` their
 * real lengths; absent: S each), one per row, in order. Dropout is off.
 */
export async function greedyTranslateBatch(
  model: Seq2seqSteps,
  source: tf.Tensor,
  sourceLengths: Lengths | undefined,
  options: BatchGreedyOptions,
): Promise<GreedyTranslation[]> {
  const { startToken, endToken, maxLength, signal } = checkOptions(model, options);
  await checkSource(model, source);
  const B = source.shape[0] as number;
  const V = model.targetVocabularySize;
  const rows = Array.from({ length: B }, () => ({ tokens: [] as number[], logProbability: 0 }));
  const finish = (stoppedBy: GreedyTranslation['stoppedBy']) =>
    rows.map((r) => ({ ...r, ended: stoppedBy === 'end', stoppedBy }));
  if (maxLength === 0) return finish('maxTokens');
  if (signal?.aborted) return finish('aborted');

  const stopped: Array<GreedyTranslation['stoppedBy'] | undefined> = new Array(B).fill(undefined);
  let { encoded, initial: state } = tf.tidy(
    () => model.encode(source, sourceLengths) as unknown as tf.TensorContainer,
  ) as unknown as { encoded: EncodedSource; initial: DecoderState };
  // live[j]: the sentence (row of `source`) that row j of the encoded source and state decodes.
  let live = Array.from({ length: B }, (_, i) => i);
  let tokens = new Int32Array(B).fill(startToken);
  let since = performance.now();
  try {
    for (let length = 1; ; length++) {
      // Reads on cpu and wasm resolve at once: give timers and signals a turn now and then.
      if (performance.now() - since >= yieldIntervalMs) {
        await nextMacrotask();
        since = performance.now();
      }
      const step = decoderStep(model, encoded, tokens, state);
      tf.dispose(decoderTensors(state));
      state = step.state;
      const logits = await readLogits(step.logits, tokens.length, V);
      const survivors: number[] = [];
      live.forEach((sentence, j) => {
        const row = rowLogits(logits, j, V);
        const token = argmax(row);
        const r = rows[sentence] as { tokens: number[]; logProbability: number };
        r.logProbability += (row[token] as number) - logSumExp(row);
        if (token === endToken) stopped[sentence] = 'end';
        else {
          r.tokens.push(token);
          if (length === maxLength) stopped[sentence] = 'maxTokens';
          else survivors.push(j);
        }
      });
      if (survivors.length === 0) break;
      if (signal?.aborted) {
        for (const j of survivors) stopped[live[j] as number] = 'aborted';
        break;
      }
      if (survivors.length < live.length) {
        const index = tf.tensor1d(survivors, 'int32');
        const picked = {
          encoded: selectEncodedRows(encoded, index),
          state: selectDecoderRows(state, index),
        };
        index.dispose();
        tf.dispose([...encodedTensors(encoded), ...decoderTensors(state)]);
        ({ encoded, state } = picked);
      }
      tokens = Int32Array.from(survivors, (j) => rows[live[j] as number]?.tokens.at(-1) as number);
      live = survivors.map((j) => live[j] as number);
    }
  } finally {
    tf.dispose([...encodedTensors(encoded), ...decoderTensors(state)]);
  }
  return rows.map((r, i) => {
    const stoppedBy = stopped[i] as GreedyTranslation['stoppedBy'];
    return { ...r, ended: stoppedBy === 'end', stoppedBy };
  });
}

/** One decoder step for every live row (its attention is not needed). */
function decoderStep(
  model: Seq2seqSteps,
  encoded: EncodedSource,
  tokens: Int32Array,
  state: DecoderState,
): { logits: tf.Tensor; state: DecoderState } {
  const input = tf.tensor1d(tokens, 'int32');
  try {
    const step = model.step(encoded, input, state);
    step.attention.dispose();
    return step;
  } finally {
    input.dispose();
  }
}

/** The step's logits [rows, V] read back, then freed. */
async function readLogits(logits: tf.Tensor, rows: number, V: number): Promise<Float32Array> {
  try {
    if (logits.rank !== 2 || logits.shape[0] !== rows || logits.shape[1] !== V) {
      throw new DecodeError(
        `greedyTranslateBatch: the model's step gave logits [${logits.shape.join(', ')}], expected [${rows}, ${V}] (rows, target vocabulary)`,
      );
    }
    return (await logits.data()) as Float32Array;
  } finally {
    logits.dispose();
  }
}

function checkOptions(model: Seq2seqSteps, options: BatchGreedyOptions): BatchGreedyOptions {
  const fail = (message: string): never => {
    throw new DecodeError(`greedyTranslateBatch: ${message}`);
  };
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const V = model.targetVocabularySize;
  for (const name of ['startToken', 'endToken'] as const) {
    const id = options[name];
    if (!(Number.isInteger(id) && id >= 0 && id < V)) {
      fail(
        `${name} must be a token id of the target vocabulary (0 to ${V - 1}), got ${String(id)}`,
      );
    }
  }
  if (!(Number.isInteger(options.maxLength) && options.maxLength >= 0)) {
    fail(`maxLength must be an integer >= 0, got ${String(options.maxLength)}`);
  }
  const { signal } = options;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) {
    fail(`signal must be an AbortSignal, got ${String(signal)}`);
  }
  return options;
}

async function checkSource(model: Seq2seqSteps, source: tf.Tensor): Promise<void> {
  const fail = (message: string): never => {
    throw new DecodeError(`greedyTranslateBatch: ${message}`);
  };
  if (!(source instanceof tf.Tensor) || source.dtype !== 'int32' || source.rank !== 2) {
    const got =
      source instanceof tf.Tensor ? `${source.dtype} [${source.shape.join(', ')}]` : String(source);
    fail(`source must be an int32 tensor [batch, sourceLength], got ${got}`);
  }
  const [B, S] = source.shape as [number, number];
  if (B === 0 || S === 0) {
    fail(`source [${B}, ${S}] is empty: every row needs at least one token`);
  }
  const ids = await source.data();
  const size = model.sourceVocabularySize;
  const bad = ids.findIndex((id) => !(id >= 0 && id < size));
  if (bad >= 0) {
    fail(
      `source token id ${ids[bad]} at row ${Math.floor(bad / S)}, position ${bad % S} is outside the source vocabulary (ids 0 to ${size - 1})`,
    );
  }
}
