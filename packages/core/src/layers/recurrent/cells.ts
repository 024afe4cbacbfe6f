// One time step of each recurrent cell, forward and backward, with PyTorch's equations and gate
// order. The runner (runner.ts) owns time, direction, masking and state; a cell only knows one step.
import * as tf from '@tensorflow/tfjs-core';

/** The weights of one layer and direction, as the step functions need them. */
export interface CellWeights {
  /** weight_hh [G*H, H]. */
  whh: tf.Tensor2D;
  /** bias_hh [G*H]; only the GRU keeps it out of the input projection (r multiplies W_hn h + b_hn). */
  bhh: tf.Tensor1D | undefined;
}

export interface StepOutput {
  /** New hidden state h' [B, H] (before masking). */
  h: tf.Tensor2D;
  /** New cell state c' [B, H] (LSTM only, before masking). */
  c?: tf.Tensor2D;
  /** What the backward step needs, kept until the backward pass. */
  saved: tf.Tensor2D[];
}

export interface StepGradients {
  /** Gradient of the gate pre-activations on the input side, [B, G*H]: feeds dW_ih, db_ih, dx. */
  dGatesX: tf.Tensor2D;
  /** Gradient of the gate pre-activations on the hidden side, [B, G*H]: feeds dW_hh, db_hh. */
  dGatesH: tf.Tensor2D;
  /** Gradient reaching h_{t-1} through this step. */
  dhPrev: tf.Tensor2D;
  /** Gradient reaching c_{t-1} through this step (LSTM). */
  dcPrev?: tf.Tensor2D;
}

export interface Cell {
  readonly kind: 'rnn' | 'lstm' | 'gru';
  /** Gate blocks stacked in weight_ih / weight_hh: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). */
  readonly gates: number;
  readonly hasCellState: boolean;
  /** Whether bias_hh is folded into the input projection (all but GRU). */
  readonly foldsHiddenBias: boolean;
  /** xw: input projection of this step (W_ih x + b_ih, plus b_hh when folded), [B, G*H]. */
  step(
    xw: tf.Tensor2D,
    h: tf.Tensor2D,
    c: tf.Tensor2D | undefined,
    weights: CellWeights,
  ): StepOutput;
  /** dh, dc: gradients reaching h' and c' of this step. */
  backStep(
    dh: tf.Tensor2D,
    dc: tf.Tensor2D | undefined,
    saved: readonly tf.Tensor2D[],
    hPrev: tf.Tensor2D,
    cPrev: tf.Tensor2D | undefined,
    weights: CellWeights,
  ): StepGradients;
}

const oneMinus = (x: tf.Tensor2D): tf.Tensor2D => tf.sub(1, x);

/** Elman RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh). */
export function rnnCell(nonlinearity: 'tanh' | 'relu'): Cell {
  return {
    kind: 'rnn',
    gates: 1,
    hasCellState: false,
    foldsHiddenBias: true,
    step(xw, h, _c, { whh }) {
      const pre = tf.add(xw, tf.matMul(h, whh, false, true)) as tf.Tensor2D;
      const hNew = nonlinearity === 'tanh' ? tf.tanh(pre) : tf.relu(pre);
      return { h: hNew, saved: [hNew] };
    },
    backStep(dh, _dc, [hNew], _hPrev, _cPrev, { whh }) {
      const slope =
        nonlinearity === 'tanh'
          ? oneMinus(tf.square(hNew as tf.Tensor2D))
          : tf.step(hNew as tf.Tensor2D);
      const dPre = tf.mul(dh, slope) as tf.Tensor2D;
      return { dGatesX: dPre, dGatesH: dPre, dhPrev: tf.matMul(dPre, whh) };
    },
  };
}

/** LSTM, gate rows i, f, g, o: c' = f*c + i*g, h' = o*tanh(c'). */
export const lstmCell: Cell = {
  kind: 'lstm',
  gates: 4,
  hasCellState: true,
  foldsHiddenBias: true,
  step(xw, h, c, { whh }) {
    const pre = tf.add(xw, tf.matMul(h, whh, false, true)) as tf.Tensor2D;
    const [ai, af, ag, ao] = tf.split(pre, 4, 1) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    const i = tf.sigmoid(ai);
    const f = tf.sigmoid(af);
    const g = tf.tanh(ag);
    const o = tf.sigmoid(ao);
    const cNew = tf.add(tf.mul(f, c as tf.Tensor2D), tf.mul(i, g)) as tf.Tensor2D;
    const hNew = tf.mul(o, tf.tanh(cNew)) as tf.Tensor2D;
    return { h: hNew, c: cNew, saved: [tf.concat([i, f, g, o], 1), cNew] };
  },
  backStep(dh, dc, [gates, cNew], _hPrev, cPrev, { whh }) {
    const [i, f, g, o] = tf.split(gates as tf.Tensor2D, 4, 1) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    const tanhC = tf.tanh(cNew as tf.Tensor2D);
    const dcTotal = tf.add(
      dc as tf.Tensor2D,
      tf.mul(tf.mul(dh, o), oneMinus(tf.square(tanhC))),
    ) as tf.Tensor2D;
    const dai = tf.mul(tf.mul(dcTotal, g), tf.mul(i, oneMinus(i)));
    const daf = tf.mul(tf.mul(dcTotal, cPrev as tf.Tensor2D), tf.mul(f, oneMinus(f)));
    const dag = tf.mul(tf.mul(dcTotal, i), oneMinus(tf.square(g)));
    const dao = tf.mul(tf.mul(dh, tanhC), tf.mul(o, oneMinus(o)));
    const dGates = tf.concat([dai, daf, dag, dao], 1) as tf.Tensor2D;
    return {
      dGatesX: dGates,
      dGatesH: dGates,
      dhPrev: tf.matMul(dGates, whh),
      dcPrev: tf.mul(dcTotal, f),
    };
  },
};

/** GRU, gate rows r, z, n: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h. */
export const gruCell: Cell = {
  kind: 'gru',
  gates: 3,
  hasCellState: false,
  foldsHiddenBias: false,
  step(xw, h, _c, { whh, bhh }) {
    let hh = tf.matMul(h, whh, false, true) as tf.Tensor2D;
    if (bhh) hh = tf.add(hh, bhh);
    const [xr, xz, xn] = tf.split(xw, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const [hr, hz, hn] = tf.split(hh, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const r = tf.sigmoid(tf.add(xr, hr)) as tf.Tensor2D;
    const z = tf.sigmoid(tf.add(xz, hz)) as tf.Tensor2D;
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn))) as tf.Tensor2D;
    const hNew = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
    return { h: hNew, saved: [tf.concat([r, z, n], 1), hn] };
  },
  backStep(dh, _dc, [rzn, hn], hPrev, _cPrev, { whh }) {
    const [r, z, n] = tf.split(rzn as tf.Tensor2D, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const dan = tf.mul(tf.mul(dh, oneMinus(z)), oneMinus(tf.square(n))) as tf.Tensor2D;
    const daz = tf.mul(tf.mul(dh, tf.sub(hPrev, n)), tf.mul(z, oneMinus(z)));
    const dar = tf.mul(tf.mul(dan, hn as tf.Tensor2D), tf.mul(r, oneMinus(r)));
    const dGatesX = tf.concat([dar, daz, dan], 1) as tf.Tensor2D;
    const dGatesH = tf.concat([dar, daz, tf.mul(dan, r)], 1) as tf.Tensor2D;
    const dhPrev = tf.add(tf.mul(dh, z), tf.matMul(dGatesH, whh)) as tf.Tensor2D;
    return { dGatesX, dGatesH, dhPrev };
  },
};

export function cellFor(
  type: 'rnn' | 'lstm' | 'gru',
  nonlinearity: 'tanh' | 'relu' = 'tanh',
): Cell {
  return type === 'lstm' ? lstmCell : type === 'gru' ? gruCell : rnnCell(nonlinearity);
}
