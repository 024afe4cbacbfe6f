// The time loops of one recurrent layer direction with each step's cell arithmetic in our WASM SIMD
// module (module.ts): core's fusedForwardLoop / fusedBackwardLoop (fused-loops.ts, the reference)
// over byte offsets of one memory instead of Float32Arrays. The caller runs each step's recurrent
// product (XNNPACK) in `stepProduct(t)`, as for core's loops.
import { fusedGateCount, type LoopShape } from '@recurrent/core';
import type { GateKernels } from './module.js';

/** Byte offsets of core's ForwardBuffers (without its scratch); 0 for an absent optional one. */
export interface ForwardPointers {
  xw: number;
  bhh: number;
  h0: number;
  c0: number;
  mask: number;
  /** [B, G*H]: `stepProduct(t)` writes hPrev[t] · W_hhᵀ here. */
  hh: number;
  output: number;
  hLast: number;
  cLast: number;
  gates: number;
  extra: number;
  hPrev: number;
  cPrev: number;
}

/**
 * Runs the forward loop over `heap` (a Float32Array over the whole memory, which must not grow
 * during the loop). `stepProduct(t)` must overwrite `hh` with hPrev[t] · W_hhᵀ.
 */
export function gateForwardLoop(
  kernels: GateKernels,
  heap: Float32Array,
  { cell, T, B, H, reverse }: LoopShape,
  p: ForwardPointers,
  stepProduct: (t: number) => void,
): void {
  const BH = B * H;
  const GH = fusedGateCount(cell) * H;
  const lstm = cell === 'lstm';
  copy(heap, p.h0, p.hLast, BH);
  if (p.c0) copy(heap, p.c0, p.cLast, BH);
  else heap.fill(0, p.cLast >> 2, (p.cLast >> 2) + BH);
  // Without a cell state every step starts from c = 0.
  if (!lstm) heap.fill(0, p.cPrev >> 2, (p.cPrev >> 2) + T * BH);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const x = p.xw + 4 * t * B * GH;
    const g = p.gates + 4 * t * B * GH;
    const st = 4 * t * BH;
    const mask = p.mask && p.mask + 4 * t * B;
    copy(heap, p.hLast, p.hPrev + st, BH);
    if (lstm) copy(heap, p.cLast, p.cPrev + st, BH);
    stepProduct(t);
    if (lstm) {
      kernels.lstmForward(x, p.hh, mask, p.hLast, p.cLast, g, p.extra + st, p.output + st, B, H);
    } else if (cell === 'gru') {
      kernels.gruForward(x, p.hh, p.bhh, mask, p.hLast, g, p.extra + st, p.output + st, B, H);
    } else {
      const relu = cell === 'rnn-relu' ? 1 : 0;
      kernels.rnnForward(x, p.hh, mask, p.hLast, g, p.extra + st, p.output + st, B, H, relu);
    }
  }
}

/** Byte offsets of core's BackwardBuffers; 0 for an absent optional one. */
export interface BackwardPointers {
  dOut: number;
  dhLast: number;
  dcLast: number;
  gates: number;
  extra: number;
  hPrev: number;
  /** LSTM only (the other cells do not read it). */
  cPrev: number;
  mask: number;
  /** [B, H]: `stepProduct(t)` writes dGatesH[t] · W_hh here. */
  dhRecurrent: number;
  dGatesX: number;
  /** GRU only; for the other cells the same as dGatesX. */
  dGatesH: number;
  dh0: number;
  dc0: number;
}

/** Runs the backward loop (core's fusedBackwardLoop); `stepProduct(t)` as there. */
export function gateBackwardLoop(
  kernels: GateKernels,
  heap: Float32Array,
  { cell, T, B, H, reverse }: LoopShape,
  p: BackwardPointers,
  stepProduct: (t: number) => void,
): void {
  const BH = B * H;
  const GH = fusedGateCount(cell) * H;
  copy(heap, p.dhLast, p.dh0, BH);
  if (p.dcLast) copy(heap, p.dcLast, p.dc0, BH);
  else heap.fill(0, p.dc0 >> 2, (p.dc0 >> 2) + BH);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const g = 4 * t * B * GH;
    const st = 4 * t * BH;
    const mask = p.mask && p.mask + 4 * t * B;
    const dOut = p.dOut + st;
    const extra = p.extra + st;
    if (cell === 'lstm') {
      const { dh0, dc0 } = p;
      kernels.lstmBackward(
        p.gates + g,
        extra,
        p.cPrev + st,
        dOut,
        mask,
        dh0,
        dc0,
        p.dGatesX + g,
        B,
        H,
      );
    } else if (cell === 'gru') {
      const dgx = p.dGatesX + g;
      kernels.gruBackward(
        p.gates + g,
        extra,
        p.hPrev + st,
        dOut,
        mask,
        p.dh0,
        dgx,
        p.dGatesH + g,
        B,
        H,
      );
    } else {
      const relu = cell === 'rnn-relu' ? 1 : 0;
      kernels.rnnBackward(extra, dOut, mask, p.dh0, p.dGatesX + g, B, H, relu);
    }
    // dh_{t-1} += dGatesH[t] · W_hh (zero rows past a length add nothing), flushed.
    stepProduct(t);
    kernels.addFlushed(p.dh0, p.dhRecurrent, BH);
  }
}

/** Copies n floats between byte offsets. */
function copy(heap: Float32Array, from: number, to: number, n: number): void {
  heap.copyWithin(to >> 2, from >> 2, (from >> 2) + n);
}
