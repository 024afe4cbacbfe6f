// Cross-entropy from logits as two backend kernels: a backend may register them to replace the
// ~12 tfjs ops over [N, C] of losses.ts's path (softmax, two row maxima, log, products, sums and
// their gradients), whose per-op overhead is a tenth of a small model's step (W6: about 1 ms of
// 12). losses.ts uses them for cross-entropy without label smoothing when both are registered.
//
// RecurrentSoftmaxCrossEntropy      inputs  logits [N, C] float32, targets [N] int32,
//                                           keep [N] float32 (each row's weight: 0 for ignored)
//                                   outputs probs [N, C] = softmax(logits),
//                                           perRow [N] = keep · (logsumexp(row) − logits[y])
// RecurrentSoftmaxCrossEntropyGrad  inputs  probs [N, C], targets [N] int32, rowScale [N] float32
//                                   outputs [N, C] = rowScale · (probs − onehot(targets))
//
// A target outside [0, C) gives its row a loss and a gradient of 0 (losses.ts's one-hot row of
// zeros), and a row of weight 0 a gradient of zeros signed as the ops path's (p · 0 · scale).
// The functions below are the arithmetic on Float32Arrays: the reference for a backend's kernels
// and for backends that can hand their tensors' memory to JavaScript.
import * as tf from '@tensorflow/tfjs-core';

export const softmaxCrossEntropyKernel = 'RecurrentSoftmaxCrossEntropy';
export const softmaxCrossEntropyGradKernel = 'RecurrentSoftmaxCrossEntropyGrad';

/** Whether the active backend has both kernels. */
export function fusedCrossEntropyAvailable(): boolean {
  const backend = tf.getBackend();
  return (
    tf.getKernel(softmaxCrossEntropyKernel, backend) !== undefined &&
    tf.getKernel(softmaxCrossEntropyGradKernel, backend) !== undefined
  );
}

const f = Math.fround;

/**
 * probs = softmax of each row of z [rows, cols], and each row's max and Σ exp(z − max) (in float32,
 * summed in column order).
 */
export function softmaxRows(
  z: Float32Array,
  rows: number,
  cols: number,
  probs: Float32Array,
  maxes: Float32Array,
  sums: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) m = Math.max(m, z[base + c] as number);
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const e = f(Math.exp(f((z[base + c] as number) - m)));
      probs[base + c] = e;
      s = f(s + e);
    }
    for (let c = 0; c < cols; c++) probs[base + c] = f((probs[base + c] as number) / s);
    maxes[r] = m;
    sums[r] = s;
  }
}

/** perRow[r] = keep[r] · (max + log Σ − z[r, y]), 0 where y is outside [0, cols). */
export function crossEntropyRows(
  z: Float32Array,
  targets: Int32Array,
  keep: Float32Array,
  maxes: Float32Array,
  sums: Float32Array,
  cols: number,
  perRow: Float32Array,
): void {
  for (let r = 0; r < perRow.length; r++) {
    const y = targets[r] as number;
    if (y < 0 || y >= cols) {
      perRow[r] = 0;
      continue;
    }
    const lse = f((maxes[r] as number) + f(Math.log(sums[r] as number)));
    perRow[r] = f((keep[r] as number) * f(lse - (z[r * cols + y] as number)));
  }
}

/**
 * out = rowScale · (probs − onehot(targets)); rows with a target outside [0, cols) or a rowScale
 * of 0 are all zeros, signed as the ops path's (the sign of rowScale's factors).
 */
export function crossEntropyGradValues(
  probs: Float32Array,
  targets: Int32Array,
  rowScale: Float32Array,
  cols: number,
  out: Float32Array,
): void {
  for (let r = 0; r < rowScale.length; r++) {
    const y = targets[r] as number;
    const inRange = y >= 0 && y < cols;
    // Rows without a one-hot or of weight 0 get p · k: a zero signed as the ops path's.
    const k = inRange ? (rowScale[r] as number) : (rowScale[r] as number) * 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[base + c] = f((probs[base + c] as number) * k);
    if (inRange && k !== 0) out[base + y] = f(f((probs[base + y] as number) - 1) * k);
  }
}
