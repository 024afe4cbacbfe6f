// Our WASM SIMD cell arithmetic (gates module, loops.ts) against core's JavaScript time loops
// (fused-loops.ts, the reference the cpu backend runs), on the same inputs in a memory of the test's
// own: every cell type × direction × packed-sequence mask × optional inputs, forward and backward,
// in an ordinary and a shared memory (tfjs-backend-wasm's threaded build has a shared one).
import {
  type BackwardBuffers,
  type ForwardBuffers,
  type FusedCellName,
  fusedBackwardLoop,
  fusedForwardLoop,
  fusedGateCount,
  type LoopShape,
} from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { random } from '../../../test/helpers.js';
import {
  type BackwardPointers,
  type ForwardPointers,
  gateBackwardLoop,
  gateForwardLoop,
} from './loops.js';
import { type GateKernels, gateKernels, variantFor } from './module.js';

/**
 * torch.testing.assert_close-style: |actual − expected| <= atol + rtol·|expected|. The reference
 * rounds each value once from double-precision arithmetic with Math.exp; the module computes in
 * float32 (a rounding per operation, exp/tanh polynomials within ~2 ulp), so values differ by a few
 * float32 ulps (rtol 1.3e-6 ≈ 10 ulp, torch's float32 default), and sums that cancel by a few ulps
 * of their terms (atol 1e-6 for terms of order 1).
 */
function expectAllClose(actual: Float32Array, expected: Float32Array, what: string) {
  expect(actual.length, what).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k] as number;
    const e = expected[k] as number;
    if (Number.isNaN(e)) {
      expect(a, `${what}[${k}]`).toBeNaN();
      continue;
    }
    const ok = Math.abs(a - e) <= 1e-6 + 1.3e-6 * Math.abs(e);
    if (!ok) expect.fail(`${what}[${k}]: got ${a}, expected ${e} (core's JavaScript loop)`);
  }
}

/** A memory with a bump allocator: each array gets its own 16-byte aligned block. */
class Arena {
  readonly memory: WebAssembly.Memory;
  #next = 64; // offset 0 means "absent" to the module
  constructor(shared: boolean) {
    this.memory = new WebAssembly.Memory(
      shared ? { initial: 16, maximum: 64, shared: true } : { initial: 16 },
    );
  }
  /** Byte offset of a new block holding `values` (or n zeros). */
  put(values: Float32Array | number): number {
    const n = typeof values === 'number' ? values : values.length;
    const at = this.#next;
    this.#next += Math.ceil((4 * n + 4) / 16) * 16;
    if (typeof values !== 'number') this.f32(at, n).set(values);
    else this.f32(at, n).fill(Number.NaN); // outputs must be written completely
    return at;
  }
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n);
  }
  get heap(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }
}

interface Case {
  cell: FusedCellName;
  reverse: boolean;
  masked: boolean;
  /** h0, c0 (LSTM), GRU bias_hh and dcLast (LSTM) given, or absent. */
  optional: boolean;
  H: number;
}

const T = 5;
const B = 4;
/** Rows' lengths for the masked cases: full, short, empty and one step. */
const lengths = [5, 3, 0, 1];

function maskValues(): Float32Array {
  const mask = new Float32Array(T * B);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) mask[t * B + b] = t < (lengths[b] as number) ? 1 : 0;
  return mask;
}

/** out[B, N] = x[B, K] · Wᵀ, W [N, K]: each step's recurrent product, the same in both paths. */
function product(x: Float32Array, w: Float32Array, out: Float32Array, K: number, N: number) {
  for (let b = 0; b < B; b++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += (x[b * K + k] as number) * (w[n * K + k] as number);
      out[b * N + n] = sum;
    }
  }
}

function inputs(c: Case, seed: number) {
  const { H } = c;
  const GH = fusedGateCount(c.cell) * H;
  const scaled = (shape: number[], s: number, scale: number) => {
    const v = random(shape, s).values;
    for (let k = 0; k < v.length; k++) v[k] = (v[k] as number) * scale;
    return v;
  };
  return {
    xw: scaled([T, B, GH], seed, 3), // pre-activations of a few units: the functions' curved part
    whh: scaled([GH, H], seed + 1, 0.8),
    bhh: c.cell === 'gru' && c.optional ? scaled([GH], seed + 2, 0.5) : undefined,
    h0: c.optional ? scaled([B, H], seed + 3, 1) : new Float32Array(B * H),
    c0: c.cell === 'lstm' && c.optional ? scaled([B, H], seed + 4, 2) : undefined,
    mask: c.masked ? maskValues() : undefined,
    dOut: scaled([T, B, H], seed + 5, 1),
    dhLast: scaled([B, H], seed + 6, 1),
    dcLast: c.cell === 'lstm' && c.optional ? scaled([B, H], seed + 7, 1) : undefined,
  };
}

function kernelsFor(arena: Arena): GateKernels {
  const kernels = gateKernels(arena.memory);
  if (!kernels) throw new Error('the gates module did not instantiate (no WebAssembly SIMD?)');
  return kernels;
}

/** Runs both forward loops and both backward loops on the same inputs; compares every output. */
function compareLoops(
  c: Case,
  shared: boolean,
  seed: number,
  tweak?: (x: ReturnType<typeof inputs>) => void,
) {
  const x = inputs(c, seed);
  tweak?.(x);
  const { H } = c;
  const GH = fusedGateCount(c.cell) * H;
  const shape: LoopShape = { cell: c.cell, T, B, H, reverse: c.reverse };
  const sizes = { TBGH: T * B * GH, TBH: T * B * H, BH: B * H, BGH: B * GH };

  // Reference: core's loop on plain arrays.
  const ref: ForwardBuffers = {
    xw: x.xw,
    bhh: x.bhh,
    h0: x.h0,
    c0: x.c0,
    mask: x.mask,
    hh: new Float32Array(sizes.BGH),
    gatePre: new Float32Array(sizes.BGH),
    gateAct: new Float32Array(sizes.BGH),
    cellPre: new Float32Array(sizes.BH),
    cellAct: new Float32Array(sizes.BH),
    output: new Float32Array(sizes.TBH),
    hLast: new Float32Array(sizes.BH),
    cLast: new Float32Array(sizes.BH),
    gates: new Float32Array(sizes.TBGH),
    extra: new Float32Array(sizes.TBH),
    hPrev: new Float32Array(sizes.TBH),
    cPrev: new Float32Array(sizes.TBH),
  };
  fusedForwardLoop(shape, ref, (t) =>
    product(ref.hPrev.subarray(t * B * H, (t + 1) * B * H), x.whh, ref.hh, H, GH),
  );

  // The module: the same inputs in a memory, by byte offsets.
  const arena = new Arena(shared);
  const kernels = kernelsFor(arena);
  const p: ForwardPointers = {
    xw: arena.put(x.xw),
    bhh: x.bhh ? arena.put(x.bhh) : 0,
    h0: arena.put(x.h0),
    c0: x.c0 ? arena.put(x.c0) : 0,
    mask: x.mask ? arena.put(x.mask) : 0,
    hh: arena.put(sizes.BGH),
    output: arena.put(sizes.TBH),
    hLast: arena.put(sizes.BH),
    cLast: arena.put(sizes.BH),
    gates: arena.put(sizes.TBGH),
    extra: arena.put(sizes.TBH),
    hPrev: arena.put(sizes.TBH),
    cPrev: arena.put(sizes.TBH),
  };
  gateForwardLoop(kernels, arena.heap, shape, p, (t) =>
    product(arena.f32(p.hPrev + 4 * t * B * H, B * H), x.whh, arena.f32(p.hh, sizes.BGH), H, GH),
  );
  const forwardNames = ['output', 'hLast', 'cLast', 'gates', 'extra', 'hPrev', 'cPrev'] as const;
  for (const name of forwardNames) {
    expectAllClose(arena.f32(p[name], ref[name].length), ref[name], `forward ${name}`);
  }

  // Backward, both from the reference's saved tensors (so forward differences do not compound).
  const gru = c.cell === 'gru';
  const refBack: BackwardBuffers = {
    dOut: x.dOut,
    dhLast: x.dhLast,
    dcLast: x.dcLast,
    gates: ref.gates,
    extra: ref.extra,
    hPrev: ref.hPrev,
    cPrev: ref.cPrev,
    mask: x.mask,
    dhRecurrent: new Float32Array(sizes.BH),
    dGatesX: new Float32Array(sizes.TBGH),
    dGatesH: new Float32Array(sizes.TBGH),
    dh0: new Float32Array(sizes.BH),
    dc0: new Float32Array(sizes.BH),
  };
  if (!gru) refBack.dGatesH = refBack.dGatesX;
  const whhT = new Float32Array(H * GH); // dh = dGates · W_hh: a product with W_hhᵀ's rows
  for (let n = 0; n < GH; n++)
    for (let k = 0; k < H; k++) whhT[k * GH + n] = x.whh[n * H + k] as number;
  fusedBackwardLoop(shape, refBack, (t) =>
    product(
      refBack.dGatesH.subarray(t * B * GH, (t + 1) * B * GH),
      whhT,
      refBack.dhRecurrent,
      GH,
      H,
    ),
  );
  const dGatesX = arena.put(sizes.TBGH);
  const q: BackwardPointers = {
    dOut: arena.put(x.dOut),
    dhLast: arena.put(x.dhLast),
    dcLast: x.dcLast ? arena.put(x.dcLast) : 0,
    gates: arena.put(ref.gates),
    extra: arena.put(ref.extra),
    hPrev: arena.put(ref.hPrev),
    cPrev: arena.put(ref.cPrev),
    mask: x.mask ? arena.put(x.mask) : 0,
    dhRecurrent: arena.put(sizes.BH),
    dGatesX,
    dGatesH: gru ? arena.put(sizes.TBGH) : dGatesX,
    dh0: arena.put(sizes.BH),
    dc0: arena.put(sizes.BH),
  };
  gateBackwardLoop(kernels, arena.heap, shape, q, (t) =>
    product(
      arena.f32(q.dGatesH + 4 * t * B * GH, B * GH),
      whhT,
      arena.f32(q.dhRecurrent, sizes.BH),
      GH,
      H,
    ),
  );
  for (const name of ['dGatesX', 'dGatesH', 'dh0', 'dc0'] as const) {
    expectAllClose(arena.f32(q[name], refBack[name].length), refBack[name], `backward ${name}`);
  }
  return { ref, refBack, arena, p, q };
}

const cells: FusedCellName[] = ['lstm', 'gru', 'rnn-tanh', 'rnn-relu'];

describe('the gates module equals core JavaScript time loops', () => {
  for (const cell of cells) {
    for (const reverse of [false, true]) {
      for (const masked of [false, true]) {
        for (const optional of [true, false]) {
          const name = `${cell} ${reverse ? 'backward-in-time' : 'forward-in-time'}, ${masked ? 'packed (mask)' : 'no mask'}, ${optional ? 'with' : 'without'} h0/c0/bias/dc`;
          it(name, () => {
            // H = 9: two four-lane blocks and a one-element tail per gate.
            compareLoops({ cell, reverse, masked, optional, H: 9 }, false, 11);
          });
        }
      }
    }
    it(`${cell}: H = 3 (the scalar tail alone) and H = 8 (no tail)`, () => {
      compareLoops({ cell, reverse: false, masked: true, optional: true, H: 3 }, false, 21);
      compareLoops({ cell, reverse: true, masked: false, optional: true, H: 8 }, false, 31);
    });
    it(`${cell}: in a shared memory (the variant for tfjs-backend-wasm's threaded build)`, () => {
      const { arena } = compareLoops(
        { cell, reverse: true, masked: true, optional: true, H: 9 },
        true,
        41,
      );
      expect(arena.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(variantFor(arena.memory)).toBe('shared');
    });
    it(`${cell}: gradients below 1e-30 are flushed to exactly 0 by both`, () => {
      const c: Case = { cell, reverse: false, masked: false, optional: false, H: 9 };
      const { refBack, arena, q } = compareLoops(c, false, 51, (x) => {
        // Row 1 gets a gradient around 1e-31 from the output only: subnormal-bound products.
        x.dhLast.fill(0);
        for (let t = 0; t < T; t++) {
          for (let j = 0; j < c.H; j++) {
            x.dOut[(t * B + 1) * c.H + j] = ((j % 3) - 1) * 1e-31;
          }
        }
      });
      const GH = fusedGateCount(cell) * c.H;
      const got = arena.f32(q.dGatesX, T * B * GH);
      for (let t = 0; t < T; t++) {
        const row = (t * B + 1) * GH;
        for (let k = row; k < row + GH; k++) {
          expect(refBack.dGatesX[k], `reference dGatesX[${k}]`).toBe(0);
          expect(got[k], `module dGatesX[${k}]`).toBe(0);
        }
      }
    });
  }
});
