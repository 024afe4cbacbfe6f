// The time loop of one recurrent layer and direction, forward and backward, on Float32Arrays:
// the cpu backend's fused form of @recurrent/core's runner (same equations, same packed-sequence
// masking, same saved tensors), with the recurrent products done by gemm.ts.
import { gemmAccumulate, gemmTransposedAAccumulate, transpose } from './gemm.js';

export type CellKind = 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu';

export const gateCount = (cell: CellKind): number => (cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1);

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export interface ForwardArrays {
  /** [T, B, G*H] input projections with biases (bias_hh folded in, except GRU). */
  xw: Float32Array;
  /** [G*H, H] */
  whh: Float32Array;
  /** W_hh transposed, [H, G*H], when the caller has it already. */
  whhT?: Float32Array | undefined;
  /** [G*H] GRU only. */
  bhh: Float32Array | undefined;
  h0: Float32Array;
  c0: Float32Array | undefined;
  /** [T, B], 1 for real steps. */
  mask: Float32Array | undefined;
}

export interface ForwardResult {
  output: Float32Array; // [T, B, H]
  hLast: Float32Array; // [B, H]
  cLast: Float32Array; // [B, H] (zeros without a cell state)
  gates: Float32Array; // [T, B, G*H] activated gates
  extra: Float32Array; // [T, B, H]: c' (LSTM), W_hn h + b_hn (GRU), h' (RNN)
  hPrev: Float32Array; // [T, B, H]
  cPrev: Float32Array; // [T, B, H]
}

export function recurrentForward(
  cell: CellKind,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
  a: ForwardArrays,
): ForwardResult {
  const G = gateCount(cell);
  const GH = G * H;
  const whhT = a.whhT ?? transpose(a.whh, GH, H); // [H, G*H]: h W_hh^T as a row-major product
  const out: ForwardResult = {
    output: new Float32Array(T * B * H),
    hLast: new Float32Array(B * H),
    cLast: new Float32Array(B * H),
    gates: new Float32Array(T * B * GH),
    extra: new Float32Array(T * B * H),
    hPrev: new Float32Array(T * B * H),
    cPrev: new Float32Array(T * B * H),
  };
  let h = Float32Array.from(a.h0);
  let c = a.c0 ? Float32Array.from(a.c0) : new Float32Array(B * H);
  const hh = new Float32Array(B * GH);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    out.hPrev.set(h, t * B * H);
    out.cPrev.set(c, t * B * H);
    hh.fill(0);
    gemmAccumulate(h, whhT, hh, B, H, GH);
    const hNext = new Float32Array(B * H);
    const cNext = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      const m = a.mask ? (a.mask[t * B + b] as number) : 1;
      const x = (t * B + b) * GH;
      const row = b * GH;
      const st = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        const hp = h[b * H + j] as number;
        const cp = c[b * H + j] as number;
        let hNew: number;
        let cNew = cp;
        if (cell === 'lstm') {
          const i = sigmoid((a.xw[x + j] as number) + (hh[row + j] as number));
          const f = sigmoid((a.xw[x + H + j] as number) + (hh[row + H + j] as number));
          const g = Math.tanh((a.xw[x + 2 * H + j] as number) + (hh[row + 2 * H + j] as number));
          const o = sigmoid((a.xw[x + 3 * H + j] as number) + (hh[row + 3 * H + j] as number));
          cNew = f * cp + i * g;
          hNew = o * Math.tanh(cNew);
          out.gates[x + j] = i;
          out.gates[x + H + j] = f;
          out.gates[x + 2 * H + j] = g;
          out.gates[x + 3 * H + j] = o;
          out.extra[st + j] = cNew;
        } else if (cell === 'gru') {
          const bias = (k: number) => (a.bhh ? (a.bhh[k] as number) : 0);
          const r = sigmoid((a.xw[x + j] as number) + (hh[row + j] as number) + bias(j));
          const z = sigmoid(
            (a.xw[x + H + j] as number) + (hh[row + H + j] as number) + bias(H + j),
          );
          const hn = (hh[row + 2 * H + j] as number) + bias(2 * H + j);
          const n = Math.tanh((a.xw[x + 2 * H + j] as number) + r * hn);
          hNew = n + z * (hp - n);
          out.gates[x + j] = r;
          out.gates[x + H + j] = z;
          out.gates[x + 2 * H + j] = n;
          out.extra[st + j] = hn;
        } else {
          const pre = (a.xw[x + j] as number) + (hh[row + j] as number);
          hNew = cell === 'rnn-tanh' ? Math.tanh(pre) : Math.max(pre, 0);
          out.gates[x + j] = hNew;
          out.extra[st + j] = hNew;
        }
        // Packed-sequence semantics: past a row's length the state is carried and the output is 0.
        hNext[b * H + j] = m ? hNew : hp;
        cNext[b * H + j] = m ? cNew : cp;
        out.output[st + j] = m ? hNew : 0;
      }
    }
    h = hNext;
    c = cNext;
  }
  out.hLast.set(h);
  out.cLast.set(c);
  return out;
}

export interface BackwardArrays {
  dOut: Float32Array; // [T, B, H]
  dhLast: Float32Array; // [B, H]
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
  dGatesH: Float32Array; // [T, B, G*H] (equal to dGatesX but for GRU)
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
  const G = gateCount(cell);
  const GH = G * H;
  const dGatesX = new Float32Array(T * B * GH);
  const dGatesH = cell === 'gru' ? new Float32Array(T * B * GH) : dGatesX;
  let dh = Float32Array.from(a.dhLast);
  let dc = a.dcLast ? Float32Array.from(a.dcLast) : new Float32Array(B * H);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const dhPrev = new Float32Array(B * H);
    const dcPrev = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      const m = a.mask ? (a.mask[t * B + b] as number) : 1;
      const x = (t * B + b) * GH;
      const st = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        const dhIn = dh[b * H + j] as number;
        const dcIn = dc[b * H + j] as number;
        const dhNew = m ? dhIn + (a.dOut[st + j] as number) : 0;
        const dcNew = m ? dcIn : 0;
        // Past a row's length the gradient is carried through unchanged.
        let dhCarry = m ? 0 : dhIn;
        let dcCarry = m ? 0 : dcIn;
        if (cell === 'lstm') {
          const i = a.gates[x + j] as number;
          const f = a.gates[x + H + j] as number;
          const g = a.gates[x + 2 * H + j] as number;
          const o = a.gates[x + 3 * H + j] as number;
          const tc = Math.tanh(a.extra[st + j] as number);
          const dcTotal = dcNew + dhNew * o * (1 - tc * tc);
          dGatesX[x + j] = dcTotal * g * i * (1 - i);
          dGatesX[x + H + j] = dcTotal * (a.cPrev[st + j] as number) * f * (1 - f);
          dGatesX[x + 2 * H + j] = dcTotal * i * (1 - g * g);
          dGatesX[x + 3 * H + j] = dhNew * tc * o * (1 - o);
          dcCarry += dcTotal * f;
        } else if (cell === 'gru') {
          const r = a.gates[x + j] as number;
          const z = a.gates[x + H + j] as number;
          const n = a.gates[x + 2 * H + j] as number;
          const dan = dhNew * (1 - z) * (1 - n * n);
          const daz = dhNew * ((a.hPrev[st + j] as number) - n) * z * (1 - z);
          const dar = dan * (a.extra[st + j] as number) * r * (1 - r);
          dGatesX[x + j] = dar;
          dGatesX[x + H + j] = daz;
          dGatesX[x + 2 * H + j] = dan;
          dGatesH[x + j] = dar;
          dGatesH[x + H + j] = daz;
          dGatesH[x + 2 * H + j] = dan * r;
          dhCarry += dhNew * z;
        } else {
          const hNew = a.extra[st + j] as number;
          dGatesX[x + j] = dhNew * (cell === 'rnn-tanh' ? 1 - hNew * hNew : hNew > 0 ? 1 : 0);
        }
        dhPrev[b * H + j] = dhCarry;
        dcPrev[b * H + j] = dcCarry;
      }
    }
    // dh_{t-1} += dGatesH W_hh, for this step's rows.
    gemmAccumulate(dGatesH.subarray(t * B * GH, (t + 1) * B * GH), a.whh, dhPrev, B, GH, H);
    dh = dhPrev;
    dc = dcPrev;
  }
  // Weight and bias gradients over every step at once.
  const dWhh = new Float32Array(GH * H);
  gemmTransposedAAccumulate(dGatesH, a.hPrev, dWhh, GH, T * B, H);
  const columnSums = (d: Float32Array) => {
    const sums = new Float32Array(GH);
    for (let n = 0; n < T * B; n++)
      for (let r = 0; r < GH; r++) sums[r] = (sums[r] as number) + (d[n * GH + r] as number);
    return sums;
  };
  const dBhh = columnSums(dGatesH);
  const dBih = dGatesH === dGatesX ? dBhh : columnSums(dGatesX);
  return { dGatesX, dGatesH, dh0: dh, dc0: dc, dWhh, dBhh, dBih };
}
