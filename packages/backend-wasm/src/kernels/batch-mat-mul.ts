// BatchMatMul for tfjs-backend-wasm that always takes XNNPACK's fast path. tfjs-backend-wasm uses
// XNNPACK only without transpose flags and with batch 1; every other product (all of backprop's)
// runs a scalar loop 6-7x slower (BENCHMARKS.md). Here transposes are materialized, a batch
// against one matrix becomes one tall product, and other batches run one XNNPACK product each.
import type * as tf from '@tensorflow/tfjs-core';
import { hasTransposed, transposed2d } from './transposed-weights.js';
import { type WasmScope, withScope } from './wasm-heap.js';

interface MatMulArgs {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
  backend: unknown;
  attrs: { transposeA: boolean; transposeB: boolean };
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Swaps the last two axes of x [batch..., r, c] into a scratch tensor. */
function transposeLastTwo(scope: WasmScope, x: tf.TensorInfo): tf.TensorInfo {
  const [r, c] = x.shape.slice(-2) as [number, number];
  const batch = size(x.shape.slice(0, -2));
  if (batch === 1) return transposed2d(scope, { ...x, shape: [r, c] });
  const out = scope.scratch([...x.shape.slice(0, -2), c, r]);
  for (let i = 0; i < batch; i++) {
    scope.transpose(scope.offset(x) + i * r * c * 4, scope.offset(out) + i * r * c * 4, r, c);
  }
  return out;
}

export function makeBatchMatMul(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as MatMulArgs;
    const { a, b } = inputs;
    const batchA = size(a.shape.slice(0, -2));
    const batchB = size(b.shape.slice(0, -2));
    // Non-float and broadcasting between two real batches keep tfjs's own kernel.
    const broadcastBoth = batchA !== batchB && batchA !== 1 && batchB !== 1;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || broadcastBoth) return fallback(args);
    const [aRows, aCols] = a.shape.slice(-2) as [number, number];
    const [bRows, bCols] = b.shape.slice(-2) as [number, number];
    const M = attrs.transposeA ? aCols : aRows;
    const K = attrs.transposeA ? aRows : aCols;
    const N = attrs.transposeB ? bRows : bCols;
    const innerB = attrs.transposeB ? bCols : bRows;
    if (K !== innerB) {
      throw new Error(
        `matMul: inner sizes differ: a [${a.shape.join(', ')}]${attrs.transposeA ? 'ᵀ' : ''} and b [${b.shape.join(', ')}]${attrs.transposeB ? 'ᵀ' : ''}`,
      );
    }
    const batchShape = (batchA >= batchB ? a : b).shape.slice(0, -2);
    return withScope(backend, (scope) => {
      const out = scope.output([...batchShape, M, N]);
      if (batchA === 1 && batchB === 1 && attrs.transposeA) {
        transposedAProduct(scope, a, b, attrs.transposeB, out, M, K, N);
        return out;
      }
      const left = attrs.transposeA ? transposeLastTwo(scope, a) : a; // [batchA, M, K]
      const right = attrs.transposeB ? transposeLastTwo(scope, b) : b; // [batchB, K, N]
      if (batchB === 1) {
        // Every batch of `a` against one matrix: one product with batchA * M rows.
        scope.matMul(scope.id(left), scope.id(right), scope.id(out), batchA * M, K, N);
        return out;
      }
      for (let i = 0; i < batchB; i++) {
        const aId =
          batchA === 1 ? scope.id(left) : scope.view(scope.offset(left) + i * M * K * 4, M * K);
        const bId = scope.view(scope.offset(right) + i * K * N * 4, K * N);
        const outId = scope.view(scope.offset(out) + i * M * N * 4, M * N);
        scope.matMul(aId, bId, outId, M, K, N);
      }
      return out;
    });
  };
}

/**
 * out = aᵀ · b' (b' = b or bᵀ) for single matrices, a stored [K, M]: either transpose a and let
 * XNNPACK pack b', or let it pack a as the right operand of (b'ᵀ · a)ᵀ and transpose the [N, M]
 * result. Measured costs per element: a JavaScript transpose about 4 ns, XNNPACK's packing of a new
 * right operand about 10 ns; weight gradients (dW = dYᵀ X) take the cheaper form.
 */
function transposedAProduct(
  scope: WasmScope,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeB: boolean,
  out: tf.TensorInfo,
  M: number,
  K: number,
  N: number,
): void {
  const transposeCost = 4;
  const packCost = 10;
  const a2 = { ...a, shape: [K, M] };
  const b2 = { ...b, shape: transposeB ? [N, K] : [K, N] };
  const transposeA = hasTransposed(a2) ? 0 : K * M; // the recurrent backward kernel may hold it
  const direct = transposeCost * (transposeA + (transposeB ? K * N : 0)) + packCost * K * N;
  const flipped = transposeCost * ((transposeB ? 0 : K * N) + M * N) + packCost * K * M;
  if (direct <= flipped) {
    const right = transposeB ? transposed2d(scope, b2) : b2;
    scope.matMul(scope.id(transposed2d(scope, a2)), scope.id(right), scope.id(out), M, K, N);
    return;
  }
  const bt = transposeB ? b2 : transposed2d(scope, b2); // [N, K]
  const product = scope.scratch([N, M]);
  scope.matMul(scope.id(bt), scope.id(a2), scope.id(product), N, K, M);
  scope.transpose(scope.offset(product), scope.offset(out), N, M);
}
