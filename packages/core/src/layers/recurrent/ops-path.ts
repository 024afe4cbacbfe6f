// A direction's time loop with tfjs ops (runner.ts): one input projection per gate over every
// step before the loop, and after the backward loop one large product per gate and weight.
import * as tf from '@tensorflow/tfjs-core';
import {
  cellWeights,
  type DirectionBackward,
  type DirectionBackwardResult,
  type DirectionForward,
  type DirectionPath,
  gateBlock,
  gateBlocks,
  inputBias,
  inputProjection,
  perInputRow,
} from './direction.js';
import { backwardDirection, type DirectionResult, forwardDirection } from './runner.js';

/** Masks as one [B, 1] tensor per step. */
type StepMasks = tf.Tensor2D[];

function forward(a: DirectionForward, masks: StepMasks | undefined): DirectionResult {
  const { T, B, H, G } = a.sizes;
  const bias = inputBias(a.cell, a.weights);
  const xw = gateBlocks(a.weights.wih, G, H).map((wihGate, g) => {
    const projection = inputProjection(a, wihGate, bias && gateBlock(bias, g, H));
    return tf.reshape(projection, [T, B, H]) as tf.Tensor3D;
  });
  const weights = cellWeights(a.cell, a.weights, G, H);
  return forwardDirection(a.cell, xw, a.h0, a.c0, weights, masks, a.reverse);
}

function backward(a: DirectionBackward, masks: StepMasks | undefined): DirectionBackwardResult {
  const { T, B, H, G } = a.sizes;
  const weights = cellWeights(a.cell, a.weights, G, H);
  const r = backwardDirection(
    a.cell,
    a.tape,
    a.dOutput,
    a.dhLast,
    a.dcLast,
    weights,
    masks,
    a.reverse,
  );
  const flat = (t: tf.Tensor3D) => tf.reshape(t, [T * B, H]) as tf.Tensor2D;
  const gx = r.dGatesX.map(flat);
  const gh = r.dGatesH === r.dGatesX ? gx : r.dGatesH.map(flat);
  const hPrev = flat(a.tape.hPrev);
  // One large product per gate and weight, over every step at once.
  const gxRows = gx.map((dg) => perInputRow(a, dg));
  const params = [
    tf.concat(gxRows.map((dg) => tf.matMul(dg, a.input, true, false))),
    tf.concat(gh.map((dg) => tf.matMul(dg, hPrev, true, false))),
  ];
  if (a.weights.bih) {
    params.push(tf.concat(gx.map((dg) => tf.sum(dg, 0))), tf.concat(gh.map((dg) => tf.sum(dg, 0))));
  }
  const wihGates = gateBlocks(a.weights.wih, G, H);
  const inputTerms = gxRows.map(
    (dg, k) => tf.matMul(dg, wihGates[k] as tf.Tensor2D) as tf.Tensor2D,
  );
  return { params, inputTerms, dh0: r.dh0, dc0: r.dc0 };
}

export const opsPath: DirectionPath<StepMasks> = {
  masks: (masks) => tf.unstack(masks) as tf.Tensor2D[],
  forward,
  backward,
};
