// Fused recurrent kernels: a backend may register these two tfjs kernels to run a whole layer
// direction (the time loop, forward or backward) in one call, as cuDNN does for CUDA. The layer
// uses them when the active backend has both ("auto"), and otherwise runs the same equations with
// tfjs ops (runner.ts). Both paths save the same things and give the same results.
//
// RecurrentForward  inputs  xw [T, B, G*H] (input projection + biases; bias_hh folded in except
//                           for GRU), whh [G*H, H], bhh [G*H] (GRU with bias only), h0 [B, H],
//                           c0 [B, H] (LSTM only), mask [T, B] (with lengths only)
//                   attrs   cell: "lstm" | "gru" | "rnn-tanh" | "rnn-relu", reverse: boolean,
//                           saveForBackward: boolean (absent: true)
//                   outputs output [T, B, H], hLast [B, H], cLast [B, H], then only when
//                           saveForBackward: gates [T, B, G*H] (activated), extra [T, B, H] (c' for
//                           LSTM, W_hn h + b_hn for GRU, h' for RNN), hPrev [T, B, H], cPrev [T, B, H]
// RecurrentBackward inputs  dOut, dhLast, dcLast (LSTM), gates, extra, hPrev, cPrev, whh, mask
//                   outputs dGatesX [T, B, G*H], dGatesH [T, B, G*H] (GRU; [0] otherwise),
//                           dh0, dc0 [B, H], dWhh [G*H, H], dBhh [G*H], dBih [G*H]
import * as tf from '@tensorflow/tfjs-core';

export const recurrentForwardKernel = 'RecurrentForward';
export const recurrentBackwardKernel = 'RecurrentBackward';

export type FusedCellName = 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu';

/** Whether the active backend registered both fused kernels. */
export function fusedKernelsAvailable(): boolean {
  const backend = tf.getBackend();
  return (
    tf.getKernel(recurrentForwardKernel, backend) !== undefined &&
    tf.getKernel(recurrentBackwardKernel, backend) !== undefined
  );
}

function present(inputs: Record<string, tf.Tensor | undefined>): tf.NamedTensorMap {
  return Object.fromEntries(
    Object.entries(inputs).filter(([, t]) => t !== undefined),
  ) as tf.NamedTensorMap;
}

export function runFused(
  kernel: string,
  inputs: Record<string, tf.Tensor | undefined>,
  cell: FusedCellName,
  reverse: boolean,
  saveForBackward = true,
): tf.Tensor[] {
  const attrs = { cell, reverse, saveForBackward } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(kernel, present(inputs), attrs) as tf.Tensor[];
}
