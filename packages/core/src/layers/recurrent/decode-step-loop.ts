// The fused decoding step (decode-step.ts) on Float32Arrays, for backends that implement it around
// their own matrix products: the embedding rows of the tokens, each recurrent layer through the
// training loop's own step (fused-loops.ts with one time step: the same equations), then the
// output layer. The backend owns every buffer (wasm passes views of its heap) and the products.
import type { DecodeStepArguments } from './decode-step.js';
import { type ForwardBuffers, fusedForwardLoop, type Sigmoid } from './fused-loops.js';

export interface DecodeLayerBuffers {
  /**
   * The layer's buffers for one time step (T = 1). `xw` [B, G*H] receives the input product and
   * then the biases; h0/c0 are the layer's rows of the state passed in; hLast/cLast receive the new
   * state; `output` [B, H] holds the new h too, and is what the next layer (or the output layer)
   * reads; `hPrev` holds h0 when `hidden(k)` is called.
   */
  step: ForwardBuffers;
  /** [G*H] each, with bias only. */
  bih: Float32Array | undefined;
  bhh: Float32Array | undefined;
}

export interface DecodeStepBuffers {
  embedding: Float32Array; // [V, E]
  /** [B, E]: the tokens' embedding rows, the first layer's input. */
  embedded: Float32Array;
  layers: DecodeLayerBuffers[];
  logits: Float32Array; // [B, V']
  outBias: Float32Array | undefined;
}

/** The products the backend runs (weights as given: W_ih [G*H, I], W_hh [G*H, H], W_out [V', F]). */
export interface DecodeStepProducts {
  /** layers[k].step.xw = input_k · W_ih_kᵀ, input_k = embedded (k = 0) or layers[k-1].step.output. */
  input(k: number): void;
  /** layers[k].step.hh = layers[k].step.hPrev · W_hh_kᵀ. */
  hidden(k: number): void;
  /** logits = (top layer's step.output, or embedded without layers) · W_outᵀ. */
  output(): void;
  /** The activations of layer k's step (fused-loops.ts' Sigmoid over its buffers). */
  sigmoid(k: number): Sigmoid;
}

/** Runs one decoding step: fills the new states (each layer's hLast/cLast) and the logits. */
export function decodeStepLoop(
  args: DecodeStepArguments,
  buffers: DecodeStepBuffers,
  products: DecodeStepProducts,
): void {
  const { batch: B, embeddingDim: E, tokens } = args;
  for (let b = 0; b < B; b++) {
    const row = (tokens[b] as number) * E;
    buffers.embedded.set(buffers.embedding.subarray(row, row + E), b * E);
  }
  args.layers.forEach((layer, k) => {
    const { step, bih, bhh } = buffers.layers[k] as DecodeLayerBuffers;
    const GH = layer.wih.shape[0] as number;
    products.input(k);
    // bias_hh goes into the input projection for every cell but the GRU (whose reset gate
    // multiplies W_hn h + b_hn: the loop adds step.bhh itself).
    const folded = layer.cell === 'gru' ? undefined : bhh;
    if (bih) addRows(step.xw, B, GH, bih, folded);
    fusedForwardLoop(
      { cell: layer.cell, T: 1, B, H: layer.hiddenSize, reverse: false },
      step,
      () => products.hidden(k),
      products.sigmoid(k),
    );
  });
  products.output();
  if (buffers.outBias) addRows(buffers.logits, B, args.outputSize, buffers.outBias, undefined);
}

/** x[b, :] += a (+ c) for every row b of x [rows, n]. */
function addRows(
  x: Float32Array,
  rows: number,
  n: number,
  a: Float32Array,
  c: Float32Array | undefined,
): void {
  for (let b = 0; b < rows; b++) {
    const base = b * n;
    if (c) {
      for (let j = 0; j < n; j++) {
        x[base + j] = (x[base + j] as number) + (a[j] as number) + (c[j] as number);
      }
    } else {
      for (let j = 0; j < n; j++) x[base + j] = (x[base + j] as number) + (a[j] as number);
    }
  }
}
