// The decoder's recurrent layer one step at a time, from the input projection of its first layer
// given by the caller. That projection W_ih [x; context; feed] is a sum of one product per part
// of the input (the blocks of W_ih's columns), and the decoder computes the parts where they are
// cheapest: the embeddings of every teacher-forced step in one product, the context's as
// weights @ (memory · W_cᵀ) with the latter once per batch. Stacked layers, the dropout between
// them (as PyTorch, on the inputs of layers 1 … L−1) and the cells are the recurrent layer's:
// same parameters, same equations (cell-step.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { RecurrentState } from '../layers/layer.js';
import { fusedKernelsAvailable } from '../layers/recurrent/fused.js';
import { dropoutMask, type RecurrentLayer } from '../layers/recurrent/recurrent-layer.js';
import { cellStep } from './cell-step.js';
import type { RunOptions } from './decoder.js';

/** How many input features of the first layer come from each part of the decoder's input. */
export interface InputParts {
  embedding: number;
  /** The attention's context (combine "input"), 0 otherwise. */
  context: number;
  /** The previous attentional vector (input feeding), 0 otherwise. */
  feed: number;
}

interface LayerWeights {
  /** weight_ih of layers 1 … L−1 (layer 0's is split into the parts). */
  wih: tf.Tensor2D;
  whh: tf.Tensor2D;
  /** b_ih, plus b_hh for cells that fold it into the input projection. */
  bias: tf.Tensor1D | undefined;
  /** A GRU's b_hh. */
  bhh: tf.Tensor1D | undefined;
}

/** Column blocks of layer 0's weight_ih, [G·H, part], one per part of its input. */
export interface InputBlocks {
  embedding: tf.Tensor2D;
  context: tf.Tensor2D | undefined;
  feed: tf.Tensor2D | undefined;
}

/** The weights as a call uses them: computed once per forward pass or decoding step. */
export interface RecurrenceWeights {
  /** Set when asked for (`weights(true)`): for calls that compute the parts' products apart. */
  blocks: InputBlocks | undefined;
  /** layers[0].wih is the whole weight_ih of layer 0, for the concatenated input. */
  layers: LayerWeights[];
}

export class DecoderRecurrence {
  constructor(
    readonly rnn: RecurrentLayer,
    readonly parts: InputParts,
  ) {
    const total = parts.embedding + parts.context + parts.feed;
    if (total !== rnn.inputSize) {
      throw new Error(
        `decoder recurrence: the input parts (${total}) do not add up to layer "${rnn.name}"'s input size ${rnn.inputSize}`,
      );
    }
  }

  #parameter(name: string): tf.Variable | undefined {
    return this.rnn.parameters.find((p) => p.name === `${this.rnn.name}.${name}`)?.variable;
  }

  /** The weights of a call; `split` adds layer 0's column blocks (a copy of weight_ih). */
  weights(split: boolean): RecurrenceWeights {
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
    if (!split) return { blocks: undefined, layers };
    const wih = (layers[0] as LayerWeights).wih;
    const rows = wih.shape[0];
    const block = (from: number, count: number) =>
      count === 0 ? undefined : (tf.slice(wih, [0, from], [rows, count]) as tf.Tensor2D);
    const { embedding, context, feed } = this.parts;
    const blocks = {
      embedding: context + feed === 0 ? wih : (block(0, embedding) as tf.Tensor2D),
      context: block(embedding, context),
      feed: block(embedding + context, feed),
    };
    return { blocks, layers };
  }

  /**
   * One step from `xw0` [B, G·H], the first layer's input projection without its bias, and the
   * state [L, B, H]: the top layer's output [B, H] and the new state.
   */
  step(
    xw0: tf.Tensor2D,
    state: RecurrentState,
    weights: RecurrenceWeights,
    options: RunOptions,
  ): { output: tf.Tensor2D; state: RecurrentState } {
    const { cell, numLayers: L, hiddenSize: H } = this.rnn;
    const B = xw0.shape[0];
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
      let xw: tf.Tensor2D;
      if (below === undefined) xw = xw0;
      else {
        const dropped =
          options.training && this.rnn.dropout > 0
            ? tf.mul(below, dropoutMask([B, H], this.rnn.dropout, options.random))
            : below;
        xw = tf.matMul(dropped, w.wih, false, true);
      }
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
