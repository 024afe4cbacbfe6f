// The time loop of one recurrent layer in one direction, forward and backward through time.
// Tensors are time-major ([T, B, ...]) so a step is a cheap unstack slice; the input projection of
// every step is done before the loop (one matMul), and the weight gradients after it (one matMul
// per weight) by the caller, from the per-step gate gradients collected here.
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
  hLast: tf.Tensor2D;
  cLast: tf.Tensor2D | undefined;
  tape: DirectionTape;
}

/**
 * Runs `cell` over `xw` ([T, B, G*H], the input projection with biases) from state (h0, c0).
 * `masks[t]` ([B, 1], 1 for real steps) implements packed-sequence semantics: past a row's length
 * its state is carried unchanged and its output is 0, so a reverse pass starts at the row's last
 * real step from the initial state.
 */
export function forwardDirection(
  cell: Cell,
  xw: tf.Tensor3D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D | undefined,
  weights: CellWeights,
  masks: readonly tf.Tensor2D[] | undefined,
  reverse: boolean,
): DirectionResult {
  const steps = tf.unstack(xw) as tf.Tensor2D[];
  const T = steps.length;
  const outputs: tf.Tensor2D[] = new Array(T);
  const hPrev: tf.Tensor2D[] = new Array(T);
  const cPrev: tf.Tensor2D[] = new Array(T);
  const saved: tf.Tensor2D[][] = new Array(T);
  let h = h0;
  let c = c0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    hPrev[t] = h;
    if (c) cPrev[t] = c;
    const mask = masks?.[t];
    const next = tf.tidy(() => {
      const step = cell.step(steps[t] as tf.Tensor2D, h, c, weights);
      if (!mask) return { h: step.h, c: step.c, out: step.h, saved: step.saved };
      return {
        h: tf.add(h, tf.mul(mask, tf.sub(step.h, h))) as tf.Tensor2D,
        c: c && step.c ? (tf.add(c, tf.mul(mask, tf.sub(step.c, c))) as tf.Tensor2D) : undefined,
        out: tf.mul(mask, step.h) as tf.Tensor2D,
        saved: step.saved,
      };
    });
    outputs[t] = next.out;
    saved[t] = next.saved;
    h = next.h;
    c = next.c;
  }
  const stepSaved = (saved[0] ?? []).map(
    (_, k) => tf.stack(saved.map((items) => items[k] as tf.Tensor2D)) as tf.Tensor3D,
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
  /** Gate gradients on the input side, [T, B, G*H] (time order). */
  dGatesX: tf.Tensor3D;
  /** Gate gradients on the hidden side; the same tensor as dGatesX for RNN and LSTM. */
  dGatesH: tf.Tensor3D;
  dh0: tf.Tensor2D;
  dc0: tf.Tensor2D | undefined;
}

/** Backpropagates through the steps of one direction, in the reverse of the order they ran. */
export function backwardDirection(
  cell: Cell,
  tape: DirectionTape,
  dOutput: tf.Tensor3D,
  dhLast: tf.Tensor2D,
  dcLast: tf.Tensor2D | undefined,
  weights: CellWeights,
  masks: readonly tf.Tensor2D[] | undefined,
  reverse: boolean,
): DirectionGradients {
  const dOut = tf.unstack(dOutput) as tf.Tensor2D[];
  const hPrev = tf.unstack(tape.hPrev) as tf.Tensor2D[];
  const cPrev = tape.cPrev ? (tf.unstack(tape.cPrev) as tf.Tensor2D[]) : undefined;
  const stepSaved = tape.stepSaved.map((stack) => tf.unstack(stack) as tf.Tensor2D[]);
  const T = dOut.length;
  const dGatesX: tf.Tensor2D[] = new Array(T);
  const dGatesH: tf.Tensor2D[] = new Array(T);
  let dh = dhLast;
  let dc = dcLast;
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const mask = masks?.[t];
    const next = tf.tidy(() => {
      const dhTotal = tf.add(dh, dOut[t] as tf.Tensor2D) as tf.Tensor2D;
      const dhNew = mask ? (tf.mul(mask, dhTotal) as tf.Tensor2D) : dhTotal;
      const dcNew = dc && mask ? (tf.mul(mask, dc) as tf.Tensor2D) : dc;
      const grads = cell.backStep(
        dhNew,
        dcNew,
        stepSaved.map((items) => items[t] as tf.Tensor2D),
        hPrev[t] as tf.Tensor2D,
        cPrev?.[t],
        weights,
      );
      // Past a row's length the state was carried through unchanged, and so is its gradient.
      const carry = mask ? tf.sub(1, mask) : undefined;
      const dhPrev = carry
        ? (tf.add(grads.dhPrev, tf.mul(carry, dh)) as tf.Tensor2D)
        : grads.dhPrev;
      const dcPrev =
        grads.dcPrev && carry && dc
          ? (tf.add(grads.dcPrev, tf.mul(carry, dc)) as tf.Tensor2D)
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
  const stackedX = tf.stack(dGatesX) as tf.Tensor3D;
  const shared = dGatesX[0] === dGatesH[0];
  const stackedH = shared ? stackedX : (tf.stack(dGatesH) as tf.Tensor3D);
  tf.dispose([
    ...dGatesX,
    ...(shared ? [] : dGatesH),
    ...dOut,
    ...hPrev,
    ...(cPrev ?? []),
    ...stepSaved.flat(),
  ]);
  return { dGatesX: stackedX, dGatesH: stackedH, dh0: dh, dc0: dc };
}
