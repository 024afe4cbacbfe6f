// The stacked, possibly bidirectional recurrent layer over one call, forward and backward, on
// either direction path: time-major layer inputs, dropout between layers, packed-sequence masks,
// initial states per layer and direction, and the input gradient summed over directions.
import * as tf from '@tensorflow/tfjs-core';
import type { Cell } from './cells.js';
import type { CallSizes, DirectionPath, DirectionWeights, LayerInput } from './direction.js';
import type { DirectionTape } from './runner.js';

/** Everything about one call but its tensors. */
export interface StackPlan {
  cell: Cell;
  numLayers: number;
  directions: 1 | 2;
  inputSize: number;
  hasBias: boolean;
  sizes: CallSizes;
  lengths: Int32Array | undefined;
  /** Inverted dropout masks [T * B, D * H] applied to the input of layers 1 .. L-1. */
  dropoutMasks: tf.Tensor2D[];
  /**
   * When present, the op's x is an embedding table [V, I] and the first layer's input is its rows
   * picked by these token ids [B, T]; the gradient of x is then the table's, with no gradient for
   * the padding row (as the embedding lookup's own gradient).
   */
  tokens?: { ids: tf.Tensor2D; paddingIdx: number | null } | undefined;
}

/** The forward pass, with what the backward pass needs (the tape). */
export interface StackForward {
  /** [B, T, D * H] */
  output: tf.Tensor3D;
  /** Final states [B, H] per layer and direction, in PyTorch's order (layer-major). */
  hLast: tf.Tensor[];
  cLast: tf.Tensor[];
  tape: StackTape;
}

export interface StackTape {
  /** Each layer's (time-major) input; the first one the table with `tokens`. */
  layerInputs: tf.Tensor2D[];
  /** With `tokens`: the ids of the first layer's input rows, time-major [T * B]. */
  inputIds?: tf.Tensor1D | undefined;
  /** Per layer and direction. */
  directions: DirectionTape[];
  /** [T, B, 1] step masks, with lengths. */
  masks: tf.Tensor3D | undefined;
  dropoutMasks: tf.Tensor2D[];
}

/** The weights of layer l, direction d, from the flat parameter list of the op's inputs. */
function weightsOf(plan: StackPlan, params: readonly tf.Tensor[], l: number, d: number) {
  const base = (l * plan.directions + d) * (plan.hasBias ? 4 : 2);
  return {
    wih: params[base] as tf.Tensor2D,
    whh: params[base + 1] as tf.Tensor2D,
    bih: plan.hasBias ? (params[base + 2] as tf.Tensor1D) : undefined,
    bhh: plan.hasBias ? (params[base + 3] as tf.Tensor1D) : undefined,
  } satisfies DirectionWeights;
}

/** (x, h0, c0, ...params) through every layer and direction. */
export function stackForward<M>(
  plan: StackPlan,
  path: DirectionPath<M>,
  args: readonly tf.Tensor[],
  keepTape: boolean,
): StackForward {
  const [x, h0, c0, ...params] = args as [tf.Tensor3D, tf.Tensor, tf.Tensor, ...tf.Tensor[]];
  const { T, B, H } = plan.sizes;
  const masks = plan.lengths ? timeMasks(plan.lengths, T) : undefined;
  const call: ForwardCall<M> = {
    plan,
    path,
    params,
    keepTape,
    masks: masks && path.masks(masks),
    h0: statesOf(plan, h0),
    c0: plan.cell.hasCellState ? statesOf(plan, c0) : undefined,
  };
  const result: StackForward = {
    output: undefined as never,
    hLast: [],
    cLast: [],
    tape: { layerInputs: [], directions: [], masks, dropoutMasks: plan.dropoutMasks },
  };
  let input = plan.tokens
    ? (x as unknown as tf.Tensor2D)
    : (tf.reshape(swapBatchAndTime(x), [T * B, plan.inputSize]) as tf.Tensor2D);
  if (plan.tokens) result.tape.inputIds = timeMajorIds(plan.tokens.ids);
  let layerOutput: tf.Tensor3D | undefined;
  for (let l = 0; l < plan.numLayers; l++) {
    const dropout = l > 0 ? plan.dropoutMasks[l - 1] : undefined;
    if (dropout) input = tf.mul(input, dropout);
    result.tape.layerInputs.push(input);
    const inputIds = l === 0 ? result.tape.inputIds : undefined;
    layerOutput = layerForward(call, l, { input, inputIds }, result);
    input = tf.reshape(layerOutput, [T * B, plan.directions * H]) as tf.Tensor2D;
  }
  result.output = swapBatchAndTime(layerOutput as tf.Tensor3D);
  return result;
}

interface ForwardCall<M> {
  plan: StackPlan;
  path: DirectionPath<M>;
  params: readonly tf.Tensor[];
  keepTape: boolean;
  masks: M | undefined;
  h0: tf.Tensor2D[];
  c0: tf.Tensor2D[] | undefined;
}

/** Each layer and direction's initial state [B, H], from [L * D, B, H] in one op. */
function statesOf(plan: StackPlan, s: tf.Tensor): tf.Tensor2D[] {
  const { B, H } = plan.sizes;
  if (plan.numLayers * plan.directions === 1) return [tf.reshape(s, [B, H]) as tf.Tensor2D];
  return tf.unstack(s) as tf.Tensor2D[];
}

/** Layer l's directions over `input`; their outputs concatenated, [T, B, D * H]. */
function layerForward<M>(
  call: ForwardCall<M>,
  l: number,
  { input, inputIds }: LayerInput,
  result: StackForward,
): tf.Tensor3D {
  const { plan, path, keepTape } = call;
  const { cell, sizes, directions: D } = plan;
  const outputs: tf.Tensor3D[] = [];
  for (let d = 0; d < D; d++) {
    const index = l * D + d;
    const weights = weightsOf(plan, call.params, l, d);
    const h0 = call.h0[index] as tf.Tensor2D;
    const c0 = call.c0?.[index];
    const reverse = d === 1;
    const run = path.forward(
      { cell, sizes, input, inputIds, weights, h0, c0, reverse, keepTape },
      call.masks,
    );
    outputs.push(run.output);
    result.tape.directions.push(run.tape);
    result.hLast.push(run.hLast);
    if (run.cLast) result.cLast.push(run.cLast);
  }
  return (D === 2 ? tf.concat(outputs, 2) : outputs[0]) as tf.Tensor3D;
}

/** Gradients of the op's inputs (x, h0, c0, ...params) from `dy`, the gradient of its packed value. */
export function stackBackward<M>(
  plan: StackPlan,
  path: DirectionPath<M>,
  dy: tf.Tensor,
  tape: StackTape,
  params: readonly tf.Tensor[],
): tf.Tensor[] {
  const { T, B, H } = plan.sizes;
  const LD = plan.numLayers * plan.directions;
  const { dOutput, dhN, dcN } = unpackGradient(plan, dy);
  const call: BackwardCall<M> = {
    plan,
    path,
    tape,
    params,
    dhN,
    dcN,
    masks: tape.masks && path.masks(tape.masks),
    grads: { params: new Array(params.length), dh0: new Array(LD), dc0: new Array(LD) },
  };
  let dLayerOutput = tf.transpose(dOutput, [1, 0, 2]) as tf.Tensor3D;
  let dInput: tf.Tensor2D | undefined;
  for (let l = plan.numLayers - 1; l >= 0; l--) {
    dInput = layerBackward(call, l, dLayerOutput);
    const dropout = l > 0 ? tape.dropoutMasks[l - 1] : undefined;
    if (dropout) dInput = tf.mul(dInput, dropout);
    if (l > 0) dLayerOutput = tf.reshape(dInput, [T, B, plan.directions * H]) as tf.Tensor3D;
  }
  const dx = plan.tokens
    ? withoutRow(dInput as tf.Tensor2D, plan.tokens.paddingIdx)
    : tf.transpose(tf.reshape(dInput as tf.Tensor2D, [T, B, plan.inputSize]), [1, 0, 2]);
  const { grads } = call;
  const dc0 = plan.cell.hasCellState ? tf.stack(grads.dc0) : tf.zeros([1]);
  return [dx, tf.stack(grads.dh0), dc0, ...grads.params];
}

interface BackwardCall<M> {
  plan: StackPlan;
  path: DirectionPath<M>;
  tape: StackTape;
  params: readonly tf.Tensor[];
  masks: M | undefined;
  /** Gradients of the final states, per layer and direction. */
  dhN: tf.Tensor2D[];
  dcN: tf.Tensor2D[] | undefined;
  /** Filled in layer by layer: parameter gradients in the op's order, dh0 and dc0 per direction. */
  grads: { params: tf.Tensor[]; dh0: tf.Tensor[]; dc0: tf.Tensor[] };
}

/** Layer l's directions backward; returns the gradient of the layer's input [T * B, I]. */
function layerBackward<M>(
  call: BackwardCall<M>,
  l: number,
  dLayerOutput: tf.Tensor3D,
): tf.Tensor2D {
  const { plan, tape, grads } = call;
  const { cell, sizes, directions: D } = plan;
  const { T, B, H } = sizes;
  const input = tape.layerInputs[l] as tf.Tensor2D;
  const inputIds = l === 0 ? tape.inputIds : undefined;
  let dInput: tf.Tensor2D | undefined;
  for (let d = 0; d < D; d++) {
    const index = l * D + d;
    const g = call.path.backward(
      {
        cell,
        sizes,
        input,
        inputIds,
        weights: weightsOf(plan, call.params, l, d),
        tape: tape.directions[index] as DirectionTape,
        dOutput:
          D === 2
            ? (tf.slice(dLayerOutput, [0, 0, d * H], [T, B, H]) as tf.Tensor3D)
            : dLayerOutput,
        dhLast: call.dhN[index] as tf.Tensor2D,
        dcLast: call.dcN?.[index],
        reverse: d === 1,
      },
      call.masks,
    );
    for (const [k, grad] of g.params.entries()) grads.params[index * g.params.length + k] = grad;
    // Summed in order, gate by gate and direction by direction, as before the paths were split.
    for (const term of g.inputTerms) dInput = dInput ? (tf.add(dInput, term) as tf.Tensor2D) : term;
    grads.dh0[index] = g.dh0;
    if (g.dc0) grads.dc0[index] = g.dc0;
  }
  return dInput as tf.Tensor2D;
}

/** The op's value packs [output, h_n, c_n] flat (an op has one output). */
export function packValue(plan: StackPlan, forward: StackForward): tf.Tensor {
  const pieces = [tf.reshape(forward.output, [-1]), tf.reshape(tf.stack(forward.hLast), [-1])];
  if (plan.cell.hasCellState) pieces.push(tf.reshape(tf.stack(forward.cLast), [-1]));
  return tf.concat(pieces);
}

/** ids [B, T] as time-major rows [T * B] (row t*B + b is step t of sequence b). */
function timeMajorIds(ids: tf.Tensor2D): tf.Tensor1D {
  const [B, T] = ids.shape;
  return tf.reshape(B === 1 || T === 1 ? ids : tf.transpose(ids), [T * B]) as tf.Tensor1D;
}

/** d [V, I] with row `row` zeroed (the padding row gets no gradient); d itself without one. */
function withoutRow(d: tf.Tensor2D, row: number | null): tf.Tensor2D {
  if (row === null) return d;
  const keep = new Float32Array(d.shape[0]).fill(1);
  keep[row] = 0;
  // + 0 turns the −0 of a negative value times 0 into the +0 the lookup's own gradient has there.
  return tf.add(tf.mul(d, tf.tensor2d(keep, [d.shape[0], 1])), 0) as tf.Tensor2D;
}

/** The packed value's parts: output [B, T, D*H], h_n and c_n [L*D, B, H]. */
export function unpackValue(plan: StackPlan, packed: tf.Tensor) {
  const { output, state } = packedSizes(plan);
  const { T, B, H } = plan.sizes;
  const L = plan.numLayers;
  const D = plan.directions;
  return {
    output: tf.reshape(tf.slice(packed, [0], [output]), [B, T, D * H]),
    h: tf.reshape(tf.slice(packed, [output], [state]), [L * D, B, H]),
    c: plan.cell.hasCellState
      ? tf.reshape(tf.slice(packed, [output + state], [state]), [L * D, B, H])
      : undefined,
  };
}

/** dy split as unpackValue splits the value, the states per layer and direction. */
function unpackGradient(plan: StackPlan, dy: tf.Tensor) {
  const { output, h, c } = unpackValue(plan, dy);
  return {
    dOutput: output as tf.Tensor3D,
    dhN: tf.unstack(h) as tf.Tensor2D[],
    dcN: c ? (tf.unstack(c) as tf.Tensor2D[]) : undefined,
  };
}

function packedSizes(plan: StackPlan): { output: number; state: number } {
  const { T, B, H } = plan.sizes;
  const LD = plan.numLayers * plan.directions;
  return { output: B * T * plan.directions * H, state: LD * B * H };
}

/** [T, B, 1] float mask: 1 where step t is inside row b's length. */
export function timeMasks(lengths: Int32Array, T: number): tf.Tensor3D {
  const B = lengths.length;
  const data = new Float32Array(T * B);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) data[t * B + b] = t < (lengths[b] as number) ? 1 : 0;
  return tf.tensor3d(data, [T, B, 1]);
}

/**
 * x [P, Q, F] as [Q, P, F]: a transpose, or only a reshape when P or Q is 1 (one sequence or one
 * step, as in generation), where the order of the rows does not change.
 */
function swapBatchAndTime(x: tf.Tensor3D): tf.Tensor3D {
  const [P, Q, F] = x.shape;
  if (P === 1 || Q === 1) return tf.reshape(x, [Q, P, F]) as tf.Tensor3D;
  return tf.transpose(x, [1, 0, 2]) as tf.Tensor3D;
}
