// One time step of each recurrent cell, forward and backward, with PyTorch's equations and gate
// order. The runner (runner.ts) owns time, direction, masking and state; a cell only knows one step.
// Gates are kept as separate [B, H] tensors, never sliced out of a [B, G*H] block: slicing columns
// is a slow strided copy on some backends (about 5 ms for 32 x 256 on tfjs-backend-cpu), whereas
// per-gate weights are contiguous row blocks of weight_ih / weight_hh.
import * as tf from '@tensorflow/tfjs-core';

// Loosely typed: tfjs ops return Tensor<Rank>; every tensor here is [B, H] (or [H, H] for weights).
type T2 = tf.Tensor;

/** The weights of one layer and direction, per gate, as the step functions need them. */
export interface CellWeights {
  /** Row blocks of weight_hh, one [H, H] per gate. */
  whh: T2[];
  /** Blocks of bias_hh; only the GRU keeps it out of the input projection (r multiplies W_hn h + b_hn). */
  bhh: tf.Tensor[] | undefined;
}

export interface StepOutput {
  /** New hidden state h' [B, H] (before masking). */
  h: T2;
  /** New cell state c' [B, H] (LSTM only, before masking). */
  c?: T2;
  /** What the backward step needs, kept until the backward pass. */
  saved: T2[];
}

export interface StepGradients {
  /** Per gate, gradient of its pre-activation on the input side [B, H]: feeds dW_ih, db_ih, dx. */
  dGatesX: T2[];
  /** Per gate, the same on the hidden side: feeds dW_hh, db_hh (the same tensors for RNN and LSTM). */
  dGatesH: T2[];
  /** Gradient reaching h_{t-1} through this step. */
  dhPrev: T2;
  /** Gradient reaching c_{t-1} through this step (LSTM). */
  dcPrev?: T2;
}

export interface Cell {
  readonly kind: 'rnn' | 'lstm' | 'gru';
  /** Name of the cell in the fused kernels' contract (fused.ts). */
  readonly fusedName: 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu';
  /** Gate blocks stacked in weight_ih / weight_hh: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). */
  readonly gates: number;
  readonly hasCellState: boolean;
  /** Whether bias_hh is folded into the input projection (all but GRU). */
  readonly foldsHiddenBias: boolean;
  /** xw: per gate, the input projection of this step (W_ih x + b_ih, plus b_hh when folded). */
  step(xw: readonly T2[], h: T2, c: T2 | undefined, weights: CellWeights): StepOutput;
  /** dh, dc: gradients reaching h' and c' of this step. */
  backStep(
    dh: T2,
    dc: T2 | undefined,
    saved: readonly T2[],
    hPrev: T2,
    cPrev: T2 | undefined,
    weights: CellWeights,
  ): StepGradients;
}

const oneMinus = (x: T2): T2 => tf.sub(1, x);
/** h W^T for one gate block. */
const recur = (h: T2, w: T2): T2 => tf.matMul(h, w, false, true);
/** Sum over gates of dGate W: the gradient reaching the previous hidden state. */
const backToHidden = (dGates: readonly T2[], whh: readonly T2[]): T2 =>
  dGates.reduce<T2 | undefined>((sum, d, g) => {
    const term = tf.matMul(d, whh[g] as T2);
    return sum ? tf.add(sum, term) : term;
  }, undefined) as T2;

/** Elman RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh). */
export function rnnCell(nonlinearity: 'tanh' | 'relu'): Cell {
  return {
    kind: 'rnn',
    fusedName: nonlinearity === 'tanh' ? 'rnn-tanh' : 'rnn-relu',
    gates: 1,
    hasCellState: false,
    foldsHiddenBias: true,
    step([xw], h, _c, { whh }) {
      const pre = tf.add(xw as T2, recur(h, whh[0] as T2));
      const hNew = nonlinearity === 'tanh' ? tf.tanh(pre) : tf.relu(pre);
      return { h: hNew, saved: [hNew] };
    },
    backStep(dh, _dc, [hNew], _hPrev, _cPrev, { whh }) {
      const slope = nonlinearity === 'tanh' ? oneMinus(tf.square(hNew as T2)) : tf.step(hNew as T2);
      const dPre = tf.mul(dh, slope);
      return { dGatesX: [dPre], dGatesH: [dPre], dhPrev: backToHidden([dPre], whh) };
    },
  };
}

/** LSTM, gate rows i, f, g, o: c' = f*c + i*g, h' = o*tanh(c'). */
export const lstmCell: Cell = {
  kind: 'lstm',
  fusedName: 'lstm',
  gates: 4,
  hasCellState: true,
  foldsHiddenBias: true,
  step([xi, xf, xg, xo], h, c, { whh: [wi, wf, wg, wo] }) {
    const i = tf.sigmoid(tf.add(xi as T2, recur(h, wi as T2)));
    const f = tf.sigmoid(tf.add(xf as T2, recur(h, wf as T2)));
    const g = tf.tanh(tf.add(xg as T2, recur(h, wg as T2)));
    const o = tf.sigmoid(tf.add(xo as T2, recur(h, wo as T2)));
    const cNew = tf.add(tf.mul(f, c as T2), tf.mul(i, g));
    const hNew = tf.mul(o, tf.tanh(cNew));
    return { h: hNew, c: cNew, saved: [i, f, g, o, cNew] };
  },
  backStep(dh, dc, [i, f, g, o, cNew], _hPrev, cPrev, { whh }) {
    const [si, sf, sg, so] = [i, f, g, o] as [T2, T2, T2, T2];
    const tanhC = tf.tanh(cNew as T2);
    const dcTotal = tf.add(dc as T2, tf.mul(tf.mul(dh, so), oneMinus(tf.square(tanhC))));
    const dai = tf.mul(tf.mul(dcTotal, sg), tf.mul(si, oneMinus(si)));
    const daf = tf.mul(tf.mul(dcTotal, cPrev as T2), tf.mul(sf, oneMinus(sf)));
    const dag = tf.mul(tf.mul(dcTotal, si), oneMinus(tf.square(sg)));
    const dao = tf.mul(tf.mul(dh, tanhC), tf.mul(so, oneMinus(so)));
    const dGates = [dai, daf, dag, dao];
    return {
      dGatesX: dGates,
      dGatesH: dGates,
      dhPrev: backToHidden(dGates, whh),
      dcPrev: tf.mul(dcTotal, sf),
    };
  },
};

/** GRU, gate rows r, z, n: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h. */
export const gruCell: Cell = {
  kind: 'gru',
  fusedName: 'gru',
  gates: 3,
  hasCellState: false,
  foldsHiddenBias: false,
  step([xr, xz, xn], h, _c, { whh: [wr, wz, wn], bhh }) {
    const hidden = (w: T2, k: number) =>
      bhh ? tf.add(recur(h, w), bhh[k] as tf.Tensor1D) : recur(h, w);
    const r = tf.sigmoid(tf.add(xr as T2, hidden(wr as T2, 0)));
    const z = tf.sigmoid(tf.add(xz as T2, hidden(wz as T2, 1)));
    const hn = hidden(wn as T2, 2);
    const n = tf.tanh(tf.add(xn as T2, tf.mul(r, hn)));
    const hNew = tf.add(n, tf.mul(z, tf.sub(h, n)));
    return { h: hNew, saved: [r, z, n, hn] };
  },
  backStep(dh, _dc, [r, z, n, hn], hPrev, _cPrev, { whh }) {
    const [sr, sz, sn] = [r, z, n] as [T2, T2, T2];
    const dan = tf.mul(tf.mul(dh, oneMinus(sz)), oneMinus(tf.square(sn)));
    const daz = tf.mul(tf.mul(dh, tf.sub(hPrev, sn)), tf.mul(sz, oneMinus(sz)));
    const dar = tf.mul(tf.mul(dan, hn as T2), tf.mul(sr, oneMinus(sr)));
    const dGatesH = [dar, daz, tf.mul(dan, sr)];
    const dhPrev = tf.add(tf.mul(dh, sz), backToHidden(dGatesH, whh));
    return { dGatesX: [dar, daz, dan], dGatesH, dhPrev };
  },
};

export function cellFor(
  type: 'rnn' | 'lstm' | 'gru',
  nonlinearity: 'tanh' | 'relu' = 'tanh',
): Cell {
  return type === 'lstm' ? lstmCell : type === 'gru' ? gruCell : rnnCell(nonlinearity);
}
