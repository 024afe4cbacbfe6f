// The bridge: the decoder's initial recurrent state from the final states of the encoder's last
// recurrent layer. Decoder layer l reads encoder layer Le − Ld + l (the top layers, aligned from
// the top), both directions of a bidirectional encoder concatenated [forward; backward].
//
//   copy   that state as it is (sizes must match). GRU/RNN -> LSTM: the cell state starts at 0;
//          LSTM -> GRU/RNN: only h is copied.
//   dense  h_l = tanh(bridge.h(enc_h_l)), one Linear shared by all layers ("decoder.bridge.h");
//          for an LSTM decoder c_l = tanh(bridge.c(enc_c_l)) when the encoder is an LSTM too,
//          zeros otherwise.
//   zeros  a zero state.
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../init/random.js';
import type { DenseLayer } from '../layers/dense.js';
import type { RecurrentState } from '../layers/layer.js';
import { applyLinear, linear } from './attention.js';
import { type BridgeType, bridgeProblem, type RecurrentShape } from './bridge-rules.js';

export type { BridgeType, RecurrentShape };

export interface Bridge {
  readonly type: BridgeType;
  readonly layers: readonly DenseLayer[];
  /** The decoder's initial state [Ld, B, Hd] from the encoder's final state [Le · D, B, He]. */
  initial(encoderFinal: RecurrentState, rows: number): RecurrentState;
}

export function createBridge(
  type: BridgeType,
  encoder: RecurrentShape,
  decoder: RecurrentShape,
  prefix: string,
  random: Random,
): Bridge {
  const problem = bridgeProblem(type, encoder, decoder);
  if (problem) throw new Error(`bridge "${type}": ${problem}`);
  const Ld = decoder.numLayers;
  const Hd = decoder.hiddenSize;
  const decoderLstm = decoder.cell === 'lstm';
  const zeros = (rows: number) => tf.zeros([Ld, rows, Hd]);
  if (type === 'zeros') {
    return {
      type,
      layers: [],
      initial: (_final, rows) =>
        decoderLstm ? { h: zeros(rows), c: zeros(rows) } : { h: zeros(rows) },
    };
  }
  const top = (state: tf.Tensor) => topLayers(state, encoder, Ld);
  if (type === 'copy') {
    return {
      type,
      layers: [],
      initial: (final, rows) => {
        const h = top(final.h);
        if (!decoderLstm) return { h };
        return { h, c: final.c ? top(final.c) : zeros(rows) };
      },
    };
  }
  const size = encoder.directions * encoder.hiddenSize;
  const bridgeH = linear(`${prefix}.h`, size, Hd, random, { activation: 'tanh' });
  const bridgeC =
    decoderLstm && encoder.cell === 'lstm'
      ? linear(`${prefix}.c`, size, Hd, random, { activation: 'tanh' })
      : undefined;
  return {
    type,
    layers: bridgeC ? [bridgeH, bridgeC] : [bridgeH],
    initial: (final, rows) => {
      const h = applyLinear(bridgeH, top(final.h));
      if (!decoderLstm) return { h };
      const c = bridgeC && final.c ? applyLinear(bridgeC, top(final.c)) : zeros(rows);
      return { h, c };
    },
  };
}

/**
 * The top `count` layers of an encoder state [Le · D, B, He] as [count, B, D · He], directions
 * concatenated (PyTorch orders the state layer by layer, forward before backward).
 */
function topLayers(state: tf.Tensor, encoder: RecurrentShape, count: number): tf.Tensor {
  const { numLayers: Le, directions: D, hiddenSize: He } = encoder;
  const B = state.shape[1] as number;
  const rows = Le === count ? state : tf.slice(state, [(Le - count) * D, 0, 0], [count * D, B, He]);
  if (D === 1) return rows;
  const split = tf.reshape(rows, [count, D, B, He]);
  return tf.reshape(tf.transpose(split, [0, 2, 1, 3]), [count, B, D * He]);
}
