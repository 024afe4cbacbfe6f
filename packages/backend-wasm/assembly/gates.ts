// The per-step cell arithmetic of the fused recurrent kernels in WebAssembly SIMD (AssemblyScript).
// The equations, saved tensors, packed-sequence masking and subnormal flushing are those of core's
// layers/recurrent/fused-loops.ts (the reference, still used by the cpu backend). The module imports
// tfjs-backend-wasm's memory and works in place: every argument is a byte offset of float32 data
// in that memory (0 for an absent optional buffer), so it has no data, no stack and no allocator.
// Gate-major rows ([B, G*H], each gate a contiguous block of H, PyTorch order i f g o / r z n): the
// four lanes run along j inside a gate; a scalar tail (lane 0 only) handles H % 4.
// biome-ignore-all lint/complexity/noStaticOnlyClass: AssemblyScript inlines only functions marked
// @inline, and TypeScript tools accept that decorator only on class members: hence static methods.

// ---- float32 exp, sigmoid and tanh on four lanes -------------------------------------------------

// Cephes expf: exp(z) = 2^n · p(r), n = round(z · log2 e), r = z − n·ln2 (ln2 in two parts).
const LOG2E: f32 = <f32>Math.LOG2E;
/** 1.5 · 2^23: adding it rounds a float32 of magnitude below 2^22 to an integer (ties to even). */
const ROUNDING: f32 = 12582912;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
const P0: f32 = 1.98756915e-4;
const P1: f32 = 1.39819995e-3;
const P2: f32 = 8.33345191e-3;
const P3: f32 = 4.16657959e-2;
const P4: f32 = 1.66666655e-1;
const P5: f32 = 5.00000012e-1;
/** ln of the smallest normal float32: below it exp gives 0, so no result is subnormal. */
const EXP_CUTOFF: f32 = -87.33654;
// Cephes tanhf's polynomial.
const T0: f32 = -5.70498872745e-3;
const T1: f32 = 2.06390887954e-2;
const T2: f32 = -5.37397155531e-2;
const T3: f32 = 1.33314422036e-1;
const T4: f32 = -3.33332819422e-1;
/** core's fused-loops.ts `smallestKept`. */
const SMALLEST_KEPT: f32 = 1e-30;
const ZERO: f32 = 0;

class Lanes {
  /** exp(z) for z <= 0 (NaN propagates); 0 where z < EXP_CUTOFF. */
  @inline static expNonPositive(z: v128): v128 {
    // n = round(z · log2 e) by the magic-number addition (exact for |n| < 2^22); the sum's low
    // mantissa bits are n, which give 2^n's exponent bits below without a float-to-int conversion.
    const shifted = f32x4.add(f32x4.mul(z, f32x4.splat(LOG2E)), f32x4.splat(ROUNDING));
    const n = f32x4.sub(shifted, f32x4.splat(ROUNDING));
    let r = f32x4.sub(z, f32x4.mul(n, f32x4.splat(LN2_HI)));
    r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
    let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
    p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
    // 2^n by building the exponent bits (n >= -126 wherever the result is kept): (n + 127) << 23,
    // from n's bits in the shifted sum (its 2^22 bit and above shift out).
    const scale = i32x4.add(i32x4.shl(shifted, 23), i32x4.splat(127 << 23));
    return v128.andnot(f32x4.mul(p, scale), f32x4.lt(z, f32x4.splat(EXP_CUTOFF)));
  }

  /**
   * 1 / (1 + e^−x) as XNNPACK computes it, with one division: f = e / (1 + e), e = exp(−|x|), is
   * sigmoid(−|x|), and sigmoid(x) = 1 − f for x >= 0. No overflow; 1 above ~17, 0 below −87.3
   * (never a subnormal); NaN kept.
   */
  @inline static sigmoid(x: v128): v128 {
    const e = Lanes.expNonPositive(f32x4.neg(f32x4.abs(x)));
    const f = f32x4.div(e, f32x4.add(f32x4.splat(1), e));
    return v128.bitselect(f32x4.sub(f32x4.splat(1), f), f, f32x4.ge(x, f32x4.splat(0)));
  }

  /** Cephes tanhf: an odd polynomial below |x| = 0.625, (1 − e)/(1 + e), e = exp(−2|x|), above. */
  @inline static tanh(x: v128): v128 {
    const a = f32x4.abs(x);
    const e = Lanes.expNonPositive(f32x4.mul(a, f32x4.splat(-2)));
    const one = f32x4.splat(1);
    const large = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
    const signed = v128.or(large, v128.and(x, i32x4.splat(<i32>0x80000000)));
    const z = f32x4.mul(x, x);
    let p = f32x4.add(f32x4.mul(f32x4.splat(T0), z), f32x4.splat(T1));
    p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T2));
    p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T3));
    p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T4));
    const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
    return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(0.625)));
  }

  /** Values below 1e-30 in magnitude become 0 (core's `flush`: clear of subnormals). */
  @inline static flush(v: v128): v128 {
    return v128.andnot(v, f32x4.lt(f32x4.abs(v), f32x4.splat(SMALLEST_KEPT)));
  }

  /** Four lanes, or lane 0 alone in a row's tail (`wide` is a constant after inlining). */
  @inline static ld(p: usize, wide: bool): v128 {
    return wide ? v128.load(p) : v128.load32_zero(p);
  }

  @inline static st(p: usize, v: v128, wide: bool): void {
    if (wide) v128.store(p, v);
    else v128.store32_lane(p, v, 0);
  }

  /** Whether row b of the step is a real step (mask absent, or mask[b] != 0). */
  @inline static real(mask: usize, b: i32): bool {
    return mask === 0 || load<f32>(mask + ((<usize>b) << 2)) !== ZERO;
  }
}

/** Zeroes `n` floats at p. */
function zero(p: usize, n: i32): void {
  memory.fill(p, 0, (<usize>n) << 2);
}

// ---- forward: one time step, after hh = hPrev · W_hhᵀ -------------------------------------------
// Pointers at step t: xw, gates [B, G*H]; extra, output [B, H]; mask [B] (0: none). hh [B, G*H] is
// the step's recurrent product; hLast, cLast [B, H] the running state, replaced where the row is
// real (packed sequences: past a row's length the state is carried and the output is 0).

class LstmForward {
  @inline static lanes(
    xw: usize,
    hh: usize,
    gates: usize,
    extra: usize,
    hLast: usize,
    cLast: usize,
    output: usize,
    H4: usize,
    j: usize,
    keep: bool,
    wide: bool,
  ): void {
    const i = Lanes.sigmoid(f32x4.add(Lanes.ld(xw + j, wide), Lanes.ld(hh + j, wide)));
    const f = Lanes.sigmoid(f32x4.add(Lanes.ld(xw + H4 + j, wide), Lanes.ld(hh + H4 + j, wide)));
    const g = Lanes.tanh(
      f32x4.add(Lanes.ld(xw + 2 * H4 + j, wide), Lanes.ld(hh + 2 * H4 + j, wide)),
    );
    const o = Lanes.sigmoid(
      f32x4.add(Lanes.ld(xw + 3 * H4 + j, wide), Lanes.ld(hh + 3 * H4 + j, wide)),
    );
    Lanes.st(gates + j, i, wide);
    Lanes.st(gates + H4 + j, f, wide);
    Lanes.st(gates + 2 * H4 + j, g, wide);
    Lanes.st(gates + 3 * H4 + j, o, wide);
    const c = f32x4.add(f32x4.mul(f, Lanes.ld(cLast + j, wide)), f32x4.mul(i, g));
    Lanes.st(extra + j, c, wide);
    if (keep) {
      const h = f32x4.mul(o, Lanes.tanh(c));
      Lanes.st(hLast + j, h, wide);
      Lanes.st(cLast + j, c, wide);
      Lanes.st(output + j, h, wide);
    }
  }
}

export function lstmForward(
  xw: usize,
  hh: usize,
  mask: usize,
  hLast: usize,
  cLast: usize,
  gates: usize,
  extra: usize,
  output: usize,
  B: i32,
  H: i32,
): void {
  const H4 = (<usize>H) << 2;
  const row = H4 * 4;
  for (let b = 0; b < B; b++) {
    const keep = Lanes.real(mask, b);
    const x = <usize>b * row;
    const s = <usize>b * H4;
    if (!keep) zero(output + s, H);
    let j: usize = 0;
    for (; j + 16 <= H4; j += 16) {
      LstmForward.lanes(
        xw + x,
        hh + x,
        gates + x,
        extra + s,
        hLast + s,
        cLast + s,
        output + s,
        H4,
        j,
        keep,
        true,
      );
    }
    for (; j < H4; j += 4) {
      LstmForward.lanes(
        xw + x,
        hh + x,
        gates + x,
        extra + s,
        hLast + s,
        cLast + s,
        output + s,
        H4,
        j,
        keep,
        false,
      );
    }
  }
}

class GruForward {
  @inline static lanes(
    xw: usize,
    hh: usize,
    bhh: usize,
    gates: usize,
    extra: usize,
    hLast: usize,
    output: usize,
    H4: usize,
    j: usize,
    keep: bool,
    wide: bool,
  ): void {
    const zero4 = f32x4.splat(0);
    const br = bhh ? Lanes.ld(bhh + j, wide) : zero4;
    const bz = bhh ? Lanes.ld(bhh + H4 + j, wide) : zero4;
    const bn = bhh ? Lanes.ld(bhh + 2 * H4 + j, wide) : zero4;
    const r = Lanes.sigmoid(
      f32x4.add(f32x4.add(Lanes.ld(xw + j, wide), Lanes.ld(hh + j, wide)), br),
    );
    const z = Lanes.sigmoid(
      f32x4.add(f32x4.add(Lanes.ld(xw + H4 + j, wide), Lanes.ld(hh + H4 + j, wide)), bz),
    );
    const hn = f32x4.add(Lanes.ld(hh + 2 * H4 + j, wide), bn);
    Lanes.st(extra + j, hn, wide);
    const n = Lanes.tanh(f32x4.add(Lanes.ld(xw + 2 * H4 + j, wide), f32x4.mul(r, hn)));
    Lanes.st(gates + j, r, wide);
    Lanes.st(gates + H4 + j, z, wide);
    Lanes.st(gates + 2 * H4 + j, n, wide);
    if (keep) {
      const h = f32x4.add(n, f32x4.mul(z, f32x4.sub(Lanes.ld(hLast + j, wide), n)));
      Lanes.st(hLast + j, h, wide);
      Lanes.st(output + j, h, wide);
    }
  }
}

/** GRU step; bhh [3H] is bias_hh (0: none), kept apart because r multiplies W_hn·h + b_hn. */
export function gruForward(
  xw: usize,
  hh: usize,
  bhh: usize,
  mask: usize,
  hLast: usize,
  gates: usize,
  extra: usize,
  output: usize,
  B: i32,
  H: i32,
): void {
  const H4 = (<usize>H) << 2;
  const row = H4 * 3;
  for (let b = 0; b < B; b++) {
    const keep = Lanes.real(mask, b);
    const x = <usize>b * row;
    const s = <usize>b * H4;
    if (!keep) zero(output + s, H);
    let j: usize = 0;
    for (; j + 16 <= H4; j += 16) {
      GruForward.lanes(
        xw + x,
        hh + x,
        bhh,
        gates + x,
        extra + s,
        hLast + s,
        output + s,
        H4,
        j,
        keep,
        true,
      );
    }
    for (; j < H4; j += 4) {
      GruForward.lanes(
        xw + x,
        hh + x,
        bhh,
        gates + x,
        extra + s,
        hLast + s,
        output + s,
        H4,
        j,
        keep,
        false,
      );
    }
  }
}

class RnnForward {
  @inline static lanes(
    xw: usize,
    hh: usize,
    gates: usize,
    extra: usize,
    hLast: usize,
    output: usize,
    j: usize,
    relu: bool,
    keep: bool,
    wide: bool,
  ): void {
    const pre = f32x4.add(Lanes.ld(xw + j, wide), Lanes.ld(hh + j, wide));
    const h = relu ? f32x4.max(pre, f32x4.splat(0)) : Lanes.tanh(pre);
    Lanes.st(gates + j, h, wide);
    Lanes.st(extra + j, h, wide);
    if (keep) {
      Lanes.st(hLast + j, h, wide);
      Lanes.st(output + j, h, wide);
    }
  }
}

/** Elman RNN step, tanh or relu (relu != 0). */
export function rnnForward(
  xw: usize,
  hh: usize,
  mask: usize,
  hLast: usize,
  gates: usize,
  extra: usize,
  output: usize,
  B: i32,
  H: i32,
  relu: i32,
): void {
  const H4 = (<usize>H) << 2;
  for (let b = 0; b < B; b++) {
    const keep = Lanes.real(mask, b);
    const s = <usize>b * H4;
    if (!keep) zero(output + s, H);
    let j: usize = 0;
    if (relu) {
      for (; j + 16 <= H4; j += 16)
        RnnForward.lanes(
          xw + s,
          hh + s,
          gates + s,
          extra + s,
          hLast + s,
          output + s,
          j,
          true,
          keep,
          true,
        );
      for (; j < H4; j += 4)
        RnnForward.lanes(
          xw + s,
          hh + s,
          gates + s,
          extra + s,
          hLast + s,
          output + s,
          j,
          true,
          keep,
          false,
        );
    } else {
      for (; j + 16 <= H4; j += 16)
        RnnForward.lanes(
          xw + s,
          hh + s,
          gates + s,
          extra + s,
          hLast + s,
          output + s,
          j,
          false,
          keep,
          true,
        );
      for (; j < H4; j += 4)
        RnnForward.lanes(
          xw + s,
          hh + s,
          gates + s,
          extra + s,
          hLast + s,
          output + s,
          j,
          false,
          keep,
          false,
        );
    }
  }
}

// ---- backward: one time step, before dhRecurrent = dGatesH · W_hh --------------------------------
// Pointers at step t: gates, dGates [B, G*H]; extra, dOut (and cPrev / hPrev) [B, H]; mask [B].
// dh, dc [B, H] are the running gradients: each real row's is replaced by the part that flows to
// the previous step other than through W_hh; rows past their length get zero gate gradients and
// carry dh and dc unchanged.

class LstmBackward {
  @inline static lanes(
    gates: usize,
    extra: usize,
    cPrev: usize,
    dOut: usize,
    dh: usize,
    dc: usize,
    dg: usize,
    H4: usize,
    j: usize,
    wide: bool,
  ): void {
    const one = f32x4.splat(1);
    const dhNew = f32x4.add(Lanes.ld(dh + j, wide), Lanes.ld(dOut + j, wide));
    const i = Lanes.ld(gates + j, wide);
    const f = Lanes.ld(gates + H4 + j, wide);
    const g = Lanes.ld(gates + 2 * H4 + j, wide);
    const o = Lanes.ld(gates + 3 * H4 + j, wide);
    const tc = Lanes.tanh(Lanes.ld(extra + j, wide));
    const dcTotal = f32x4.add(
      Lanes.ld(dc + j, wide),
      f32x4.mul(f32x4.mul(dhNew, o), f32x4.sub(one, f32x4.mul(tc, tc))),
    );
    const di = f32x4.mul(f32x4.mul(f32x4.mul(dcTotal, g), i), f32x4.sub(one, i));
    const df = f32x4.mul(
      f32x4.mul(f32x4.mul(dcTotal, Lanes.ld(cPrev + j, wide)), f),
      f32x4.sub(one, f),
    );
    const dgg = f32x4.mul(f32x4.mul(dcTotal, i), f32x4.sub(one, f32x4.mul(g, g)));
    const dO = f32x4.mul(f32x4.mul(f32x4.mul(dhNew, tc), o), f32x4.sub(one, o));
    Lanes.st(dg + j, Lanes.flush(di), wide);
    Lanes.st(dg + H4 + j, Lanes.flush(df), wide);
    Lanes.st(dg + 2 * H4 + j, Lanes.flush(dgg), wide);
    Lanes.st(dg + 3 * H4 + j, Lanes.flush(dO), wide);
    Lanes.st(dh + j, f32x4.splat(0), wide);
    Lanes.st(dc + j, Lanes.flush(f32x4.mul(dcTotal, f)), wide);
  }
}

/** LSTM step backward; Lanes.tanh(c') is recomputed from extra (c'). */
export function lstmBackward(
  gates: usize,
  extra: usize,
  cPrev: usize,
  dOut: usize,
  mask: usize,
  dh: usize,
  dc: usize,
  dGates: usize,
  B: i32,
  H: i32,
): void {
  const H4 = (<usize>H) << 2;
  const row = H4 * 4;
  for (let b = 0; b < B; b++) {
    const x = <usize>b * row;
    if (!Lanes.real(mask, b)) {
      zero(dGates + x, H * 4);
      continue;
    }
    const s = <usize>b * H4;
    let j: usize = 0;
    for (; j + 16 <= H4; j += 16)
      LstmBackward.lanes(
        gates + x,
        extra + s,
        cPrev + s,
        dOut + s,
        dh + s,
        dc + s,
        dGates + x,
        H4,
        j,
        true,
      );
    for (; j < H4; j += 4)
      LstmBackward.lanes(
        gates + x,
        extra + s,
        cPrev + s,
        dOut + s,
        dh + s,
        dc + s,
        dGates + x,
        H4,
        j,
        false,
      );
  }
}

class GruBackward {
  @inline static lanes(
    gates: usize,
    extra: usize,
    hPrev: usize,
    dOut: usize,
    dh: usize,
    dgx: usize,
    dgh: usize,
    H4: usize,
    j: usize,
    wide: bool,
  ): void {
    const one = f32x4.splat(1);
    const dhNew = f32x4.add(Lanes.ld(dh + j, wide), Lanes.ld(dOut + j, wide));
    const r = Lanes.ld(gates + j, wide);
    const z = Lanes.ld(gates + H4 + j, wide);
    const n = Lanes.ld(gates + 2 * H4 + j, wide);
    const dan = f32x4.mul(f32x4.mul(dhNew, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
    const daz = f32x4.mul(
      f32x4.mul(f32x4.mul(dhNew, f32x4.sub(Lanes.ld(hPrev + j, wide), n)), z),
      f32x4.sub(one, z),
    );
    const dar = f32x4.mul(
      f32x4.mul(f32x4.mul(dan, Lanes.ld(extra + j, wide)), r),
      f32x4.sub(one, r),
    );
    const fr = Lanes.flush(dar);
    const fz = Lanes.flush(daz);
    Lanes.st(dgx + j, fr, wide);
    Lanes.st(dgx + H4 + j, fz, wide);
    Lanes.st(dgx + 2 * H4 + j, Lanes.flush(dan), wide);
    Lanes.st(dgh + j, fr, wide);
    Lanes.st(dgh + H4 + j, fz, wide);
    Lanes.st(dgh + 2 * H4 + j, Lanes.flush(f32x4.mul(dan, r)), wide);
    Lanes.st(dh + j, Lanes.flush(f32x4.mul(dhNew, z)), wide);
  }
}

/** GRU step backward: the input and the recurrent parts of the gate gradients differ (dGatesX/H). */
export function gruBackward(
  gates: usize,
  extra: usize,
  hPrev: usize,
  dOut: usize,
  mask: usize,
  dh: usize,
  dGatesX: usize,
  dGatesH: usize,
  B: i32,
  H: i32,
): void {
  const H4 = (<usize>H) << 2;
  const row = H4 * 3;
  for (let b = 0; b < B; b++) {
    const x = <usize>b * row;
    if (!Lanes.real(mask, b)) {
      zero(dGatesX + x, H * 3);
      zero(dGatesH + x, H * 3);
      continue;
    }
    const s = <usize>b * H4;
    let j: usize = 0;
    for (; j + 16 <= H4; j += 16)
      GruBackward.lanes(
        gates + x,
        extra + s,
        hPrev + s,
        dOut + s,
        dh + s,
        dGatesX + x,
        dGatesH + x,
        H4,
        j,
        true,
      );
    for (; j < H4; j += 4)
      GruBackward.lanes(
        gates + x,
        extra + s,
        hPrev + s,
        dOut + s,
        dh + s,
        dGatesX + x,
        dGatesH + x,
        H4,
        j,
        false,
      );
  }
}

class RnnBackward {
  @inline static lanes(
    extra: usize,
    dOut: usize,
    dh: usize,
    dg: usize,
    j: usize,
    relu: bool,
    wide: bool,
  ): void {
    const dhNew = f32x4.add(Lanes.ld(dh + j, wide), Lanes.ld(dOut + j, wide));
    const h = Lanes.ld(extra + j, wide);
    const d = relu
      ? v128.and(dhNew, f32x4.gt(h, f32x4.splat(0)))
      : f32x4.mul(dhNew, f32x4.sub(f32x4.splat(1), f32x4.mul(h, h)));
    Lanes.st(dg + j, Lanes.flush(d), wide);
    Lanes.st(dh + j, f32x4.splat(0), wide);
  }
}

/** Elman RNN step backward (extra holds the step's h), tanh or relu (relu != 0). */
export function rnnBackward(
  extra: usize,
  dOut: usize,
  mask: usize,
  dh: usize,
  dGates: usize,
  B: i32,
  H: i32,
  relu: i32,
): void {
  const H4 = (<usize>H) << 2;
  for (let b = 0; b < B; b++) {
    const s = <usize>b * H4;
    if (!Lanes.real(mask, b)) {
      zero(dGates + s, H);
      continue;
    }
    let j: usize = 0;
    if (relu) {
      for (; j + 16 <= H4; j += 16)
        RnnBackward.lanes(extra + s, dOut + s, dh + s, dGates + s, j, true, true);
      for (; j < H4; j += 4)
        RnnBackward.lanes(extra + s, dOut + s, dh + s, dGates + s, j, true, false);
    } else {
      for (; j + 16 <= H4; j += 16)
        RnnBackward.lanes(extra + s, dOut + s, dh + s, dGates + s, j, false, true);
      for (; j < H4; j += 4)
        RnnBackward.lanes(extra + s, dOut + s, dh + s, dGates + s, j, false, false);
    }
  }
}

/** dh[k] = Lanes.flush(dh[k] + dr[k]) for n floats: the recurrent product's share of the gradient. */
export function addFlushed(dh: usize, dr: usize, n: i32): void {
  const end = (<usize>n) << 2;
  let k: usize = 0;
  for (; k + 16 <= end; k += 16)
    Lanes.st(dh + k, Lanes.flush(f32x4.add(Lanes.ld(dh + k, true), Lanes.ld(dr + k, true))), true);
  for (; k < end; k += 4)
    Lanes.st(
      dh + k,
      Lanes.flush(f32x4.add(Lanes.ld(dh + k, false), Lanes.ld(dr + k, false))),
      false,
    );
}

// ---- bias gradients, scatter-adds and transposes ---------------------------------------------

/**
 * out[n] = src[ids[n]] for n = 0 .. count − 1, rows of `width` 4-byte values moved as bits (a
 * gather of whole rows: an embedding lookup, an input projection through a table). ids are int32
 * and the caller checks they are rows of src.
 */
export function copyRowsFrom(ids: usize, src: usize, count: i32, width: i32, out: usize): void {
  const bytes = (<usize>width) << 2;
  for (let n = 0; n < count; n++) {
    const from = src + <usize>load<i32>(ids + ((<usize>n) << 2)) * bytes;
    const to = out + <usize>n * bytes;
    let c: usize = 0;
    for (; c + 16 <= bytes; c += 16) v128.store(to + c, v128.load(from + c));
    for (; c < bytes; c += 4) store<i32>(to + c, load<i32>(from + c));
  }
}

/**
 * out[ids[n]] += src[n] for n = 0 .. count − 1 in order, rows of `width` floats: a scatter-add by
 * row (an embedding's gradient, an input projection's through a table). ids are int32 and the
 * caller checks they are rows of out; out holds zeros or sums so far.
 */
export function addRowsAt(ids: usize, src: usize, count: i32, width: i32, out: usize): void {
  const bytes = (<usize>width) << 2;
  for (let n = 0; n < count; n++) {
    const to = out + <usize>load<i32>(ids + ((<usize>n) << 2)) * bytes;
    const from = src + <usize>n * bytes;
    let c: usize = 0;
    for (; c + 16 <= bytes; c += 16)
      Lanes.st(to + c, f32x4.add(Lanes.ld(to + c, true), Lanes.ld(from + c, true)), true);
    for (; c < bytes; c += 4)
      Lanes.st(to + c, f32x4.add(Lanes.ld(to + c, false), Lanes.ld(from + c, false)), false);
  }
}

/** out[c] = Σ_r d[r, c] for d [rows, cols], rows summed in order (as core's columnSums). */
export function columnSums(d: usize, rows: i32, cols: i32, out: usize): void {
  const width = (<usize>cols) << 2;
  zero(out, cols);
  for (let r = 0; r < rows; r++) {
    const base = d + <usize>r * width;
    let c: usize = 0;
    for (; c + 16 <= width; c += 16)
      Lanes.st(out + c, f32x4.add(Lanes.ld(out + c, true), Lanes.ld(base + c, true)), true);
    for (; c < width; c += 4)
      Lanes.st(out + c, f32x4.add(Lanes.ld(out + c, false), Lanes.ld(base + c, false)), false);
  }
}

/**
 * to [cols, rows] = from [rows, cols]ᵀ, in 4×4 blocks (lane shuffles) within tiles that touch only
 * 8 rows of the side with the longer rows (64 × 8 or 8 × 64). With square tiles of 32, rows a
 * power of two apart (2048 floats: 8 KB) fell in one cache set and evicted each other between
 * blocks: 2048 × 192 took 0.7 ms, now 0.07 (8 rows fit the ways of a set).
 */
export function transpose(from: usize, to: usize, rows: i32, cols: i32): void {
  const rowBytes = (<usize>cols) << 2;
  const colBytes = (<usize>rows) << 2;
  const tileRows = rowBytes > colBytes ? 8 : 64;
  const tileCols = rowBytes > colBytes ? 64 : 8;
  for (let r0 = 0; r0 < rows; r0 += tileRows) {
    const r1 = min(r0 + tileRows, rows);
    for (let c0 = 0; c0 < cols; c0 += tileCols) {
      const c1 = min(c0 + tileCols, cols);
      let r = r0;
      for (; r + 4 <= r1; r += 4) {
        let c = c0;
        for (; c + 4 <= c1; c += 4) {
          const src = from + <usize>r * rowBytes + ((<usize>c) << 2);
          const a = v128.load(src);
          const b = v128.load(src + rowBytes);
          const e = v128.load(src + 2 * rowBytes);
          const d = v128.load(src + 3 * rowBytes);
          const ab0 = f32x4.shuffle(a, b, 0, 4, 1, 5);
          const ab1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
          const ed0 = f32x4.shuffle(e, d, 0, 4, 1, 5);
          const ed1 = f32x4.shuffle(e, d, 2, 6, 3, 7);
          const dst = to + <usize>c * colBytes + ((<usize>r) << 2);
          v128.store(dst, f32x4.shuffle(ab0, ed0, 0, 1, 4, 5));
          v128.store(dst + colBytes, f32x4.shuffle(ab0, ed0, 2, 3, 6, 7));
          v128.store(dst + 2 * colBytes, f32x4.shuffle(ab1, ed1, 0, 1, 4, 5));
          v128.store(dst + 3 * colBytes, f32x4.shuffle(ab1, ed1, 2, 3, 6, 7));
        }
        for (; c < c1; c++) {
          for (let k = r; k < r + 4; k++) {
            store<f32>(
              to + <usize>c * colBytes + ((<usize>k) << 2),
              load<f32>(from + <usize>k * rowBytes + ((<usize>c) << 2)),
            );
          }
        }
      }
      for (; r < r1; r++) {
        for (let c = c0; c < c1; c++) {
          store<f32>(
            to + <usize>c * colBytes + ((<usize>r) << 2),
            load<f32>(from + <usize>r * rowBytes + ((<usize>c) << 2)),
          );
        }
      }
    }
  }
}

// ---- Adam ---------------------------------------------------------------------------------------

/**
 * One parameter's Adam step over n floats: core's adamUpdateValues (train/adam-update.ts), the
 * ops path's float32 operations in its order, each correctly rounded, so the same bits. mPrev and
 * vPrev 0 on the first step (m and v are then the scaled gradient and its scaled square); vMaxPrev
 * and vMaxOut for amsgrad (0: none). The coefficients come as the ops path rounds them (float32).
 */
export function adamUpdate(
  param: usize,
  grad: usize,
  mPrev: usize,
  vPrev: usize,
  vMaxPrev: usize,
  pOut: usize,
  mOut: usize,
  vOut: usize,
  vMaxOut: usize,
  n: i32,
  beta1: f32,
  beta2: f32,
  oneMinusBeta1: f32,
  oneMinusBeta2: f32,
  eps: f32,
  stepSize: f32,
  correction2: f32,
  l2: f32,
  decay: f32,
  decoupled: i32,
  amsgrad: i32,
): void {
  const end = (<usize>n) << 2;
  let k: usize = 0;
  for (; k + 16 <= end; k += 16) {
    AdamLanes.step(
      param,
      grad,
      mPrev,
      vPrev,
      vMaxPrev,
      pOut,
      mOut,
      vOut,
      vMaxOut,
      k,
      beta1,
      beta2,
      oneMinusBeta1,
      oneMinusBeta2,
      eps,
      stepSize,
      correction2,
      l2,
      decay,
      decoupled,
      amsgrad,
      true,
    );
  }
  for (; k < end; k += 4) {
    AdamLanes.step(
      param,
      grad,
      mPrev,
      vPrev,
      vMaxPrev,
      pOut,
      mOut,
      vOut,
      vMaxOut,
      k,
      beta1,
      beta2,
      oneMinusBeta1,
      oneMinusBeta2,
      eps,
      stepSize,
      correction2,
      l2,
      decay,
      decoupled,
      amsgrad,
      false,
    );
  }
}

class AdamLanes {
  @inline static step(
    param: usize,
    grad: usize,
    mPrev: usize,
    vPrev: usize,
    vMaxPrev: usize,
    pOut: usize,
    mOut: usize,
    vOut: usize,
    vMaxOut: usize,
    k: usize,
    beta1: f32,
    beta2: f32,
    oneMinusBeta1: f32,
    oneMinusBeta2: f32,
    eps: f32,
    stepSize: f32,
    correction2: f32,
    l2: f32,
    decay: f32,
    decoupled: i32,
    amsgrad: i32,
    wide: bool,
  ): void {
    const p = Lanes.ld(param + k, wide);
    let g = Lanes.ld(grad + k, wide);
    if (l2 !== ZERO) g = f32x4.add(g, f32x4.mul(p, f32x4.splat(l2)));
    const weights = decoupled ? f32x4.mul(p, f32x4.splat(decay)) : p;
    const gScaled = f32x4.mul(g, f32x4.splat(oneMinusBeta1));
    const m = mPrev
      ? f32x4.add(f32x4.mul(Lanes.ld(mPrev + k, wide), f32x4.splat(beta1)), gScaled)
      : gScaled;
    const gSquared = f32x4.mul(f32x4.mul(g, g), f32x4.splat(oneMinusBeta2));
    const v = vPrev
      ? f32x4.add(f32x4.mul(Lanes.ld(vPrev + k, wide), f32x4.splat(beta2)), gSquared)
      : gSquared;
    let second = v;
    if (amsgrad) {
      // As tf.maximum and Math.max: NaN wins.
      second = vMaxPrev ? f32x4.max(Lanes.ld(vMaxPrev + k, wide), v) : v;
      Lanes.st(vMaxOut + k, second, wide);
    }
    const denom = f32x4.add(
      f32x4.div(f32x4.sqrt(second), f32x4.splat(correction2)),
      f32x4.splat(eps),
    );
    const update = f32x4.mul(f32x4.div(m, denom), f32x4.splat(stepSize));
    Lanes.st(pOut + k, f32x4.sub(weights, update), wide);
    Lanes.st(mOut + k, m, wide);
    Lanes.st(vOut + k, v, wide);
  }
}

// ---- softmax cross-entropy ---------------------------------------------------------------------

/**
 * Per row of z [rows, cols]: m = max z, e = exp(z − m) (0 below exp's cutoff, NaN kept), s = Σ e;
 * probs = e / s, and maxes[r] = m, sums[r] = s (the caller's loss is m + log s − z[y]). core's
 * train/softmax-cross-entropy.ts `softmaxRows` is the reference.
 */
export function softmaxRows(
  z: usize,
  rows: i32,
  cols: i32,
  probs: usize,
  maxes: usize,
  sums: usize,
): void {
  const width = (<usize>cols) << 2;
  const wideEnd: usize = width & ~(<usize>15);
  for (let r = 0; r < rows; r++) {
    const row = z + <usize>r * width;
    const out = probs + <usize>r * width;
    // The maximum: four running lanes, then the lanes and the tail in order.
    let m: f32 = -Infinity;
    let c: usize = 0;
    if (wideEnd > 0) {
      let lanes = v128.load(row);
      for (c = 16; c < wideEnd; c += 16) lanes = f32x4.max(lanes, v128.load(row + c));
      m = max(
        max(f32x4.extract_lane(lanes, 0), f32x4.extract_lane(lanes, 1)),
        max(f32x4.extract_lane(lanes, 2), f32x4.extract_lane(lanes, 3)),
      );
    }
    for (c = wideEnd; c < width; c += 4) m = max(m, load<f32>(row + c));
    // exp(z − m) and its sum: four running lanes, added lane by lane, then the tail.
    const shift = f32x4.splat(m);
    let acc = f32x4.splat(0);
    for (c = 0; c < wideEnd; c += 16) {
      const e = Lanes.expNonPositive(f32x4.sub(v128.load(row + c), shift));
      v128.store(out + c, e);
      acc = f32x4.add(acc, e);
    }
    let s: f32 =
      f32x4.extract_lane(acc, 0) +
      f32x4.extract_lane(acc, 1) +
      (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    for (c = wideEnd; c < width; c += 4) {
      const e = f32x4.extract_lane(Lanes.expNonPositive(f32x4.splat(load<f32>(row + c) - m)), 0);
      store<f32>(out + c, e);
      s += e;
    }
    const total = f32x4.splat(s);
    for (c = 0; c < wideEnd; c += 16) v128.store(out + c, f32x4.div(v128.load(out + c), total));
    for (c = wideEnd; c < width; c += 4) store<f32>(out + c, load<f32>(out + c) / s);
    store<f32>(maxes + ((<usize>r) << 2), m);
    store<f32>(sums + ((<usize>r) << 2), s);
  }
}

/**
 * out [rows, cols] = rowScale[r] · (probs − onehot(targets[r])): the cross-entropy gradient from
 * logits (core's train/softmax-cross-entropy.ts `crossEntropyGradValues` is the reference).
 */
export function softmaxCrossEntropyGrad(
  probs: usize,
  targets: usize,
  rowScale: usize,
  rows: i32,
  cols: i32,
  out: usize,
): void {
  const width = (<usize>cols) << 2;
  const wideEnd: usize = width & ~(<usize>15);
  for (let r = 0; r < rows; r++) {
    const p = probs + <usize>r * width;
    const o = out + <usize>r * width;
    const y = load<i32>(targets + ((<usize>r) << 2));
    const inRange = y >= 0 && y < cols;
    // Rows without a one-hot (a target outside [0, cols)) or of weight 0 (ignored, masked) get
    // p · k, a zero with the sign of the ops path's (softmax·Σq − q) · scale; the others
    // subtract the one-hot at the target.
    const rs = load<f32>(rowScale + ((<usize>r) << 2));
    const k: f32 = inRange ? rs : rs * 0;
    const scale = f32x4.splat(k);
    let c: usize = 0;
    for (; c < wideEnd; c += 16) v128.store(o + c, f32x4.mul(v128.load(p + c), scale));
    for (; c < width; c += 4) store<f32>(o + c, load<f32>(p + c) * k);
    if (inRange && k !== 0) {
      const at = (<usize>y) << 2;
      store<f32>(o + at, (load<f32>(p + at) - 1) * k);
    }
  }
}
