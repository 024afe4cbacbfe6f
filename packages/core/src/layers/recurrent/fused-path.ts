// A direction's time loop in one call of the backend's fused kernels (fused.ts): the input
// projection of every gate in one product before, the input-side weight gradient in one after.
import * as tf from '@tensorflow/tfjs-core';
import type {
  DirectionBackward,
  DirectionBackwardResult,
  DirectionForward,
  DirectionPath,
} from './direction.js';
import { inputBias, inputProjection, perInputRow } from './direction.js';
import { recurrentBackwardKernel, recurrentForwardKernel, runFused } from './fused.js';
import type { DirectionResult } from './runner.js';

/** Masks as the kernels take them: [T, B]. */
type KernelMask = tf.Tensor2D;

function forward(a: DirectionForward, mask: KernelMask | undefined): DirectionResult {
  const { T, B, H, G } = a.sizes;
  const { cell, weights: w } = a;
  const bias = inputBias(cell, w);
  const xw = tf.reshape(inputProjection(a, w.wih, bias), [T, B, G * H]);
  const bhh = cell.foldsHiddenBias ? undefined : w.bhh;
  const inputs = { xw, whh: w.whh, bhh, h0: a.h0, c0: a.c0, mask };
  const [output, hLast, cLast, gates, extra, hPrev, cPrev] = runFused(
    recurrentForwardKernel,
    inputs,
    cell.fusedName,
    a.reverse,
    a.keepTape,
  ) as tf.Tensor[];
  return {
    output: output as tf.Tensor3D,
    hLast: hLast as tf.Tensor,
    cLast: cell.hasCellState ? cLast : undefined,
    tape: {
      hPrev: hPrev as tf.Tensor3D,
      cPrev: cell.hasCellState ? (cPrev as tf.Tensor3D) : undefined,
      stepSaved: [gates as tf.Tensor3D, extra as tf.Tensor3D],
    },
  };
}

function backward(a: DirectionBackward, mask: KernelMask | undefined): DirectionBackwardResult {
  const { T, B, H, G } = a.sizes;
  const { cell, tape, weights: w } = a;
  const [gates, extra] = tape.stepSaved as [tf.Tensor, tf.Tensor];
  const inputs = {
    dOut: a.dOutput,
    dhLast: a.dhLast,
    dcLast: a.dcLast,
    gates,
    extra,
    hPrev: tape.hPrev,
    cPrev: tape.cPrev,
    whh: w.whh,
    mask,
  };
  const [dGatesX, , dh0, dc0, dWhh, dBhh, dBih] = runFused(
    recurrentBackwardKernel,
    inputs,
    cell.fusedName,
    a.reverse,
  ) as tf.Tensor[];
  const gx = perInputRow(a, tf.reshape(dGatesX as tf.Tensor, [T * B, G * H]) as tf.Tensor2D);
  const params = [tf.matMul(gx, a.input, true, false), dWhh as tf.Tensor];
  if (w.bih) params.push(dBih as tf.Tensor, dBhh as tf.Tensor);
  return {
    params,
    inputTerms: [tf.matMul(gx, w.wih) as tf.Tensor2D],
    dh0: dh0 as tf.Tensor,
    dc0: cell.hasCellState ? dc0 : undefined,
  };
}

export const fusedPath: DirectionPath<KernelMask> = {
  masks: (masks) => tf.reshape(masks, [masks.shape[0], masks.shape[1]]) as tf.Tensor2D,
  forward,
  backward,
};
