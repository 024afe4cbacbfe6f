// UnsortedSegmentSum, which tfjs-backend-wasm lacks: without it tf.gather (an embedding lookup)
// has no gradient on wasm. out[s] = sum of x[n] over the n with segmentIds[n] = s; ids outside
// [0, numSegments) are dropped, as in TensorFlow and tfjs-backend-cpu.
import type * as tf from '@tensorflow/tfjs-core';
import { withScope } from './wasm-heap.js';

interface SegmentSumArgs {
  inputs: { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  backend: unknown;
  attrs: { numSegments: number };
}

export const unsortedSegmentSum: tf.KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as SegmentSumArgs;
  const { x, segmentIds } = inputs;
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const xSize = x.shape.reduce((a, b) => a * b, 1);
  const width = rows === 0 ? 0 : xSize / rows;
  if (x.dtype !== 'float32' || !Number.isInteger(width)) {
    throw new Error(
      `UnsortedSegmentSum on wasm: expected float32 x whose leading axes match segmentIds [${segmentIds.shape.join(', ')}], got ${x.dtype} [${x.shape.join(', ')}]`,
    );
  }
  const { numSegments } = attrs;
  return withScope(backend, (scope) => {
    const out = scope.output([numSegments, ...x.shape.slice(segmentIds.shape.length)]);
    const target = scope.f32(out);
    const source = scope.f32(x);
    const ids = new Int32Array(scope.wasm.HEAP32.buffer, scope.offset(segmentIds), rows);
    target.fill(0);
    for (let n = 0; n < rows; n++) {
      const s = ids[n] as number;
      if (s < 0 || s >= numSegments) continue;
      const from = n * width;
      const to = s * width;
      for (let k = 0; k < width; k++)
        target[to + k] = (target[to + k] as number) + (source[from + k] as number);
    }
    return out;
  });
};
