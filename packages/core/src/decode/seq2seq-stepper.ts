// An encoder-decoder model (Seq2seqSteps, seq2seq/contract.ts) as a DecodeStepper for one source
// sentence, so translation decodes with core's `decode` / `decodeStream` (greedy, sampling, beam
// search) as generation does. `prefill` encodes the source once (one row) and reads the prompt
// (normally [bos]) one decoder step per token; `step` runs one decoder step for every row; `select`
// picks rows of the encoded source and of the decoder state (the beams). Each state holds its own
// handles on the encoded source (tf.clone shares the data), so releasing one never frees another's.
import * as tf from '@tensorflow/tfjs-core';
import type { DecoderState, EncodedSource, Seq2seqSteps } from '../seq2seq/contract.js';
import {
  decoderTensors,
  encodedTensors,
  selectDecoderRows,
  selectEncodedRows,
  shareEncoded,
} from '../seq2seq/select-rows.js';
import type { DecodeStepper, StepScores } from './contract.js';

/** The decoding state of a seq2seq stepper: its rows' encoded source and decoder state. */
export interface Seq2seqStepState {
  /** Rows (hypotheses). */
  readonly rows: number;
  /** The source as the rows attend to it (every row the same sentence). */
  readonly encoded: EncodedSource;
  readonly decoder: DecoderState;
}

export type Seq2seqStepper = DecodeStepper<Seq2seqStepState>;

/**
 * Decodes a translation of `source` (its token ids, as the model's encoder reads them: for the
 * translation task they end with <eos>) from `model`, dropout off. Prompt = [start token]; the
 * end token is given to `decode` (endToken).
 */
export function seq2seqStepper(model: Seq2seqSteps, source: Int32Array): Seq2seqStepper {
  return new Seq2seqDecodeStepper(model, source);
}

class Seq2seqDecodeStepper implements Seq2seqStepper {
  readonly vocabularySize: number;
  readonly #model: Seq2seqSteps;
  readonly #source: Int32Array;

  constructor(model: Seq2seqSteps, source: Int32Array) {
    if (!(source instanceof Int32Array)) {
      throw new Error('seq2seqStepper: the source must be an Int32Array of token ids');
    }
    if (source.length === 0) {
      throw new Error(
        'seq2seqStepper: the source is empty; the encoder needs at least one token (the translation task ends every source with <eos>)',
      );
    }
    const sourceIds = model.sourceVocabularySize;
    source.forEach((id, i) => {
      if (!(Number.isInteger(id) && id >= 0 && id < sourceIds)) {
        throw new Error(
          `seq2seqStepper: source token id ${id} at position ${i} is outside the source vocabulary (ids 0 to ${sourceIds - 1})`,
        );
      }
    });
    this.#model = model;
    this.#source = source.slice();
    this.vocabularySize = model.targetVocabularySize;
  }

  async prefill(prompt: Int32Array): Promise<StepScores<Seq2seqStepState>> {
    if (prompt.length === 0) {
      throw new Error(
        'seq2seqStepper: prefill needs a prompt of at least one token (the start token)',
      );
    }
    this.#checkTokens(prompt);
    const S = this.#source.length;
    const { encoded, initial } = tf.tidy(() => {
      const source = tf.tensor2d(this.#source, [1, S], 'int32');
      return this.#model.encode(source, [S]) as unknown as tf.TensorContainer;
    }) as unknown as { encoded: EncodedSource; initial: DecoderState };
    let state: Seq2seqStepState = { rows: 1, encoded, decoder: initial };
    // The prompt's tokens one decoder step each; only the last step's scores are read.
    for (let i = 0; ; i++) {
      let stepped: { logits: tf.Tensor; next: Seq2seqStepState };
      try {
        stepped = this.#stepTensors(prompt.subarray(i, i + 1), state);
      } finally {
        this.release(state);
      }
      state = stepped.next;
      if (i === prompt.length - 1) {
        return { logits: await readLogits(stepped.logits, state), state };
      }
      stepped.logits.dispose();
    }
  }

  async step(tokens: Int32Array, state: Seq2seqStepState): Promise<StepScores<Seq2seqStepState>> {
    if (tokens.length !== state.rows) {
      throw new Error(
        `seq2seqStepper: step got ${tokens.length} tokens for a state of ${state.rows} rows (one token per row)`,
      );
    }
    this.#checkTokens(tokens);
    const { logits, next } = this.#stepTensors(tokens, state);
    return { logits: await readLogits(logits, next), state: next };
  }

  select(state: Seq2seqStepState, rows: Int32Array): Seq2seqStepState {
    if (rows.length === 0) throw new Error('seq2seqStepper: select needs at least one row');
    rows.forEach((row, i) => {
      if (!(Number.isInteger(row) && row >= 0 && row < state.rows)) {
        throw new Error(
          `seq2seqStepper: select rows[${i}] is ${row}; the state has rows 0 to ${state.rows - 1}`,
        );
      }
    });
    const index = tf.tensor1d(rows, 'int32');
    try {
      return {
        rows: rows.length,
        encoded: selectEncodedRows(state.encoded, index),
        decoder: selectDecoderRows(state.decoder, index),
      };
    } finally {
      index.dispose();
    }
  }

  release(state: Seq2seqStepState): void {
    tf.dispose(stateTensors(state));
  }

  /** One decoder step: the logits (still a tensor) and the state after it. */
  #stepTensors(
    tokens: Int32Array,
    state: Seq2seqStepState,
  ): { logits: tf.Tensor; next: Seq2seqStepState } {
    const input = tf.tensor1d(tokens, 'int32');
    const result = (() => {
      try {
        return this.#model.step(state.encoded, input, state.decoder);
      } finally {
        input.dispose();
      }
    })();
    // Attention per output token comes from a teacher-forced pass on the chosen tokens instead.
    result.attention.dispose();
    const rows = tokens.length;
    const [B, V] = result.logits.shape;
    if (result.logits.rank !== 2 || B !== rows || V !== this.vocabularySize) {
      tf.dispose([result.logits, ...decoderTensors(result.state)]);
      throw new Error(
        `seq2seqStepper: the model's step gave logits [${result.logits.shape.join(', ')}], expected [${rows}, ${this.vocabularySize}] (rows, target vocabulary)`,
      );
    }
    const next = { rows, encoded: shareEncoded(state.encoded), decoder: result.state };
    return { logits: result.logits, next };
  }

  #checkTokens(tokens: Int32Array): void {
    tokens.forEach((id, i) => {
      if (!(id >= 0 && id < this.vocabularySize)) {
        throw new Error(
          `seq2seqStepper: token id ${id} at position ${i} is outside the target vocabulary (ids 0 to ${this.vocabularySize - 1})`,
        );
      }
    });
  }
}

function stateTensors(state: Seq2seqStepState): tf.Tensor[] {
  return [...encodedTensors(state.encoded), ...decoderTensors(state.decoder)];
}

/** Reads [rows, V] logits back and frees them (and, on failure, the state made with them). */
async function readLogits(logits: tf.Tensor, state: Seq2seqStepState): Promise<Float32Array> {
  try {
    return (await logits.data()) as Float32Array;
  } catch (error) {
    tf.dispose(stateTensors(state));
    throw error;
  } finally {
    logits.dispose();
  }
}
