// The time loop of one recurrent layer direction on Float32Arrays, for backends that implement the
// fused kernels (fused.ts) in JavaScript: the same equations, packed-sequence masking and saved
// tensors as runner.ts. The backend owns every buffer (the wasm backend passes views of its heap)
// and the recurrent matrix product of each step, which is where a backend's speed lies.
import type { FusedCellName } from './fused.js';

export const fusedGateCount = (cell: FusedCellName): number =>
  cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;

export interface LoopShape {
  cell: FusedCellName;
  T: number;
  B: number;
  H: number;
  reverse: boolean;
}

export interface ForwardBuffers {
  /** [T, B, G*H] input projections with biases (bias_hh folded in, except GRU). */
  xw: Float32Array;
  /** [G*H], GRU with bias only. */
  bhh: Float32Array | undefined;
  h0: Float32Array;
  c0: Float32Array | undefined;
  /** [T, B], 1 for real steps. */
  mask: Float32Array | undefined;
  /** Scratch [B, G*H]: `stepProduct(t)` writes hPrev[t] · W_hhᵀ here. */
  hh: Float32Array;
  /** Scratch [B, G*H] and [B, H]: pre-activations and their sigmoids (see `Sigmoid`). */
  gatePre: Float32Array;
  gateAct: Float32Array;
  cellPre: Float32Array;
  cellAct: Float32Array;
  // Outputs, written completely (they need not be zeroed).
  output: Float32Array; // [T, B, H]
  hLast: Float32Array; // [B, H]
  cLast: Float32Array; // [B, H] (zeros without a cell state)
  gates: Float32Array; // [T, B, G*H] activated gates
  extra: Float32Array; // [T, B, H]: c' (LSTM), W_hn h + b_hn (GRU), h' (RNN)
  hPrev: Float32Array; // [T, B, H]: the state each step starts from
  cPrev: Float32Array; // [T, B, H]
}

/**
 * The loop's only transcendental function: act = sigmoid(pre) over the first `n` elements of the
 * gate buffers (`which` "gate") or the cell buffers ("cell"). tanh is taken as 2·sigmoid(2x) − 1,
 * so a backend with a vectorized sigmoid (XNNPACK's on wasm) runs all of a step's activations in
 * two calls.
 */
export type Sigmoid = (which: 'gate' | 'cell', n: number) => void;

/** A plain JavaScript `Sigmoid` over the loop's buffers. */
export function scalarSigmoid(buffers: ForwardBuffers): Sigmoid {
  return (which, n) => {
    const pre = which === 'gate' ? buffers.gatePre : buffers.cellPre;
    const act = which === 'gate' ? buffers.gateAct : buffers.cellAct;
    for (let k = 0; k < n; k++) act[k] = 1 / (1 + Math.exp(-(pre[k] as number)));
  };
}

/**
 * Runs the forward loop. `stepProduct(t)` must overwrite `hh` with hPrev[t] · W_hhᵀ, where hPrev[t]
 * (rows t*B .. t*B+B of `hPrev`) already holds the step's starting state.
 */
export function fusedForwardLoop(
  { cell, T, B, H, reverse }: LoopShape,
  a: ForwardBuffers,
  stepProduct: (t: number) => void,
  sigmoid: Sigmoid = scalarSigmoid(a),
): void {
  const GH = fusedGateCount(cell) * H;
  const BH = B * H;
  // The running state lives in hLast/cLast: after the last step they hold the final state.
  const h = a.hLast;
  const c = a.cLast;
  h.set(a.h0);
  if (a.c0) c.set(a.c0);
  else c.fill(0);
  const { hh, xw, bhh, gatePre, gateAct, cellPre, cellAct, gates, extra } = a;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    a.hPrev.set(h, t * BH);
    a.cPrev.set(c, t * BH);
    stepProduct(t);
    const x0 = t * B * GH;
    const s0 = t * BH;
    if (cell === 'rnn-relu') {
      for (let k = 0; k < B * GH; k++)
        gateAct[k] = Math.max((xw[x0 + k] as number) + (hh[k] as number), 0);
    } else {
      // Pre-activations of every gate; tanh inputs doubled (tanh x = 2·sigmoid(2x) − 1).
      for (let b = 0; b < B; b++) {
        for (let g = 0; g < GH; g++) {
          const k = b * GH + g;
          let pre = (xw[x0 + k] as number) + (hh[k] as number);
          if (cell === 'gru') {
            if (g >= 2 * H) continue; // n needs r first
            if (bhh) pre += bhh[g] as number;
          } else if (cell === 'rnn-tanh' || (g >= 2 * H && g < 3 * H)) pre *= 2;
          gatePre[k] = pre;
        }
      }
      sigmoid('gate', B * GH);
    }
    if (cell === 'lstm' || cell === 'gru') {
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const k = b * GH + j;
          if (cell === 'lstm') {
            const i = gateAct[k] as number;
            const f = gateAct[k + H] as number;
            const g = 2 * (gateAct[k + 2 * H] as number) - 1;
            cellPre[b * H + j] = 2 * (f * (c[b * H + j] as number) + i * g);
          } else {
            const hn = (hh[k + 2 * H] as number) + (bhh ? (bhh[2 * H + j] as number) : 0);
            extra[s0 + b * H + j] = hn;
            cellPre[b * H + j] = 2 * ((xw[x0 + k + 2 * H] as number) + (gateAct[k] as number) * hn);
          }
        }
      }
      sigmoid('cell', BH);
    }
    for (let b = 0; b < B; b++) {
      const m = a.mask ? (a.mask[t * B + b] as number) : 1;
      const x = x0 + b * GH;
      const row = b * GH;
      const st = s0 + b * H;
      const sb = b * H;
      for (let j = 0; j < H; j++) {
        let hNew: number;
        let cNew = c[sb + j] as number;
        if (cell === 'lstm') {
          const i = gateAct[row + j] as number;
          const f = gateAct[row + H + j] as number;
          const g = 2 * (gateAct[row + 2 * H + j] as number) - 1;
          const o = gateAct[row + 3 * H + j] as number;
          cNew = (cellPre[sb + j] as number) / 2;
          hNew = o * (2 * (cellAct[sb + j] as number) - 1);
          gates[x + j] = i;
          gates[x + H + j] = f;
          gates[x + 2 * H + j] = g;
          gates[x + 3 * H + j] = o;
          extra[st + j] = cNew;
        } else if (cell === 'gru') {
          const r = gateAct[row + j] as number;
          const z = gateAct[row + H + j] as number;
          const n = 2 * (cellAct[sb + j] as number) - 1;
          hNew = n + z * ((h[sb + j] as number) - n);
          gates[x + j] = r;
          gates[x + H + j] = z;
          gates[x + 2 * H + j] = n;
        } else {
          const act = gateAct[row + j] as number;
          hNew = cell === 'rnn-tanh' ? 2 * act - 1 : act;
          gates[x + j] = hNew;
          extra[st + j] = hNew;
        }
        // Packed-sequence semantics: past a row's length the state is carried and the output is 0.
        if (m) {
          h[sb + j] = hNew;
          c[sb + j] = cNew;
          a.output[st + j] = hNew;
        } else {
          a.output[st + j] = 0;
        }
      }
    }
  }
}

export interface BackwardBuffers {
  dOut: Float32Array; // [T, B, H]
  dhLast: Float32Array; // [B, H]
  dcLast: Float32Array | undefined;
  gates: Float32Array;
  extra: Float32Array;
  hPrev: Float32Array;
  cPrev: Float32Array;
  mask: Float32Array | undefined;
  /** tanh(c') [T, B, H] for LSTM when the backend computed it in bulk (else Math.tanh per cell). */
  tanhC?: Float32Array | undefined;
  /** Scratch [B, H]: `stepProduct(t)` writes dGatesH[t] · W_hh here. */
  dhRecurrent: Float32Array;
  // Outputs, written completely.
  dGatesX: Float32Array; // [T, B, G*H]
  /** [T, B, G*H]; for every cell but GRU pass the same array as dGatesX. */
  dGatesH: Float32Array;
  dh0: Float32Array; // [B, H]
  dc0: Float32Array; // [B, H]
}

/**
 * Runs the backward loop (gradients of the gates and of the initial state). `stepProduct(t)` must
 * overwrite `dhRecurrent` with dGatesH[t] · W_hh. Weight and bias gradients are left to the
 * caller, as one product over all steps: dW_hh = dGatesHᵀ · hPrev, and see `columnSums`.
 */
export function fusedBackwardLoop(
  { cell, T, B, H, reverse }: LoopShape,
  a: BackwardBuffers,
  stepProduct: (t: number) => void,
): void {
  const GH = fusedGateCount(cell) * H;
  const dh = a.dh0;
  const dc = a.dc0;
  dh.set(a.dhLast);
  if (a.dcLast) dc.set(a.dcLast);
  else dc.fill(0);
  const { dGatesX, dGatesH, gates, extra } = a;
  const gru = cell === 'gru';
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const m = a.mask ? (a.mask[t * B + b] as number) : 1;
      const x = (t * B + b) * GH;
      const st = (t * B + b) * H;
      const sb = b * H;
      for (let j = 0; j < H; j++) {
        const dhIn = dh[sb + j] as number;
        const dcIn = dc[sb + j] as number;
        // Past a row's length the gradient is carried through unchanged.
        if (!m) {
          for (let g = 0; g < GH; g += H) {
            dGatesX[x + g + j] = 0;
            if (gru) dGatesH[x + g + j] = 0;
          }
          continue;
        }
        const dhNew = dhIn + (a.dOut[st + j] as number);
        let dhCarry = 0;
        let dcCarry = 0;
        if (cell === 'lstm') {
          const i = gates[x + j] as number;
          const f = gates[x + H + j] as number;
          const g = gates[x + 2 * H + j] as number;
          const o = gates[x + 3 * H + j] as number;
          const tc = a.tanhC ? (a.tanhC[st + j] as number) : Math.tanh(extra[st + j] as number);
          const dcTotal = dcIn + dhNew * o * (1 - tc * tc);
          dGatesX[x + j] = dcTotal * g * i * (1 - i);
          dGatesX[x + H + j] = dcTotal * (a.cPrev[st + j] as number) * f * (1 - f);
          dGatesX[x + 2 * H + j] = dcTotal * i * (1 - g * g);
          dGatesX[x + 3 * H + j] = dhNew * tc * o * (1 - o);
          dcCarry = dcTotal * f;
        } else if (gru) {
          const r = gates[x + j] as number;
          const z = gates[x + H + j] as number;
          const n = gates[x + 2 * H + j] as number;
          const dan = dhNew * (1 - z) * (1 - n * n);
          const daz = dhNew * ((a.hPrev[st + j] as number) - n) * z * (1 - z);
          const dar = dan * (extra[st + j] as number) * r * (1 - r);
          dGatesX[x + j] = dar;
          dGatesX[x + H + j] = daz;
          dGatesX[x + 2 * H + j] = dan;
          dGatesH[x + j] = dar;
          dGatesH[x + H + j] = daz;
          dGatesH[x + 2 * H + j] = dan * r;
          dhCarry = dhNew * z;
        } else {
          const hNew = extra[st + j] as number;
          dGatesX[x + j] = dhNew * (cell === 'rnn-tanh' ? 1 - hNew * hNew : hNew > 0 ? 1 : 0);
        }
        dh[sb + j] = dhCarry;
        dc[sb + j] = dcCarry;
      }
    }
    // dh_{t-1} += dGatesH[t] · W_hh (zero rows past a length add nothing).
    stepProduct(t);
    const dr = a.dhRecurrent;
    for (let k = 0; k < B * H; k++) dh[k] = (dh[k] as number) + (dr[k] as number);
  }
}

/** Sums of the rows of d [rows, cols] into out [cols] (bias gradients). */
export function columnSums(d: Float32Array, rows: number, cols: number, out: Float32Array): void {
  out.fill(0);
  for (let n = 0; n < rows; n++) {
    const base = n * cols;
    for (let r = 0; r < cols; r++) out[r] = (out[r] as number) + (d[base + r] as number);
  }
}
