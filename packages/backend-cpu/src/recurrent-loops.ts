// The cpu backend's fused recurrent kernels on Float32Arrays: core's shared time loops
// (fused-loops.ts) with the recurrent products done by gemm.ts.
import {
  type BackwardBuffers,
  columnSums,
  type ForwardBuffers,
  type FusedCellName,
  fusedBackwardLoop,
  fusedForwardLoop,
  fusedGateCount,
} from '@recurrent/core';
import { gemmAccumulate, gemmTransposedAAccumulate, transpose } from './gemm.js';

export type CellKind = FusedCellName;
export const gateCount = fusedGateCount;

export interface ForwardArrays {
  xw: Float32Array;
  whh: Float32Array;
  /** W_hh transposed, [H, G*H], when the caller has it already. */
  whhT?: Float32Array | undefined;
  bhh: Float32Array | undefined;
  h0: Float32Array;
  c0: Float32Array | undefined;
  mask: Float32Array | undefined;
}

export type ForwardResult = Omit<
  ForwardBuffers,
  'xw' | 'bhh' | 'h0' | 'c0' | 'mask' | 'hh' | 'gatePre' | 'gateAct' | 'cellPre' | 'cellAct'
>;

export function recurrentForward(
  cell: CellKind,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
  a: ForwardArrays,
): ForwardResult {
  const GH = gateCount(cell) * H;
  const whhT = a.whhT ?? transpose(a.whh, GH, H); // [H, G*H]: h W_hh^T as a row-major product
  const buffers: ForwardBuffers = {
    xw: a.xw,
    bhh: a.bhh,
    h0: a.h0,
    c0: a.c0,
    mask: a.mask,
    hh: new Float32Array(B * GH),
    gatePre: new Float32Array(B * GH),
    gateAct: new Float32Array(B * GH),
    cellPre: new Float32Array(B * H),
    cellAct: new Float32Array(B * H),
    output: new Float32Array(T * B * H),
    hLast: new Float32Array(B * H),
    cLast: new Float32Array(B * H),
    gates: new Float32Array(T * B * GH),
    extra: new Float32Array(T * B * H),
    hPrev: new Float32Array(T * B * H),
    cPrev: new Float32Array(T * B * H),
  };
  fusedForwardLoop({ cell, T, B, H, reverse }, buffers, (t) => {
    buffers.hh.fill(0);
    gemmAccumulate(buffers.hPrev.subarray(t * B * H, (t + 1) * B * H), whhT, buffers.hh, B, H, GH);
  });
  const { xw, bhh, h0, c0, mask, hh, gatePre, gateAct, cellPre, cellAct, ...outputs } = buffers;
  return outputs;
}

export interface BackwardArrays {
  dOut: Float32Array;
  dhLast: Float32Array;
  dcLast: Float32Array | undefined;
  gates: Float32Array;
  extra: Float32Array;
  hPrev: Float32Array;
  cPrev: Float32Array;
  whh: Float32Array; // [G*H, H]
  mask: Float32Array | undefined;
}

export interface BackwardResult {
  dGatesX: Float32Array; // [T, B, G*H]
  dGatesH: Float32Array; // [T, B, G*H] (the same array as dGatesX but for GRU)
  dh0: Float32Array;
  dc0: Float32Array;
  dWhh: Float32Array; // [G*H, H]
  dBhh: Float32Array; // [G*H]
  dBih: Float32Array; // [G*H]
}

export function recurrentBackward(
  cell: CellKind,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
  a: BackwardArrays,
): BackwardResult {
  const GH = gateCount(cell) * H;
  const dGatesX = new Float32Array(T * B * GH);
  const buffers: BackwardBuffers = {
    ...a,
    dhRecurrent: new Float32Array(B * H),
    dGatesX,
    dGatesH: cell === 'gru' ? new Float32Array(T * B * GH) : dGatesX,
    dh0: new Float32Array(B * H),
    dc0: new Float32Array(B * H),
  };
  const { dGatesH, dhRecurrent } = buffers;
  fusedBackwardLoop({ cell, T, B, H, reverse }, buffers, (t) => {
    dhRecurrent.fill(0);
    gemmAccumulate(dGatesH.subarray(t * B * GH, (t + 1) * B * GH), a.whh, dhRecurrent, B, GH, H);
  });
  // Weight and bias gradients over every step at once.
  const dWhh = new Float32Array(GH * H);
  gemmTransposedAAccumulate(dGatesH, a.hPrev, dWhh, GH, T * B, H);
  const dBhh = new Float32Array(GH);
  columnSums(dGatesH, T * B, GH, dBhh);
  let dBih = dBhh;
  if (dGatesH !== dGatesX) {
    dBih = new Float32Array(GH);
    columnSums(dGatesX, T * B, GH, dBih);
  }
  return { dGatesX, dGatesH, dh0: buffers.dh0, dc0: buffers.dc0, dWhh, dBhh, dBih };
}
