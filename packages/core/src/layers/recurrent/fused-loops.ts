// The time loop of one recurrent layer direction on Float32Arrays, for backends that implement the
// fused kernels (fused.ts) in JavaScript: the same equations, packed-sequence masking and saved
// tensors as runner.ts. The backend owns every buffer (the wasm backend passes views of its heap)
// and the recurrent matrix product of each step, which is where a backend's speed lies.
import type { FusedCellName } from './fused.js';

export const fusedGateCount = (cell: FusedCellName): number =>
  cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

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
 * Runs the forward loop. `stepProduct(t)` must overwrite `hh` with hPrev[t] · W_hhᵀ, where hPrev[t]
 * (rows t*B .. t*B+B of `hPrev`) already holds the step's starting state.
 */
export function fusedForwardLoop(
  { cell, T, B, H, reverse }: LoopShape,
  a: ForwardBuffers,
  stepProduct: (t: number) => void,
): void {
  const GH = fusedGateCount(cell) * H;
  const BH = B * H;
  // The running state lives in hLast/cLast: after the last step they hold the final state.
  const h = a.hLast;
  const c = a.cLast;
  h.set(a.h0);
  if (a.c0) c.set(a.c0);
  else c.fill(0);
  const hh = a.hh;
  const xw = a.xw;
  const bhh = a.bhh;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    a.hPrev.set(h, t * BH);
    a.cPrev.set(c, t * BH);
    stepProduct(t);
    for (let b = 0; b < B; b++) {
      const m = a.mask ? (a.mask[t * B + b] as number) : 1;
      const x = (t * B + b) * GH;
      const row = b * GH;
      const st = (t * B + b) * H;
      const sb = b * H;
      for (let j = 0; j < H; j++) {
        const hp = h[sb + j] as number;
        const cp = c[sb + j] as number;
        let hNew: number;
        let cNew = cp;
        if (cell === 'lstm') {
          const i = sigmoid((xw[x + j] as number) + (hh[row + j] as number));
          const f = sigmoid((xw[x + H + j] as number) + (hh[row + H + j] as number));
          const g = Math.tanh((xw[x + 2 * H + j] as number) + (hh[row + 2 * H + j] as number));
          const o = sigmoid((xw[x + 3 * H + j] as number) + (hh[row + 3 * H + j] as number));
          cNew = f * cp + i * g;
          hNew = o * Math.tanh(cNew);
          a.gates[x + j] = i;
          a.gates[x + H + j] = f;
          a.gates[x + 2 * H + j] = g;
          a.gates[x + 3 * H + j] = o;
          a.extra[st + j] = cNew;
        } else if (cell === 'gru') {
          const br = bhh ? (bhh[j] as number) : 0;
          const bz = bhh ? (bhh[H + j] as number) : 0;
          const bn = bhh ? (bhh[2 * H + j] as number) : 0;
          const r = sigmoid((xw[x + j] as number) + (hh[row + j] as number) + br);
          const z = sigmoid((xw[x + H + j] as number) + (hh[row + H + j] as number) + bz);
          const hn = (hh[row + 2 * H + j] as number) + bn;
          const n = Math.tanh((xw[x + 2 * H + j] as number) + r * hn);
          hNew = n + z * (hp - n);
          a.gates[x + j] = r;
          a.gates[x + H + j] = z;
          a.gates[x + 2 * H + j] = n;
          a.extra[st + j] = hn;
        } else {
          const pre = (xw[x + j] as number) + (hh[row + j] as number);
          hNew = cell === 'rnn-tanh' ? Math.tanh(pre) : Math.max(pre, 0);
          a.gates[x + j] = hNew;
          a.extra[st + j] = hNew;
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
          const tc = Math.tanh(extra[st + j] as number);
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
