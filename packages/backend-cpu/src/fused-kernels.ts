// Registers the fused recurrent kernels (contract in @recurrent/core's layers/recurrent/fused.ts)
// for tfjs-backend-cpu: a whole layer direction per call on Float32Arrays.
import {
  type FusedCellName,
  recurrentBackwardKernel,
  recurrentForwardKernel,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { transpose } from './gemm.js';
import {
  type CellKind,
  gateCount,
  recurrentBackward,
  recurrentForward,
} from './recurrent-loops.js';

interface CpuBackend {
  data: { get(dataId: unknown): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

function read(backend: CpuBackend, info: tf.TensorInfo | undefined): Float32Array | undefined {
  if (!info) return undefined;
  const values = backend.data.get(info.dataId).values;
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

function need(backend: CpuBackend, inputs: tf.NamedTensorInfoMap, name: string): Float32Array {
  const values = read(backend, inputs[name]);
  if (!values) throw new Error(`fused recurrent kernel: missing input "${name}"`);
  return values;
}

/**
 * W_hh transposed, by tensor data: tfjs never changes a tensor's data in place (assigning a
 * variable gives it new data), so the transpose stays valid as long as the data lives. Generation
 * runs one step per call, and transposing W_hh every time would cost more than the step itself.
 */
const transposed = new WeakMap<object, Float32Array>();

function transposedWeights(info: tf.TensorInfo, values: Float32Array): Float32Array {
  const cached = transposed.get(info.dataId);
  if (cached) return cached;
  const [rows, cols] = info.shape as [number, number];
  const fresh = transpose(values, rows, cols);
  transposed.set(info.dataId, fresh);
  return fresh;
}

/** Builds a float32 output of the kernel on `backend`. */
function output(backend: CpuBackend) {
  return (shape: number[], values: Float32Array) =>
    backend.makeTensorInfo(shape, 'float32', values);
}

function attributes(attrs: tf.NamedAttrMap | undefined): {
  cell: CellKind;
  reverse: boolean;
  saveForBackward: boolean;
} {
  const { cell, reverse, saveForBackward } = attrs as unknown as {
    cell: FusedCellName;
    reverse: boolean;
    saveForBackward?: boolean;
  };
  return { cell, reverse, saveForBackward: saveForBackward !== false };
}

export function registerFusedKernels(): void {
  tf.registerKernel({
    kernelName: recurrentForwardKernel,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend: b, attrs }) => {
      const backend = b as unknown as CpuBackend;
      const { cell, reverse, saveForBackward } = attributes(attrs);
      const [T, B, GH] = (inputs.xw as tf.TensorInfo).shape as [number, number, number];
      const H = GH / gateCount(cell);
      const whh = need(backend, inputs, 'whh');
      const r = recurrentForward(cell, T, B, H, reverse, {
        xw: need(backend, inputs, 'xw'),
        whh,
        whhT: transposedWeights(inputs.whh as tf.TensorInfo, whh),
        bhh: read(backend, inputs.bhh),
        h0: need(backend, inputs, 'h0'),
        c0: read(backend, inputs.c0),
        mask: read(backend, inputs.mask),
      });
      const make = output(backend);
      const result = [make([T, B, H], r.output), make([B, H], r.hLast), make([B, H], r.cLast)];
      if (!saveForBackward) return result;
      return [
        ...result,
        make([T, B, GH], r.gates),
        make([T, B, H], r.extra),
        make([T, B, H], r.hPrev),
        make([T, B, H], r.cPrev),
      ];
    },
  });
  tf.registerKernel({
    kernelName: recurrentBackwardKernel,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend: b, attrs }) => {
      const backend = b as unknown as CpuBackend;
      const { cell, reverse } = attributes(attrs);
      const [T, B, GH] = (inputs.gates as tf.TensorInfo).shape as [number, number, number];
      const H = GH / gateCount(cell);
      const hPrev = need(backend, inputs, 'hPrev');
      const r = recurrentBackward(cell, T, B, H, reverse, {
        dOut: need(backend, inputs, 'dOut'),
        dhLast: need(backend, inputs, 'dhLast'),
        dcLast: read(backend, inputs.dcLast),
        gates: need(backend, inputs, 'gates'),
        extra: need(backend, inputs, 'extra'),
        hPrev,
        cPrev: read(backend, inputs.cPrev) ?? new Float32Array(hPrev.length),
        whh: need(backend, inputs, 'whh'),
        mask: read(backend, inputs.mask),
      });
      const make = output(backend);
      const shared = r.dGatesH === r.dGatesX;
      return [
        make([T, B, GH], r.dGatesX),
        shared ? make([0], new Float32Array(0)) : make([T, B, GH], r.dGatesH),
        make([B, H], r.dh0),
        make([B, H], r.dc0),
        make([GH, H], r.dWhh),
        make([GH], r.dBhh),
        make([GH], r.dBih === r.dBhh ? r.dBhh.slice() : r.dBih),
      ];
    },
  });
}
