// Matrix products on Float32Arrays for the fused recurrent kernels: four output rows at a time
// (each B row loaded once feeds four accumulations), about twice tfjs-backend-cpu's
// general-purpose matMul on these sizes (measured 1.75 vs 0.8 GFLOP/s, BENCHMARKS.md sizes).

/**
 * C[m, n] += A[m, k] * B[k, n] with B and C row-major and A read at
 * a[i * rowStride + p * colStride]: (k, 1) for row-major A, (1, m) for A stored transposed ([k, m]).
 */
function gemmStrided(
  a: Float32Array,
  rowStride: number,
  colStride: number,
  b: Float32Array,
  c: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const c0 = i * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    const c3 = c2 + n;
    const r0 = i * rowStride;
    const r1 = r0 + rowStride;
    const r2 = r1 + rowStride;
    const r3 = r2 + rowStride;
    for (let p = 0; p < k; p++) {
      const q = p * colStride;
      const a0 = a[r0 + q] as number;
      const a1 = a[r1 + q] as number;
      const a2 = a[r2 + q] as number;
      const a3 = a[r3 + q] as number;
      const bp = p * n;
      for (let j = 0; j < n; j++) {
        const v = b[bp + j] as number;
        c[c0 + j] = (c[c0 + j] as number) + a0 * v;
        c[c1 + j] = (c[c1 + j] as number) + a1 * v;
        c[c2 + j] = (c[c2 + j] as number) + a2 * v;
        c[c3 + j] = (c[c3 + j] as number) + a3 * v;
      }
    }
  }
  for (; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * rowStride + p * colStride] as number;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] = (c[ci + j] as number) + av * (b[bp + j] as number);
    }
  }
}

/** C[m, n] += A[m, k] * B[k, n], all row-major. */
export function gemmAccumulate(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  gemmStrided(a, k, 1, b, c, m, k, n);
}

/** C[m, n] += A^T B where A is [k, m] and B is [k, n], row-major (A read transposed in place). */
export function gemmTransposedAAccumulate(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  gemmStrided(a, 1, m, b, c, m, k, n);
}

/** [rows, cols] -> [cols, rows]. */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c] as number;
  return out;
}

/**
 * out[b, n] = x[b, :] · w[n, :] for x [rows, k] and w [n, k] (a PyTorch weight as it is stored):
 * dot products with four accumulators, about twice the speed of a product over the transposed
 * weights for one row (measured 0.28 vs 0.53 ms for 256 × 1024), each weight row read once for all
 * rows of x.
 */
export function rowDots(
  x: Float32Array,
  rows: number,
  k: number,
  w: Float32Array,
  out: Float32Array,
  n: number,
): void {
  const k4 = k - (k % 4);
  for (let j = 0; j < n; j++) {
    const wj = j * k;
    for (let b = 0; b < rows; b++) {
      const xb = b * k;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let p = 0;
      for (; p < k4; p += 4) {
        a0 += (w[wj + p] as number) * (x[xb + p] as number);
        a1 += (w[wj + p + 1] as number) * (x[xb + p + 1] as number);
        a2 += (w[wj + p + 2] as number) * (x[xb + p + 2] as number);
        a3 += (w[wj + p + 3] as number) * (x[xb + p + 3] as number);
      }
      for (; p < k; p++) a0 += (w[wj + p] as number) * (x[xb + p] as number);
      out[b * n + j] = a0 + a1 + a2 + a3;
    }
  }
}
