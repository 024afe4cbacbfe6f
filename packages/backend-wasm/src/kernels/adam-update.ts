// RecurrentAdamUpdate (core's adam-update.ts): one parameter's Adam step as one kernel, instead of
// ~10 tfjs ops through the engine, each with its scalar upload, temporary tensor and bookkeeping.
// With WebAssembly SIMD it is one pass of our gates module (simdPass); without, as follows.
// Small parameters (most of a small model's) run core's adamUpdateValues in one JavaScript pass
// over the wasm heap; larger ones run the ops path's own wasm kernels (XNNPACK, SIMD) one after the
// other without the engine: JavaScript's scalar float32 arithmetic (about 20 ns per element) loses
// to them from a few thousand elements (measured: 0.02 vs 0.06 ms at 256, even at 4096, 0.37 vs
// 0.14 ms at 32768; the ops path took 0.12, 0.09 and 0.17 ms). Both give the ops path's float32 results
// exactly. The outputs are new tensors: XNNPACK's packed weights and our transposed copies are
// cached by data, so a weight must never change under its data id.
import { type AdamCoefficients, adamUpdateKernel, adamUpdateValues } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import type { GateKernels } from './gates/module.js';
import { type BackendWasm, backendGateKernels, withScope } from './wasm-heap.js';

interface AdamInputs {
  param: tf.TensorInfo;
  grad: tf.TensorInfo;
  m?: tf.TensorInfo;
  v?: tf.TensorInfo;
  vMax?: tf.TensorInfo;
}

interface AdamArgs {
  inputs: AdamInputs;
  backend: unknown;
  attrs: AdamCoefficients;
}

/** Elements from which the chain of wasm kernels beats one JavaScript pass. */
export const javascriptPassLimit = 2048;

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function check(inputs: AdamInputs): void {
  const { param } = inputs;
  for (const [name, t] of Object.entries(inputs)) {
    if (!t) continue;
    if (t.dtype !== 'float32' || t.shape.join() !== param.shape.join()) {
      throw new Error(
        `${adamUpdateKernel} on wasm: ${name} must be float32 [${param.shape.join(', ')}] like the parameter, got ${t.dtype} [${t.shape.join(', ')}]`,
      );
    }
  }
  if (!inputs.m !== !inputs.v) {
    throw new Error(`${adamUpdateKernel} on wasm: m and v come together (both or neither)`);
  }
}

export const adamUpdate: tf.KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as AdamArgs;
  check(inputs);
  const simd = backendGateKernels(backend as BackendWasm);
  if (simd && simdRoute) return simdPass(backend, simd, inputs, attrs);
  if (size(inputs.param.shape) > javascriptPassLimit) {
    return kernelChain(backend as BackendWasm, inputs, attrs);
  }
  return javascriptPass(backend, inputs, attrs);
};

let simdRoute = true;

/** Turns the gates module's route off (the JavaScript pass and the kernel chain run): for tests. */
export function setAdamSimdRoute(on: boolean): void {
  simdRoute = on;
}

/** One pass of our gates module (WebAssembly SIMD): the same float32 operations, the same bits. */
function simdPass(
  backend: unknown,
  kernels: GateKernels,
  inputs: AdamInputs,
  c: AdamCoefficients,
): tf.TensorInfo[] {
  const { param, grad, m, v, vMax } = inputs;
  return withScope(backend, (scope) => {
    const shape = param.shape;
    const outputs = [scope.output(shape), scope.output(shape), scope.output(shape)];
    if (c.amsgrad) outputs.push(scope.output(shape));
    const at = (t: tf.TensorInfo | undefined) => (t ? scope.offset(t) : 0);
    const [pOut, mOut, vOut, vMaxOut] = outputs;
    // Rounded to float32 on the way in, as the ops path's scalars.
    kernels.adamUpdate(
      at(param),
      at(grad),
      at(m),
      at(v),
      at(vMax),
      at(pOut),
      at(mOut),
      at(vOut),
      at(vMaxOut),
      size(shape),
      c.beta1,
      c.beta2,
      1 - c.beta1,
      1 - c.beta2,
      c.eps,
      c.stepSize,
      c.biasCorrection2Sqrt,
      c.l2,
      c.decayFactor,
      c.decayFactor !== 1 ? 1 : 0,
      c.amsgrad ? 1 : 0,
    );
    return outputs;
  });
}

function javascriptPass(
  backend: unknown,
  inputs: AdamInputs,
  attrs: AdamCoefficients,
): tf.TensorInfo[] {
  const { param, grad, m, v, vMax } = inputs;
  return withScope(backend, (scope) => {
    const shape = param.shape;
    // Every allocation before the first heap view: an allocation can grow (and detach) the heap.
    const outputs = [scope.output(shape), scope.output(shape), scope.output(shape)];
    if (attrs.amsgrad) outputs.push(scope.output(shape));
    const [pOut, mOut, vOut, vMaxOut] = outputs.map((t) => scope.f32(t));
    const previous =
      m && v
        ? { m: scope.f32(m), v: scope.f32(v), vMax: vMax ? scope.f32(vMax) : undefined }
        : undefined;
    adamUpdateValues(attrs, scope.f32(param), scope.f32(grad), previous, {
      param: pOut as Float32Array,
      m: mOut as Float32Array,
      v: vOut as Float32Array,
      vMax: vMaxOut,
    });
    return outputs;
  });
}

/**
 * The ops path's kernels in the ops path's order (optimizer.ts opsUpdate), called directly: the
 * same float32 operations, so the same results.
 */
function kernelChain(
  backend: BackendWasm,
  inputs: AdamInputs,
  c: AdamCoefficients,
): tf.TensorInfo[] {
  const temporaries: tf.TensorInfo[] = [];
  const run = (kernelName: string, kernelInputs: tf.NamedTensorInfoMap): tf.TensorInfo => {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (!kernel) throw new Error(`${adamUpdateKernel} on wasm: tfjs has no ${kernelName} kernel`);
    const out = kernel.kernelFunc({ inputs: kernelInputs, backend, attrs: {} }) as tf.TensorInfo;
    temporaries.push(out);
    return out;
  };
  const scalar = (value: number): tf.TensorInfo => {
    const out = backend.makeOutput([], 'float32');
    temporaries.push(out);
    backend.wasm.HEAPF32[(backend.dataIdMap.get(out.dataId)?.memoryOffset as number) >> 2] = value;
    return out;
  };
  const mul = (a: tf.TensorInfo, b: number) => run(tf.Multiply, { a, b: scalar(b) });
  const { param: p, m: mPrev, v: vPrev, vMax: vMaxPrev } = inputs;
  try {
    let g = inputs.grad;
    let weights = p;
    if (c.l2 !== 0) g = run(tf.Add, { a: g, b: mul(p, c.l2) });
    if (c.decayFactor !== 1) weights = mul(p, c.decayFactor);
    const gScaled = mul(g, 1 - c.beta1);
    const m = mPrev ? run(tf.Add, { a: mul(mPrev, c.beta1), b: gScaled }) : gScaled;
    const gSquared = mul(run(tf.Square, { x: g }), 1 - c.beta2);
    const v = vPrev ? run(tf.Add, { a: mul(vPrev, c.beta2), b: gSquared }) : gSquared;
    let second = v;
    let vMax: tf.TensorInfo | undefined;
    if (c.amsgrad) {
      // A copy when there is no previous maximum: every output must be its own tensor.
      vMax = run(tf.Maximum, { a: vMaxPrev ?? v, b: v });
      second = vMax;
    }
    const root = run(tf.Sqrt, { x: second });
    const denom = run(tf.Add, {
      a: run(tf.RealDiv, { a: root, b: scalar(c.biasCorrection2Sqrt) }),
      b: scalar(c.eps),
    });
    const update = mul(run(tf.RealDiv, { a: m, b: denom }), c.stepSize);
    const value = run(tf.Sub, { a: weights, b: update });
    const outputs = vMax ? [value, m, v, vMax] : [value, m, v];
    for (const t of temporaries) if (!outputs.includes(t)) backend.disposeData(t.dataId, true);
    return outputs;
  } catch (error) {
    for (const t of temporaries) backend.disposeData(t.dataId, true);
    throw error;
  }
}
