// RecurrentSoftmaxCrossEntropy and its gradient (core's train/softmax-cross-entropy.ts): one pass
// each way over the logits instead of ~12 tfjs ops (softmax, two row maxima, log, products, sums).
// With WebAssembly SIMD the passes run in our gates module; without, core's reference loops run
// over the heap (Math.exp per element: slower than the ops, but only engines without SIMD get it).
// Only the per-row loss (N logs) is finished in JavaScript in both cases.
import {
  crossEntropyGradValues,
  crossEntropyRows,
  softmaxCrossEntropyGradKernel,
  softmaxCrossEntropyKernel,
  softmaxRows,
} from '@recurrent/core';
import type * as tf from '@tensorflow/tfjs-core';
import { type WasmScope, withScope } from './wasm-heap.js';

interface Args {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
}

let simdRoute = true;

/** Turns the gates module's route off (core's reference loops run): for tests. */
export function setCrossEntropySimdRoute(on: boolean): void {
  simdRoute = on;
}

function rowsAndClasses(
  kernel: string,
  logits: tf.TensorInfo,
  targets: tf.TensorInfo,
  rowWise: tf.TensorInfo,
  rowName: string,
) {
  const [N, C] = logits.shape as [number, number];
  if (logits.shape.length !== 2 || logits.dtype !== 'float32') {
    throw new Error(
      `${kernel} on wasm: expected float32 [N, C], got ${logits.dtype} [${logits.shape.join(', ')}]`,
    );
  }
  if (targets.dtype !== 'int32' || targets.shape.join() !== `${N}`) {
    throw new Error(
      `${kernel} on wasm: targets must be int32 [${N}], got ${targets.dtype} [${targets.shape.join(', ')}]`,
    );
  }
  if (rowWise.dtype !== 'float32' || rowWise.shape.join() !== `${N}`) {
    throw new Error(
      `${kernel} on wasm: ${rowName} must be float32 [${N}], got ${rowWise.dtype} [${rowWise.shape.join(', ')}]`,
    );
  }
  return { N, C };
}

const int32 = (scope: WasmScope, info: tf.TensorInfo) =>
  new Int32Array(scope.wasm.HEAP32.buffer, scope.offset(info), info.shape[0] as number);

export const softmaxCrossEntropy: tf.KernelFunc = (raw) => {
  const { inputs, backend } = raw as unknown as Args;
  const logits = inputs.logits as tf.TensorInfo;
  const targets = inputs.targets as tf.TensorInfo;
  const keep = inputs.keep as tf.TensorInfo;
  const { N, C } = rowsAndClasses(softmaxCrossEntropyKernel, logits, targets, keep, 'keep');
  return withScope(backend, (scope) => {
    const probs = scope.output([N, C]);
    const perRow = scope.output([N]);
    const maxes = scope.scratch([N]);
    const sums = scope.scratch([N]);
    const kernels = scope.gates;
    if (kernels && simdRoute) {
      kernels.softmaxRows(
        scope.offset(logits),
        N,
        C,
        scope.offset(probs),
        scope.offset(maxes),
        scope.offset(sums),
      );
    } else {
      softmaxRows(scope.f32(logits), N, C, scope.f32(probs), scope.f32(maxes), scope.f32(sums));
    }
    crossEntropyRows(
      scope.f32(logits),
      int32(scope, targets),
      scope.f32(keep),
      scope.f32(maxes),
      scope.f32(sums),
      C,
      scope.f32(perRow),
    );
    return [probs, perRow];
  });
};

export const softmaxCrossEntropyGrad: tf.KernelFunc = (raw) => {
  const { inputs, backend } = raw as unknown as Args;
  const probs = inputs.probs as tf.TensorInfo;
  const targets = inputs.targets as tf.TensorInfo;
  const rowScale = inputs.rowScale as tf.TensorInfo;
  const { N, C } = rowsAndClasses(
    softmaxCrossEntropyGradKernel,
    probs,
    targets,
    rowScale,
    'rowScale',
  );
  return withScope(backend, (scope) => {
    const out = scope.output([N, C]);
    const kernels = scope.gates;
    if (kernels && simdRoute) {
      kernels.softmaxCrossEntropyGrad(
        scope.offset(probs),
        scope.offset(targets),
        scope.offset(rowScale),
        N,
        C,
        scope.offset(out),
      );
    } else {
      crossEntropyGradValues(
        scope.f32(probs),
        int32(scope, targets),
        scope.f32(rowScale),
        C,
        scope.f32(out),
      );
    }
    return out;
  });
};
