// Rows of an encoder-decoder's decoding state, picked and freed: what beam search (`select`) and
// the batched greedy decoder (dropping finished sentences) do to the encoded source and the decoder
// state. Batch is axis 0 of the encoded source and of the input feed, axis 1 of the recurrent state
// ([numLayers, rows, hidden]).
import * as tf from '@tensorflow/tfjs-core';
import type { DecoderState, EncodedSource } from './contract.js';

/** The encoded source's rows `rows` (int32 [n]), in that order. */
export function selectEncodedRows(encoded: EncodedSource, rows: tf.Tensor1D): EncodedSource {
  return tf.tidy(() => {
    const memory = tf.gather(encoded.memory, rows, 0);
    // luong-dot's keys are the memory itself: keep them one tensor.
    const keys = encoded.keys === encoded.memory ? memory : tf.gather(encoded.keys, rows, 0);
    const mask = tf.gather(encoded.mask, rows, 0);
    return { rows: rows.size, memory, keys, mask } as unknown as tf.TensorContainer;
  }) as unknown as EncodedSource;
}

/** The decoder state's rows `rows` (int32 [n]), in that order. */
export function selectDecoderRows(state: DecoderState, rows: tf.Tensor1D): DecoderState {
  return tf.tidy(() => {
    const { h, c } = state.recurrent;
    const recurrent = c
      ? { h: tf.gather(h, rows, 1), c: tf.gather(c, rows, 1) }
      : { h: tf.gather(h, rows, 1) };
    const feed = state.feed ? { feed: tf.gather(state.feed, rows, 0) } : {};
    return { rows: rows.size, recurrent, ...feed } as unknown as tf.TensorContainer;
  }) as unknown as DecoderState;
}

/** Another handle on the same encoded source (tf.clone shares the data: nothing is copied). */
export function shareEncoded(encoded: EncodedSource): EncodedSource {
  const memory = tf.clone(encoded.memory);
  const keys = encoded.keys === encoded.memory ? memory : tf.clone(encoded.keys);
  return { rows: encoded.rows, memory, keys, mask: tf.clone(encoded.mask) };
}

export function encodedTensors(encoded: EncodedSource): tf.Tensor[] {
  return [encoded.memory, encoded.keys, encoded.mask];
}

export function decoderTensors(state: DecoderState): tf.Tensor[] {
  const { h, c } = state.recurrent;
  return [h, ...(c ? [c] : []), ...(state.feed ? [state.feed] : [])];
}
