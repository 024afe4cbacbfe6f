// Parameter initializers with PyTorch's definitions (torch.nn.init), computed in JavaScript from a
// seeded Random so every backend starts from the same numbers.
import type { Initializer } from '../spec/types.generated.js';
import type { Random } from './random.js';

/** The initializers the spec names (its `initializer` definition). */
export type InitializerName = Initializer;

/** fan_in and fan_out of a [out, in] weight, as torch.nn.init._calculate_fan_in_and_fan_out. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2)
    throw new Error(`fan in and fan out need a matrix; got shape [${shape.join(', ')}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: (shape[1] as number) * receptive, fanOut: (shape[0] as number) * receptive };
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function uniformValues(
  shape: readonly number[],
  bound: number,
  random: Random,
): Float32Array {
  const out = new Float32Array(size(shape));
  for (let i = 0; i < out.length; i++) out[i] = random.uniform(-bound, bound);
  return out;
}

export function normalValues(shape: readonly number[], std: number, random: Random): Float32Array {
  const out = new Float32Array(size(shape));
  for (let i = 0; i < out.length; i++) out[i] = std * random.normal();
  return out;
}

/**
 * A matrix with orthonormal rows or columns (torch.nn.init.orthogonal_, gain 1): QR of a Gaussian
 * matrix by Householder reflections, signs fixed by R's diagonal. O(n^3) in Float64.
 */
export function orthogonalValues(shape: readonly number[], random: Random): Float32Array {
  const rows = shape[0] as number;
  const cols = size(shape) / rows;
  // Work on the tall orientation (m >= n), transposing back at the end, as PyTorch does.
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const a = new Float64Array(m * n); // column-major m x n
  for (let i = 0; i < a.length; i++) a[i] = random.normal();
  const q = householderQ(a, m, n);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // q is m x n column-major; the result is rows x cols row-major.
      out[r * cols + c] = rows >= cols ? (q[c * m + r] as number) : (q[r * m + c] as number);
    }
  }
  return out;
}

/** Q (m x n, column-major) of the thin QR of `a`, with Q's columns multiplied by sign(R_ii). */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const diagSigns = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += (a[k * m + i] as number) ** 2;
    norm = Math.sqrt(norm);
    const akk = a[k * m + k] as number;
    const alpha = akk >= 0 ? -norm : norm; // R_kk
    diagSigns[k] = alpha >= 0 ? 1 : -1;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[k * m + i] as number;
    v[0] = (v[0] as number) - alpha;
    let vnorm = 0;
    for (let i = 0; i < v.length; i++) vnorm += (v[i] as number) ** 2;
    vnorm = Math.sqrt(vnorm);
    if (vnorm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / vnorm;
    vs.push(v);
    // Apply H = I - 2 v v^T to the remaining columns.
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += (v[i - k] as number) * (a[j * m + i] as number);
      for (let i = k; i < m; i++)
        a[j * m + i] = (a[j * m + i] as number) - 2 * dot * (v[i - k] as number);
    }
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k] as Float64Array;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += (v[i - k] as number) * (q[j * m + i] as number);
      for (let i = k; i < m; i++)
        q[j * m + i] = (q[j * m + i] as number) - 2 * dot * (v[i - k] as number);
    }
  }
  for (let j = 0; j < n; j++) {
    const sign = diagSigns[j] as number;
    if (sign < 0) for (let i = 0; i < m; i++) q[j * m + i] = -(q[j * m + i] as number);
  }
  return q;
}

/**
 * Values for a parameter of `shape`. `pytorchDefault` is what PyTorch's module would use for this
 * parameter (it differs by module: U(±1/sqrt(H)) for recurrent layers, N(0, 1) for embeddings...).
 */
export function initialValues(
  name: InitializerName,
  shape: readonly number[],
  random: Random,
  pytorchDefault: () => Float32Array,
): Float32Array {
  switch (name) {
    case 'pytorch-default':
      return pytorchDefault();
    case 'zeros':
      return new Float32Array(size(shape));
    case 'ones':
      return new Float32Array(size(shape)).fill(1);
    case 'normal':
      return normalValues(shape, 1, random);
    case 'xavier-uniform': {
      const { fanIn, fanOut } = fans(shape);
      return uniformValues(shape, Math.sqrt(6 / (fanIn + fanOut)), random);
    }
    case 'xavier-normal': {
      const { fanIn, fanOut } = fans(shape);
      return normalValues(shape, Math.sqrt(2 / (fanIn + fanOut)), random);
    }
    case 'kaiming-uniform': {
      // gain sqrt(2) (ReLU), mode fan_in: bound = gain * sqrt(3 / fan_in)
      const { fanIn } = fans(shape);
      return uniformValues(shape, Math.sqrt(6 / fanIn), random);
    }
    case 'kaiming-normal': {
      const { fanIn } = fans(shape);
      return normalValues(shape, Math.sqrt(2 / fanIn), random);
    }
    case 'orthogonal':
      return orthogonalValues(shape, random);
  }
}
