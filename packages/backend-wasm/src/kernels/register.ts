// Registers this package's kernels on tfjs-backend-wasm: the fused recurrent kernels and the fused
// decoding step, the missing UnsortedSegmentSum, a BatchMatMul that always takes XNNPACK's fast
// path, Slice, GatherV2, Identity and Transpose as plain memory moves (or none), Sum over leading
// axes, ScatterNd by rows, Adam's update and cross-entropy from logits.
import {
  adamUpdateKernel,
  decodeStepKernel,
  recurrentBackwardKernel,
  recurrentForwardKernel,
  softmaxCrossEntropyGradKernel,
  softmaxCrossEntropyKernel,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { adamUpdate } from './adam-update.js';
import { makeBatchMatMul } from './batch-mat-mul.js';
import { makeSum } from './column-sums.js';
import { identity, makeGather, makeSlice, makeTranspose } from './copy-kernels.js';
import { softmaxCrossEntropy, softmaxCrossEntropyGrad } from './cross-entropy.js';
import { decodeStep } from './decode-step.js';
import { recurrentBackward, recurrentForward } from './recurrent.js';
import { makeScatterNd } from './scatter-rows.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';

const backendName = 'wasm';

function replaceKernel(kernelName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc) {
  const original = tf.getKernel(kernelName, backendName);
  if (!original) throw new Error(`tfjs-backend-wasm has no ${kernelName} kernel to replace`);
  tf.unregisterKernel(kernelName, backendName);
  // The original's setup (it binds its wasm function) still runs, for the fallback cases.
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) });
}

let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  replaceKernel(tf.BatchMatMul, makeBatchMatMul);
  replaceKernel(tf.Slice, makeSlice);
  replaceKernel(tf.GatherV2, makeGather);
  replaceKernel(tf.Identity, () => identity);
  replaceKernel(tf.Transpose, makeTranspose);
  replaceKernel(tf.Sum, makeSum);
  replaceKernel(tf.ScatterNd, makeScatterNd);
  if (!tf.getKernel(tf.UnsortedSegmentSum, backendName)) {
    tf.registerKernel({
      kernelName: tf.UnsortedSegmentSum,
      backendName,
      kernelFunc: unsortedSegmentSum,
    });
  }
  tf.registerKernel({
    kernelName: recurrentForwardKernel,
    backendName,
    kernelFunc: recurrentForward,
  });
  tf.registerKernel({
    kernelName: recurrentBackwardKernel,
    backendName,
    kernelFunc: recurrentBackward,
  });
  tf.registerKernel({ kernelName: decodeStepKernel, backendName, kernelFunc: decodeStep });
  tf.registerKernel({ kernelName: adamUpdateKernel, backendName, kernelFunc: adamUpdate });
  tf.registerKernel({
    kernelName: softmaxCrossEntropyKernel,
    backendName,
    kernelFunc: softmaxCrossEntropy,
  });
  tf.registerKernel({
    kernelName: softmaxCrossEntropyGradKernel,
    backendName,
    kernelFunc: softmaxCrossEntropyGrad,
  });
}
