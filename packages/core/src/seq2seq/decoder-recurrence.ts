// The decoder's recurrent layer one step at a time, for the decoder's step loop (whose input at
// each step depends on the step before). Stacked layers, the dropout between them (as PyTorch, on
// the inputs of layers 1 … L−1) and the cells are the recurrent layer's: same parameters, same
// equations. A step is one product for each layer's input projection and one cell-step op
// (cell-step.ts) instead of a call of the layer on [B, 1, I]: no packing of the stack's outputs
// into one value and back, and about 5% faster per training step on wasm (measured).
import * as tf from '@tensorflow/tfjs-core';
import type { RecurrentState } from '../layers/layer.js';
import { fusedKernelsAvailable } from '../layers/recurrent/fused.js';
import { dropoutMask, type RecurrentLayer } from '../layers/recurrent/recurrent-layer.js';
import { cellStep } from './cell-step.js';
import type { RunOptions } from './decoder.js';

interface LayerWeights {
  wih: tf.Tensor2D;
  whh: tf.Tensor2D;
  /** b_ih, plus b_hh for cells that fold it into the input projection. */
  bias: tf.Tensor1D | undefined;
  /** A GRU's b_hh. */
  bhh: tf.Tensor1D | undefined;
}

/** The weights as a call uses them: prepared once per forward pass or decoding step. */
export interface RecurrenceWeights {
  layers: LayerWeights[];
}

export class DecoderRecurrence {
  constructor(readonly rnn: RecurrentLayer) {}

  #parameter(name: string): tf.Variable | undefined {
    return this.rnn.parameters.find((p) => p.name === `${this.rnn.name}.${name}`)?.variable;
  }

  weights(): RecurrenceWeights {
    const { cell, numLayers } = this.rnn;
    const layers: LayerWeights[] = [];
    for (let l = 0; l < numLayers; l++) {
      const bih = this.#parameter(`bias_ih_l${l}`) as tf.Tensor1D | undefined;
      const bhh = this.#parameter(`bias_hh_l${l}`) as tf.Tensor1D | undefined;
      layers.push({
        wih: this.#parameter(`weight_ih_l${l}`) as tf.Tensor2D,
        whh: this.#parameter(`weight_hh_l${l}`) as tf.Tensor2D,
        bias: bih && bhh && cell.foldsHiddenBias ? (tf.add(bih, bhh) as tf.Tensor1D) : bih,
        bhh: cell.foldsHiddenBias ? undefined : bhh,
      });
    }
    return { layers };
  }

  /** One step from the first layer's input [B, I] and the state [L, B, H]: the top layer's output [B, H] and the new state. */
  step(
    input: tf.Tensor2D,
    state: RecurrentState,
    weights: RecurrenceWeights,
    options: RunOptions,
  ): { output: tf.Tensor2D; state: RecurrentState } {
    const { cell, numLayers: L, hiddenSize: H } = this.rnn;
    const B = input.shape[0];
    const fused = this.#fused();
    const layerOf = (s: tf.Tensor, l: number) =>
      (L === 1
        ? tf.reshape(s, [B, H])
        : tf.reshape(tf.slice(s, [l, 0, 0], [1, B, H]), [B, H])) as tf.Tensor2D;
    const hs: tf.Tensor2D[] = [];
    const cs: tf.Tensor2D[] = [];
    let below: tf.Tensor2D | undefined;
    for (let l = 0; l < L; l++) {
      const w = weights.layers[l] as LayerWeights;
      const x =
        below === undefined
          ? input
          : options.training && this.rnn.dropout > 0
            ? tf.mul(below, dropoutMask([B, H], this.rnn.dropout, options.random))
            : below;
      let xw = tf.matMul(x, w.wih, false, true) as tf.Tensor2D;
      if (w.bias) xw = tf.add(xw, w.bias);
      const next = cellStep(cell, fused, xw, layerOf(state.h, l), state.c && layerOf(state.c, l), {
        whh: w.whh,
        bhh: w.bhh,
      });
      hs.push(next.h);
      if (next.c) cs.push(next.c);
      below = next.h;
    }
    const join = (parts: tf.Tensor2D[]) =>
      L === 1 ? tf.reshape(parts[0] as tf.Tensor2D, [1, B, H]) : tf.stack(parts);
    return {
      output: below as tf.Tensor2D,
      state: cell.hasCellState ? { h: join(hs), c: join(cs) } : { h: join(hs) },
    };
  }

  /** As the recurrent layer decides: its fused kernels when asked for or ("auto") available. */
  #fused(): boolean {
    if (this.rnn.fusedKernels === 'off') return false;
    const available = fusedKernelsAvailable();
    if (this.rnn.fusedKernels === 'on' && !available) {
      throw new Error(
        `layer "${this.rnn.name}": fused recurrent kernels were requested but backend "${tf.getBackend()}" has none`,
      );
    }
    return available;
  }
}
