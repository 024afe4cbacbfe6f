// What one direction of one recurrent layer needs and gives, forward and backward, whichever way
// its time loop runs: with tfjs ops (ops-path.ts) or with the backend's fused kernels
// (fused-path.ts). The stack (stack.ts) handles layers, directions, dropout and masks around it.
import * as tf from '@tensorflow/tfjs-core';
import type { Cell, CellWeights } from './cells.js';
import type { DirectionResult, DirectionTape } from './runner.js';

/** One direction's parameters: weight_ih [G*H, I], weight_hh [G*H, H], biases [G*H]. */
export interface DirectionWeights {
  wih: tf.Tensor2D;
  whh: tf.Tensor2D;
  bih: tf.Tensor1D | undefined;
  bhh: tf.Tensor1D | undefined;
}

/** Sizes of one call: time steps, rows, hidden size, gates. */
export interface CallSizes {
  T: number;
  B: number;
  H: number;
  G: number;
}

export interface DirectionForward {
  cell: Cell;
  sizes: CallSizes;
  /** The layer input, time-major rows [T * B, I]: row t*B + b is step t of sequence b. */
  input: tf.Tensor2D;
  /** When present, `input` is a table [V, I] and row r of the layer input is its row inputIds[r]. */
  inputIds?: tf.Tensor1D | undefined;
  weights: DirectionWeights;
  h0: tf.Tensor2D;
  c0: tf.Tensor2D | undefined;
  reverse: boolean;
  /** False when no gradient is recorded: a fused kernel then skips what only backward needs. */
  keepTape: boolean;
}

export interface DirectionBackward {
  cell: Cell;
  sizes: CallSizes;
  input: tf.Tensor2D;
  inputIds?: tf.Tensor1D | undefined;
  weights: DirectionWeights;
  tape: DirectionTape;
  /** Gradient of this direction's output [T, B, H] and of its final states [B, H]. */
  dOutput: tf.Tensor3D;
  dhLast: tf.Tensor2D;
  dcLast: tf.Tensor2D | undefined;
  reverse: boolean;
}

export interface DirectionBackwardResult {
  /** Gradients of weight_ih, weight_hh and (with biases) bias_ih, bias_hh, in that order. */
  params: tf.Tensor[];
  /**
   * Terms of the gradient of the layer input [T * B, I], for the caller to sum in order; with
   * inputIds, of the table [V, I] instead.
   */
  inputTerms: tf.Tensor2D[];
  dh0: tf.Tensor;
  dc0: tf.Tensor | undefined;
}

/**
 * A way to run a direction's time loop. `masks` turns the [T, B, 1] step masks of a call into
 * what the path reads (once per call, shared by every layer and direction).
 */
export interface DirectionPath<M> {
  masks(masks: tf.Tensor3D): M;
  forward(args: DirectionForward, masks: M | undefined): DirectionResult;
  backward(args: DirectionBackward, masks: M | undefined): DirectionBackwardResult;
}

/** The bias added to the input projection: b_ih, plus b_hh where the cell folds it in. */
export function inputBias(cell: Cell, w: DirectionWeights): tf.Tensor1D | undefined {
  if (!w.bih || !w.bhh) return undefined;
  return cell.foldsHiddenBias ? (tf.add(w.bih, w.bhh) as tf.Tensor1D) : w.bih;
}

/** Gate block g of a weight [G*H, ...] or bias [G*H]: rows g*H .. (g+1)*H (a contiguous slice). */
export function gateBlock<R extends tf.Tensor>(t: R, g: number, H: number): R {
  return (
    t.rank === 1 ? tf.slice(t, [g * H], [H]) : tf.slice(t, [g * H, 0], [H, t.shape[1] as number])
  ) as R;
}

export function gateBlocks<R extends tf.Tensor>(t: R, G: number, H: number): R[] {
  return G === 1 ? [t] : Array.from({ length: G }, (_, g) => gateBlock(t, g, H));
}

/** The hidden-side weights per gate, as the cells' step functions take them. */
export function cellWeights(cell: Cell, w: DirectionWeights, G: number, H: number): CellWeights {
  return {
    whh: gateBlocks(w.whh, G, H),
    bhh: !cell.foldsHiddenBias && w.bhh ? gateBlocks(w.bhh, G, H) : undefined,
  };
}

/** Where the layer input's rows come from: themselves, or rows of a table picked by id. */
export interface LayerInput {
  input: tf.Tensor2D;
  inputIds?: tf.Tensor1D | undefined;
}

/**
 * x · wᵀ (+ bias) for every row x of the layer input, [T * B, rows of w]. Through a table it is
 * made once per table row and then picked by id: (E · wᵀ)[ids] = E[ids] · wᵀ, value for value
 * (each output is the same dot product and the same bias addition).
 */
export function inputProjection(
  a: LayerInput,
  w: tf.Tensor2D,
  bias: tf.Tensor1D | undefined,
): tf.Tensor {
  const projection = tf.matMul(a.input, w, false, true);
  const withBias = bias ? (tf.add(projection, bias) as tf.Tensor2D) : projection;
  return a.inputIds ? tf.gather(withBias, a.inputIds) : withBias;
}

/**
 * The gradient of the projection [T * B, n] as what multiplies the layer input's rows: itself, or
 * through a table its rows summed by id, [V, n]. Then dW = resultᵀ · input and the input's
 * gradient is result · w, both on V rows instead of T * B.
 */
export function perInputRow(a: LayerInput, dProjection: tf.Tensor2D): tf.Tensor2D {
  if (!a.inputIds) return dProjection;
  const V = a.input.shape[0];
  const n = dProjection.shape[1];
  return tf.scatterND(tf.expandDims(a.inputIds, 1), dProjection, [V, n]) as tf.Tensor2D;
}
