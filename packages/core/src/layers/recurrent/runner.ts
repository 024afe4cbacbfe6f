// The time loop of one recurrent layer in one direction, forward and backward through time.
// Tensors are time-major ([T, B, ...]) so a step is a cheap contiguous unstack slice; the input
// projection of every step is done before the loop (one matMul per gate), and the weight gradients
// after it (one matMul per gate and weight) by the caller, from the gate gradients collected here.
import * as tf from '@tensorflow/tfjs-core';
import type { Cell, CellWeights } from './cells.js';

/** Per-step tensors of one direction, stacked in time order, kept for the backward pass. */
export interface DirectionTape {
  /** State before each step, [T, B, H] (time order). */
  hPrev: tf.Tensor3D;
  cPrev: tf.Tensor3D | undefined;
  /** The cell's saved tensors, each stacked to [T, B, k]. */
  stepSaved: tf.Tensor3D[];
}

export interface DirectionResult {
  /** Outputs [T, B, H]; zero past each row's length. */
  output: tf.Tensor3D;
  hLast: tf.Tensor;
  cLast: tf.Tensor | undefined;
  tape: DirectionTape;
}

/**
 * Runs `cell` over `xw` (per gate [T, B, H], the input projection with biases) from state (h0, c0).
 * `masks[t]` ([B, 1], 1 for real steps) implements packed-sequence semantics: past a row's length
 * its state is carried unchanged and its output is 0, so a reverse pass starts at the row's last
 * real step from the initial state.
 */
export function forwardDirection(
  cell: Cell,
  xw: readonly tf.Tensor3D[],
  h0: tf.Tensor,
  c0: tf.Tensor | undefined,
  weights: CellWeights,
  masks: readonly tf.Tensor[] | undefined,
  reverse: boolean,
): DirectionResult {
  const perGate = xw.map((gate) => tf.unstack(gate) as tf.Tensor[]);
  const T = perGate[0]?.length ?? 0;
  const outputs: tf.Tensor[] = new Array(T);
  const hPrev: tf.Tensor[] = new Array(T);
  const cPrev: tf.Tensor[] = new Array(T);
  const saved: tf.Tensor[][] = new Array(T);
  let h = h0;
  let c = c0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    hPrev[t] = h;
    if (c) cPrev[t] = c;
    const mask = masks?.[t];
    const next = tf.tidy(() => {
      const step = cell.step(
        perGate.map((gate) => gate[t] as tf.Tensor),
        h,
        c,
        weights,
      );
      if (!mask) return { h: step.h, c: step.c, out: step.h, saved: step.saved };
      return {
        h: tf.add(h, tf.mul(mask, tf.sub(step.h, h))) as tf.Tensor,
        c: c && step.c ? (tf.add(c, tf.mul(mask, tf.sub(step.c, c))) as tf.Tensor) : undefined,
        out: tf.mul(mask, step.h) as tf.Tensor,
        saved: step.saved,
      };
    });
    outputs[t] = next.out;
    saved[t] = next.saved;
    h = next.h;
    c = next.c;
  }
  const stepSaved = (saved[0] ?? []).map(
    (_, k) => tf.stack(saved.map((items) => items[k] as tf.Tensor)) as tf.Tensor3D,
  );
  return {
    output: tf.stack(outputs) as tf.Tensor3D,
    hLast: h,
    cLast: c,
    tape: {
      hPrev: tf.stack(hPrev) as tf.Tensor3D,
      cPrev: c0 ? (tf.stack(cPrev) as tf.Tensor3D) : undefined,
      stepSaved,
    },
  };
}

export interface DirectionGradients {
  /** Per gate, gradients on the input side, [T, B, H] (time order). */
  dGatesX: tf.Tensor3D[];
  /** Per gate, gradients on the hidden side; the same tensors as dGatesX for RNN and LSTM. */
  dGatesH: tf.Tensor3D[];
  dh0: tf.Tensor;
  dc0: tf.Tensor | undefined;
}

/** Backpropagates through the steps of one direction, in the reverse of the order they ran. */
export function backwardDirection(
  cell: Cell,
  tape: DirectionTape,
  dOutput: tf.Tensor3D,
  dhLast: tf.Tensor,
  dcLast: tf.Tensor | undefined,
  weights: CellWeights,
  masks: readonly tf.Tensor[] | undefined,
  reverse: boolean,
): DirectionGradients {
  const dOut = tf.unstack(dOutput) as tf.Tensor[];
  const hPrev = tf.unstack(tape.hPrev) as tf.Tensor[];
  const cPrev = tape.cPrev ? (tf.unstack(tape.cPrev) as tf.Tensor[]) : undefined;
  const stepSaved = tape.stepSaved.map((stack) => tf.unstack(stack) as tf.Tensor[]);
  const T = dOut.length;
  const dGatesX: tf.Tensor[][] = new Array(T);
  const dGatesH: tf.Tensor[][] = new Array(T);
  let dh = dhLast;
  let dc = dcLast;
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const mask = masks?.[t];
    const next = tf.tidy(() => {
      const dhTotal = tf.add(dh, dOut[t] as tf.Tensor) as tf.Tensor;
      const dhNew = mask ? (tf.mul(mask, dhTotal) as tf.Tensor) : dhTotal;
      const dcNew = dc && mask ? (tf.mul(mask, dc) as tf.Tensor) : dc;
      const grads = cell.backStep(
        dhNew,
        dcNew,
        stepSaved.map((items) => items[t] as tf.Tensor),
        hPrev[t] as tf.Tensor,
        cPrev?.[t],
        weights,
      );
      // Past a row's length the state was carried through unchanged, and so is its gradient.
      const carry = mask ? tf.sub(1, mask) : undefined;
      const dhPrev = carry ? (tf.add(grads.dhPrev, tf.mul(carry, dh)) as tf.Tensor) : grads.dhPrev;
      const dcPrev =
        grads.dcPrev && carry && dc
          ? (tf.add(grads.dcPrev, tf.mul(carry, dc)) as tf.Tensor)
          : grads.dcPrev;
      return { dh: dhPrev, dc: dcPrev, dGatesX: grads.dGatesX, dGatesH: grads.dGatesH };
    });
    if (dh !== dhLast) dh.dispose();
    if (dc && dc !== dcLast) dc.dispose();
    dh = next.dh;
    dc = next.dc;
    dGatesX[t] = next.dGatesX;
    dGatesH[t] = next.dGatesH;
  }
  const gates = dGatesX[0]?.length ?? 0;
  const stackGate = (steps: tf.Tensor[][], g: number) =>
    tf.stack(steps.map((step) => step[g] as tf.Tensor)) as tf.Tensor3D;
  const stackedX = Array.from({ length: gates }, (_, g) => stackGate(dGatesX, g));
  const shared = dGatesX[0] === dGatesH[0]; // RNN and LSTM return one array for both sides
  const stackedH = shared
    ? stackedX
    : Array.from({ length: gates }, (_, g) => stackGate(dGatesH, g));
  tf.dispose([
    ...dGatesX.flat(),
    ...(shared ? [] : dGatesH.flat()),
    ...dOut,
    ...hPrev,
    ...(cPrev ?? []),
    ...stepSaved.flat(),
  ]);
  return { dGatesX: stackedX, dGatesH: stackedH, dh0: dh, dc0: dc };
}
