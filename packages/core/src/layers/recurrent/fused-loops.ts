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

/** Where a step's rows live: step t of the [T, B, …] buffers. */
interface Step {
  t: number;
  B: number;
  H: number;
  mask: Float32Array | undefined;
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
  const BH = B * H;
  // The running state lives in hLast/cLast: after the last step they hold the final state.
  a.hLast.set(a.h0);
  if (a.c0) a.cLast.set(a.c0);
  else a.cLast.fill(0);
  const cellStep =
    cell === 'lstm'
      ? lstmStep
      : cell === 'gru'
        ? gruStep
        : cell === 'rnn-tanh'
          ? tanhStep
          : reluStep;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    a.hPrev.set(a.hLast, t * BH);
    a.cPrev.set(a.cLast, t * BH);
    stepProduct(t);
    cellStep({ t, B, H, mask: a.mask }, a, sigmoid);
  }
}

/**
 * Writes row b of the step's new state (h from `hNew` at hBase + b*H, c likewise) into the running
 * state and the output. Packed-sequence semantics: past a row's length the state is carried and
 * the output is 0.
 */
function commit(
  step: Step,
  a: ForwardBuffers,
  hNew: Float32Array,
  hBase: number,
  cNew?: Float32Array,
  cBase = 0,
): void {
  const { t, B, H } = step;
  for (let b = 0; b < B; b++) {
    const st = (t * B + b) * H;
    const m = step.mask ? (step.mask[t * B + b] as number) : 1;
    if (!m) {
      a.output.fill(0, st, st + H);
      continue;
    }
    const row = hNew.subarray(hBase + b * H, hBase + (b + 1) * H);
    a.hLast.set(row, b * H);
    a.output.set(row, st);
    if (cNew) a.cLast.set(cNew.subarray(cBase + b * H, cBase + (b + 1) * H), b * H);
  }
}

// Each cell's step in three passes over contiguous rows: pre-activations (tanh inputs doubled,
// tanh x = 2·sigmoid(2x) − 1), one sigmoid call, then the state update. `gateAct` and `cellAct`
// hold sigmoids; `cellPre`/`extra` are reused as the new state before it is committed.

function lstmStep(step: Step, a: ForwardBuffers, sigmoid: Sigmoid): void {
  const { t, B, H } = step;
  const GH = 4 * H;
  const { xw, hh, gatePre, gateAct, cellPre, cellAct, gates, extra, cLast } = a;
  const x0 = t * B * GH;
  for (let k = 0; k < B * GH; k++) gatePre[k] = (xw[x0 + k] as number) + (hh[k] as number);
  for (let b = 0; b < B; b++) {
    const g0 = b * GH + 2 * H;
    for (let j = g0; j < g0 + H; j++) gatePre[j] = 2 * (gatePre[j] as number);
  }
  sigmoid('gate', B * GH);
  const s0 = t * B * H;
  for (let b = 0; b < B; b++) {
    const row = b * GH;
    const sb = b * H;
    for (let j = 0; j < H; j++) {
      const i = gateAct[row + j] as number;
      const f = gateAct[row + H + j] as number;
      const g = 2 * (gateAct[row + 2 * H + j] as number) - 1;
      const o = gateAct[row + 3 * H + j] as number;
      const x = x0 + row;
      gates[x + j] = i;
      gates[x + H + j] = f;
      gates[x + 2 * H + j] = g;
      gates[x + 3 * H + j] = o;
      const c = f * (cLast[sb + j] as number) + i * g;
      extra[s0 + sb + j] = c;
      cellPre[sb + j] = 2 * c;
    }
  }
  sigmoid('cell', B * H);
  // h = o · tanh(c), written over cellAct; c' is in extra.
  for (let b = 0; b < B; b++) {
    const row = x0 + b * GH + 3 * H;
    const sb = b * H;
    for (let j = 0; j < H; j++) {
      cellAct[sb + j] = (gates[row + j] as number) * (2 * (cellAct[sb + j] as number) - 1);
    }
  }
  commit(step, a, cellAct, 0, extra, s0);
}

function gruStep(step: Step, a: ForwardBuffers, sigmoid: Sigmoid): void {
  const { t, B, H } = step;
  const GH = 3 * H;
  const { xw, hh, bhh, gatePre, gateAct, cellPre, cellAct, gates, extra, hLast } = a;
  const x0 = t * B * GH;
  const s0 = t * B * H;
  for (let b = 0; b < B; b++) {
    const row = b * GH;
    for (let j = row; j < row + 2 * H; j++) {
      gatePre[j] =
        (xw[x0 + j] as number) + (hh[j] as number) + (bhh ? (bhh[j - row] as number) : 0);
    }
  }
  sigmoid('gate', B * GH); // r and z (the n block of gatePre is stale and unused)
  for (let b = 0; b < B; b++) {
    const row = b * GH;
    const sb = b * H;
    for (let j = 0; j < H; j++) {
      const hn = (hh[row + 2 * H + j] as number) + (bhh ? (bhh[2 * H + j] as number) : 0);
      extra[s0 + sb + j] = hn;
      cellPre[sb + j] =
        2 * ((xw[x0 + row + 2 * H + j] as number) + (gateAct[row + j] as number) * hn);
    }
  }
  sigmoid('cell', B * H);
  for (let b = 0; b < B; b++) {
    const row = b * GH;
    const x = x0 + row;
    const sb = b * H;
    for (let j = 0; j < H; j++) {
      const r = gateAct[row + j] as number;
      const z = gateAct[row + H + j] as number;
      const n = 2 * (cellAct[sb + j] as number) - 1;
      gates[x + j] = r;
      gates[x + H + j] = z;
      gates[x + 2 * H + j] = n;
      cellAct[sb + j] = n + z * ((hLast[sb + j] as number) - n);
    }
  }
  commit(step, a, cellAct, 0);
}

function tanhStep(step: Step, a: ForwardBuffers, sigmoid: Sigmoid): void {
  const { t, B, H } = step;
  const { xw, hh, gatePre, gateAct, gates, extra } = a;
  const x0 = t * B * H;
  for (let k = 0; k < B * H; k++) gatePre[k] = 2 * ((xw[x0 + k] as number) + (hh[k] as number));
  sigmoid('gate', B * H);
  for (let k = 0; k < B * H; k++) {
    const h = 2 * (gateAct[k] as number) - 1;
    gateAct[k] = h;
    gates[x0 + k] = h;
    extra[x0 + k] = h;
  }
  commit(step, a, gateAct, 0);
}

function reluStep(step: Step, a: ForwardBuffers): void {
  const { t, B, H } = step;
  const { xw, hh, gateAct, gates, extra } = a;
  const x0 = t * B * H;
  for (let k = 0; k < B * H; k++) {
    const h = Math.max((xw[x0 + k] as number) + (hh[k] as number), 0);
    gateAct[k] = h;
    gates[x0 + k] = h;
    extra[x0 + k] = h;
  }
  commit(step, a, gateAct, 0);
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
  a.dh0.set(a.dhLast);
  if (a.dcLast) a.dc0.set(a.dcLast);
  else a.dc0.fill(0);
  const rowStep =
    cell === 'lstm'
      ? lstmBackRow
      : cell === 'gru'
        ? gruBackRow
        : cell === 'rnn-tanh'
          ? tanhBackRow
          : reluBackRow;
  const dr = a.dhRecurrent;
  const dh = a.dh0;
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const x = (t * B + b) * GH;
      if (a.mask && !a.mask[t * B + b]) {
        // Past a row's length: no gate gradient, dh and dc carried through unchanged.
        a.dGatesX.fill(0, x, x + GH);
        if (a.dGatesH !== a.dGatesX) a.dGatesH.fill(0, x, x + GH);
        continue;
      }
      rowStep(a, H, x, (t * B + b) * H, b * H);
    }
    // dh_{t-1} += dGatesH[t] · W_hh (zero rows past a length add nothing).
    stepProduct(t);
    for (let k = 0; k < B * H; k++) dh[k] = flush((dh[k] as number) + (dr[k] as number));
  }
}

/**
 * Flushes gradient values below 1e-30 in magnitude to zero, as CPUs do for subnormals with
 * flush-to-zero (TensorFlow turns it on). Gradients that flow back through hundreds of steps shrink
 * toward float32's subnormal range (below 1.2e-38), where every multiply in XNNPACK, and in most
 * CPUs' float units, becomes about 100 times slower: measured 3.5 s instead of 0.1 s for one
 * 200-step backward pass. The margin keeps products with weights out of that range too. A value this
 * small cannot move a weight: Adam's eps (1e-8) alone outweighs it by 22 orders of magnitude.
 */
const smallestKept = 1e-30;
const flush = (v: number): number => (v < smallestKept && v > -smallestKept ? 0 : v);

// One row's step backward: x indexes the row's gates, st its step state, sb its running state.
// Each overwrites dh/dc (a.dh0/a.dc0) of the row with the part that flows to the previous step
// other than through W_hh.

function lstmBackRow(a: BackwardBuffers, H: number, x: number, st: number, sb: number): void {
  const { gates, extra, dGatesX: dg, dOut, cPrev, tanhC, dh0: dh, dc0: dc } = a;
  for (let j = 0; j < H; j++) {
    const dhNew = (dh[sb + j] as number) + (dOut[st + j] as number);
    const i = gates[x + j] as number;
    const f = gates[x + H + j] as number;
    const g = gates[x + 2 * H + j] as number;
    const o = gates[x + 3 * H + j] as number;
    const tc = tanhC ? (tanhC[st + j] as number) : Math.tanh(extra[st + j] as number);
    const dcTotal = (dc[sb + j] as number) + dhNew * o * (1 - tc * tc);
    dg[x + j] = flush(dcTotal * g * i * (1 - i));
    dg[x + H + j] = flush(dcTotal * (cPrev[st + j] as number) * f * (1 - f));
    dg[x + 2 * H + j] = flush(dcTotal * i * (1 - g * g));
    dg[x + 3 * H + j] = flush(dhNew * tc * o * (1 - o));
    dh[sb + j] = 0;
    dc[sb + j] = flush(dcTotal * f);
  }
}

function gruBackRow(a: BackwardBuffers, H: number, x: number, st: number, sb: number): void {
  const { gates, extra, dGatesX: dgx, dGatesH: dgh, dOut, hPrev, dh0: dh } = a;
  for (let j = 0; j < H; j++) {
    const dhNew = (dh[sb + j] as number) + (dOut[st + j] as number);
    const r = gates[x + j] as number;
    const z = gates[x + H + j] as number;
    const n = gates[x + 2 * H + j] as number;
    const dan = dhNew * (1 - z) * (1 - n * n);
    const daz = dhNew * ((hPrev[st + j] as number) - n) * z * (1 - z);
    const dar = dan * (extra[st + j] as number) * r * (1 - r);
    dgx[x + j] = flush(dar);
    dgx[x + H + j] = flush(daz);
    dgx[x + 2 * H + j] = flush(dan);
    dgh[x + j] = flush(dar);
    dgh[x + H + j] = flush(daz);
    dgh[x + 2 * H + j] = flush(dan * r);
    dh[sb + j] = flush(dhNew * z);
  }
}

function tanhBackRow(a: BackwardBuffers, H: number, x: number, st: number, sb: number): void {
  const { extra, dGatesX: dg, dOut, dh0: dh } = a;
  for (let j = 0; j < H; j++) {
    const h = extra[st + j] as number;
    dg[x + j] = flush(((dh[sb + j] as number) + (dOut[st + j] as number)) * (1 - h * h));
    dh[sb + j] = 0;
  }
}

function reluBackRow(a: BackwardBuffers, H: number, x: number, st: number, sb: number): void {
  const { extra, dGatesX: dg, dOut, dh0: dh } = a;
  for (let j = 0; j < H; j++) {
    const dhNew = (dh[sb + j] as number) + (dOut[st + j] as number);
    dg[x + j] = flush((extra[st + j] as number) > 0 ? dhNew : 0);
    dh[sb + j] = 0;
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
