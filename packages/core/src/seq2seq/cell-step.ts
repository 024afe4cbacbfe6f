// One time step of one recurrent layer from its input projection, as one custom-gradient op: the
// decoder's step loop computes each step's input projection itself (parts of it precomputed for
// the whole batch), so it needs the cell without the projection. The step runs the backend's
// fused kernels with T = 1 when the layer uses them (fused.ts), else the cells' own step and
// backward step (cells.ts): the same equations as the recurrent layer.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';
import type { Cell } from '../layers/recurrent/cells.js';
import {
  recurrentBackwardKernel,
  recurrentForwardKernel,
  runFused,
} from '../layers/recurrent/fused.js';

export interface CellStepWeights {
  /** weight_hh [G·H, H] */
  whh: tf.Tensor2D;
  /** bias_hh [G·H] of a GRU (its reset gate multiplies W_hn h + b_hn); others fold it into xw. */
  bhh: tf.Tensor1D | undefined;
}

export interface CellStepResult {
  h: tf.Tensor2D;
  c: tf.Tensor2D | undefined;
}

/**
 * h' (and c') from `xw` [B, G·H] (W_ih x + b_ih, plus b_hh for all cells but the GRU), h [B, H]
 * and c [B, H] (LSTM). Gradients reach xw, h, c, weight_hh and a GRU's bias_hh.
 */
export function cellStep(
  cell: Cell,
  fused: boolean,
  xw: tf.Tensor2D,
  h: tf.Tensor2D,
  c: tf.Tensor2D | undefined,
  weights: CellStepWeights,
): CellStepResult {
  const [B, H] = h.shape;
  const args: tf.Tensor[] = [xw, h, c ?? tf.zeros([1]), weights.whh, weights.bhh ?? tf.zeros([1])];
  const step = fused ? fusedStep : opsStep;
  const packed = recording()
    ? customOp((inputs, save) => step(cell, inputs, save, true))(...args)
    : tf.tidy(() => step(cell, args, () => {}, false).value);
  if (!cell.hasCellState) return { h: packed as tf.Tensor2D, c: undefined };
  return {
    h: tf.slice(packed, [0, 0], [B, H]) as tf.Tensor2D,
    c: tf.slice(packed, [0, H], [B, H]) as tf.Tensor2D,
  };
}

type Step = (
  cell: Cell,
  inputs: tf.Tensor[],
  save: tf.GradSaveFunc,
  /** false outside gradient recording: a fused kernel then skips what only backward needs. */
  keepTape: boolean,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** The op's value: h', or [h', c'] side by side for an LSTM (an op has one output). */
function pack(cell: Cell, h: tf.Tensor, c: tf.Tensor | undefined): tf.Tensor {
  return cell.hasCellState ? tf.concat([h, c as tf.Tensor], 1) : h;
}

/** dy split as pack joined it. */
function unpack(cell: Cell, dy: tf.Tensor, B: number, H: number) {
  if (!cell.hasCellState) return { dh: dy, dc: undefined };
  return { dh: tf.slice(dy, [0, 0], [B, H]), dc: tf.slice(dy, [0, H], [B, H]) };
}

const fusedStep: Step = (cell, inputs, save, keepTape) => {
  const [xw, h, c, whh, bhh] = inputs as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor,
    tf.Tensor2D,
    tf.Tensor,
  ];
  const [B, H] = h.shape;
  const GH = xw.shape[1];
  // A GRU with biases keeps bias_hh apart (its reset gate multiplies W_hn h + b_hn).
  const separateBias = !cell.foldsHiddenBias && bhh.size > 1;
  const [, hLast, cLast, gates, extra, hPrev, cPrev] = runFused(
    recurrentForwardKernel,
    {
      xw: tf.reshape(xw, [1, B, GH]),
      whh,
      bhh: separateBias ? bhh : undefined,
      h0: h,
      c0: cell.hasCellState ? c : undefined,
    },
    cell.fusedName,
    false,
    keepTape,
  ) as tf.Tensor[];
  // Backpropagation sees only what is saved here (and shapes): the forward's tensors are gone.
  save([
    gates as tf.Tensor,
    extra as tf.Tensor,
    hPrev as tf.Tensor,
    whh,
    ...(cell.hasCellState ? [cPrev as tf.Tensor] : []),
  ]);
  const cShape = c.shape;
  const bhhShape = bhh.shape;
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const { dh, dc } = unpack(cell, dy, B, H);
    const [g, e, hp, w, cp] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor?];
    const [dGatesX, , dh0, dc0, dWhh, dBhh] = runFused(
      recurrentBackwardKernel,
      {
        dOut: tf.zeros([1, B, H]),
        dhLast: dh,
        dcLast: dc,
        gates: g,
        extra: e,
        hPrev: hp,
        cPrev: cp,
        whh: w,
      },
      cell.fusedName,
      false,
    ) as tf.Tensor[];
    return [
      tf.reshape(dGatesX as tf.Tensor, [B, GH]),
      dh0 as tf.Tensor,
      cell.hasCellState ? (dc0 as tf.Tensor) : tf.zeros(cShape),
      dWhh as tf.Tensor,
      separateBias ? (dBhh as tf.Tensor) : tf.zeros(bhhShape),
    ];
  };
  return { value: pack(cell, hLast as tf.Tensor, cLast), gradFunc };
};

/** Column block g of x [B, G·H]. */
const columns = (x: tf.Tensor, g: number, H: number) =>
  tf.slice(x, [0, g * H], [x.shape[0] as number, H]);

/** Row block g of a weight [G·H, H] or bias [G·H]. */
const rows = (x: tf.Tensor, g: number, H: number) =>
  x.rank === 1 ? tf.slice(x, [g * H], [H]) : tf.slice(x, [g * H, 0], [H, x.shape[1] as number]);

const opsStep: Step = (cell, inputs, save) => {
  const [xw, h, c, whh, bhh] = inputs as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor,
    tf.Tensor2D,
    tf.Tensor,
  ];
  const [B, H] = h.shape;
  const G = cell.gates;
  // A GRU with biases keeps bias_hh apart (its reset gate multiplies W_hn h + b_hn).
  const separateBias = !cell.foldsHiddenBias && bhh.size > 1;
  const gates = Array.from({ length: G }, (_, g) => g);
  const cellWeights = (w: tf.Tensor, b: tf.Tensor) => ({
    whh: gates.map((g) => rows(w, g, H)),
    bhh: separateBias ? gates.map((g) => rows(b, g, H)) : undefined,
  });
  const cState = cell.hasCellState ? c : undefined;
  const out = cell.step(
    gates.map((g) => columns(xw, g, H)),
    h,
    cState,
    cellWeights(whh, bhh),
  );
  // Backpropagation sees only what is saved here (and shapes): the forward's tensors are gone.
  const stepSaved = out.saved.length;
  save([...out.saved, h, whh, bhh, ...(cState ? [cState] : [])]);
  const cShape = c.shape;
  const bhhShape = bhh.shape;
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const { dh, dc } = unpack(cell, dy, B, H);
    const [hPrev, w, b, cPrev] = saved.slice(stepSaved) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
      tf.Tensor?,
    ];
    const grads = cell.backStep(dh, dc, saved.slice(0, stepSaved), hPrev, cPrev, cellWeights(w, b));
    const dWhh = tf.concat(grads.dGatesH.map((d) => tf.matMul(d, hPrev, true, false)));
    return [
      tf.concat(grads.dGatesX, 1),
      grads.dhPrev,
      grads.dcPrev ?? tf.zeros(cShape),
      dWhh,
      separateBias ? tf.concat(grads.dGatesH.map((d) => tf.sum(d, 0))) : tf.zeros(bhhShape),
    ];
  };
  return { value: pack(cell, out.h, out.c), gradFunc };
};

/** Whether tfjs is recording operations for gradients (inside tf.grad / variableGrads). */
function recording(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}
