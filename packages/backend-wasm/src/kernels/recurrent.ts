// The fused recurrent kernels (contract in @recurrent/core's layers/recurrent/fused.ts) on the wasm
// heap: a whole layer direction is one kernel call with no per-step tensors. Each step's recurrent
// product runs in XNNPACK in place (a tensor id registered over the step's rows); each step's cell
// arithmetic runs in our WASM SIMD module (gates/), in place by heap offsets, or where that module
// cannot run (no WebAssembly SIMD), in core's shared JavaScript loops over views of the heap.
import {
  columnSums,
  type ForwardBuffers,
  type FusedCellName,
  fusedBackwardLoop,
  fusedForwardLoop,
  fusedGateCount,
  type LoopShape,
  scalarSigmoid,
} from '@recurrent/core';
import type * as tf from '@tensorflow/tfjs-core';
import { gateBackwardLoop, gateForwardLoop } from './gates/loops.js';
import type { GateKernels } from './gates/module.js';
import { rememberTransposed, transposed2d } from './transposed-weights.js';
import { packOnce, type WasmScope, withScope } from './wasm-heap.js';

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/** Whether the caller will run the backward kernel (attr saveForBackward, absent: true). */
function savesForBackward(args: KernelArgs): boolean {
  return (args.attrs as { saveForBackward?: boolean } | undefined)?.saveForBackward !== false;
}

function loopShape(args: KernelArgs, firstInput: 'xw' | 'gates'): LoopShape {
  const { cell, reverse } = args.attrs as unknown as { cell: FusedCellName; reverse: boolean };
  const [T, B, GH] = (args.inputs[firstInput] as tf.TensorInfo).shape as [number, number, number];
  return { cell, T, B, H: GH / fusedGateCount(cell), reverse };
}

/** Registers one view per time step over `info` [T, B, width]. */
function stepViews(scope: WasmScope, info: tf.TensorInfo, T: number, rowSize: number): number[] {
  const base = scope.offset(info);
  return Array.from({ length: T }, (_, t) => scope.view(base + t * rowSize * 4, rowSize));
}

/** Elements from which one XNNPACK sigmoid call beats a JavaScript loop (measured crossover). */
const vectorSigmoidFrom = 4096;

/** Throws if the heap grew (which detaches every view) while views were in use. */
function checkHeap(scope: WasmScope, buffer: ArrayBufferLike): void {
  if (scope.wasm.HEAPF32.buffer !== buffer) {
    throw new Error('wasm recurrent kernel: the wasm heap grew during the time loop');
  }
}

const input = (args: KernelArgs, name: string) => args.inputs[name] as tf.TensorInfo | undefined;

export const recurrentForward: tf.KernelFunc = (raw) => {
  const args = raw as unknown as KernelArgs;
  const shape = loopShape(args, 'xw');
  const { T, B, H } = shape;
  const GH = fusedGateCount(shape.cell) * H;
  return withScope(args.backend, (scope) => {
    const whhT = transposed2d(scope, input(args, 'whh') as tf.TensorInfo); // [H, G*H]
    // What only backpropagation needs is scratch when no backward pass will follow.
    const saved = savesForBackward(args)
      ? (shape: number[]) => scope.output(shape)
      : (shape: number[]) => scope.scratch(shape);
    const outputs = {
      output: scope.output([T, B, H]),
      hLast: scope.output([B, H]),
      cLast: scope.output([B, H]),
      gates: saved([T, B, GH]),
      extra: saved([T, B, H]),
      hPrev: saved([T, B, H]),
      cPrev: saved([T, B, H]),
    };
    const hh = scope.scratch([B, GH]);
    const hPrevSteps = stepViews(scope, outputs.hPrev, T, B * H);
    const whhTId = scope.id(whhT);
    const hhId = scope.id(hh);
    packOnce(whhT, () =>
      scope.matMul(scope.id(input(args, 'h0') as tf.TensorInfo), whhTId, hhId, B, H, GH),
    );
    const o = outputs;
    const results = savesForBackward(args)
      ? [o.output, o.hLast, o.cLast, o.gates, o.extra, o.hPrev, o.cPrev]
      : [o.output, o.hLast, o.cLast];
    const kernels = scope.gates;
    if (kernels) {
      const at = (info: tf.TensorInfo | undefined) => (info ? scope.offset(info) : 0);
      const buffer = scope.wasm.HEAPF32.buffer;
      gateForwardLoop(
        kernels,
        scope.wasm.HEAPF32,
        shape,
        {
          xw: at(input(args, 'xw')),
          bhh: at(input(args, 'bhh')),
          h0: at(input(args, 'h0')),
          c0: at(input(args, 'c0')),
          mask: at(input(args, 'mask')),
          hh: at(hh),
          output: at(o.output),
          hLast: at(o.hLast),
          cLast: at(o.cLast),
          gates: at(o.gates),
          extra: at(o.extra),
          hPrev: at(o.hPrev),
          cPrev: at(o.cPrev),
        },
        (t) => {
          scope.matMul(hPrevSteps[t] as number, whhTId, hhId, B, H, GH);
          checkHeap(scope, buffer);
        },
      );
      return results;
    }
    // The JavaScript loops' scratch: pre-activations and activations of one step.
    const activations = {
      gatePre: scope.scratch([B, GH]),
      gateAct: scope.scratch([B, GH]),
      cellPre: scope.scratch([B, H]),
      cellAct: scope.scratch([B, H]),
    };
    const gateIds = [scope.id(activations.gatePre), scope.id(activations.gateAct)] as const;
    const cellIds = [scope.id(activations.cellPre), scope.id(activations.cellAct)] as const;
    // XNNPACK's sigmoid allocates and frees its operator on every call: free room reserved before
    // the views are taken means those allocations never grow the heap (which would detach them).
    scope.reserveHeap(1 << 20);
    const buffer = scope.wasm.HEAPF32.buffer;
    const view = (info: tf.TensorInfo | undefined) => (info ? scope.f32(info) : undefined);
    const buffers: ForwardBuffers = {
      xw: scope.f32(input(args, 'xw') as tf.TensorInfo),
      bhh: view(input(args, 'bhh')),
      h0: scope.f32(input(args, 'h0') as tf.TensorInfo),
      c0: view(input(args, 'c0')),
      mask: view(input(args, 'mask')),
      hh: scope.f32(hh),
      gatePre: scope.f32(activations.gatePre),
      gateAct: scope.f32(activations.gateAct),
      cellPre: scope.f32(activations.cellPre),
      cellAct: scope.f32(activations.cellAct),
      output: scope.f32(outputs.output),
      hLast: scope.f32(outputs.hLast),
      cLast: scope.f32(outputs.cLast),
      gates: scope.f32(outputs.gates),
      extra: scope.f32(outputs.extra),
      hPrev: scope.f32(outputs.hPrev),
      cPrev: scope.f32(outputs.cPrev),
    };
    const jsSigmoid = scalarSigmoid(buffers);
    fusedForwardLoop(
      shape,
      buffers,
      (t) => {
        scope.matMul(hPrevSteps[t] as number, whhTId, hhId, B, H, GH);
        checkHeap(scope, buffer);
      },
      (which, n) => {
        // XNNPACK's sigmoid sets up an operator per call: for one step of a small batch
        // (generation) plain JavaScript is faster.
        if (n < vectorSigmoidFrom) return jsSigmoid(which, n);
        const [pre, act] = which === 'gate' ? gateIds : cellIds;
        scope.sigmoid(pre, act);
        checkHeap(scope, buffer);
      },
    );
    return results;
  });
};

export const recurrentBackward: tf.KernelFunc = (raw) => {
  const args = raw as unknown as KernelArgs;
  const shape = loopShape(args, 'gates');
  const { T, B, H } = shape;
  const GH = fusedGateCount(shape.cell) * H;
  const gru = shape.cell === 'gru';
  return withScope(args.backend, (scope) => {
    const whh = input(args, 'whh') as tf.TensorInfo; // [G*H, H]: dh = dGates · W_hh as it is
    const hPrevInfo = input(args, 'hPrev') as tf.TensorInfo;
    const dGatesX = scope.output([T, B, GH]);
    const dGatesH = gru ? scope.output([T, B, GH]) : scope.output([0]);
    const dGatesHInfo = gru ? dGatesH : dGatesX;
    const dh0 = scope.output([B, H]);
    const dc0 = scope.output([B, H]);
    const dWhh = scope.output([GH, H]);
    const dBhh = scope.output([GH]);
    const dBih = scope.output([GH]);
    const dhRecurrent = scope.scratch([B, H]);
    const dhRecurrentId = scope.id(dhRecurrent);
    const whhId = scope.id(whh);
    const dGateSteps = stepViews(scope, dGatesHInfo, T, B * GH);
    const cPrevInfo = input(args, 'cPrev');
    const kernels = scope.gates;
    // Only the LSTM reads cPrev; core's JavaScript loop wants an array for every cell.
    const zeros =
      cPrevInfo || (kernels && shape.cell !== 'lstm') ? undefined : scope.scratch([T, B, H]);
    packOnce(whh, () => scope.matMul(dGateSteps[0] as number, whhId, dhRecurrentId, B, GH, H));
    const stepProduct = (buffer: ArrayBufferLike) => (t: number) => {
      scope.matMul(dGateSteps[t] as number, whhId, dhRecurrentId, B, GH, H);
      checkHeap(scope, buffer);
    };
    if (kernels) {
      if (zeros) scope.f32(zeros).fill(0);
      const at = (info: tf.TensorInfo | undefined) => (info ? scope.offset(info) : 0);
      gateBackwardLoop(
        kernels,
        scope.wasm.HEAPF32,
        shape,
        {
          dOut: at(input(args, 'dOut')),
          dhLast: at(input(args, 'dhLast')),
          dcLast: at(input(args, 'dcLast')),
          gates: at(input(args, 'gates')),
          extra: at(input(args, 'extra')),
          hPrev: at(hPrevInfo),
          cPrev: at(cPrevInfo ?? zeros),
          mask: at(input(args, 'mask')),
          dhRecurrent: at(dhRecurrent),
          dGatesX: at(dGatesX),
          dGatesH: at(dGatesHInfo),
          dh0: at(dh0),
          dc0: at(dc0),
        },
        stepProduct(scope.wasm.HEAPF32.buffer),
      );
    } else {
      javascriptBackward(scope, args, shape, {
        zeros,
        dhRecurrent,
        dGatesX,
        dGatesH,
        dh0,
        dc0,
        stepProduct,
      });
    }
    const dGatesT = weightGradients(scope, dGatesHInfo, hPrevInfo, dWhh, T * B, GH, H);
    biasSums(scope, kernels, dGatesHInfo, T * B, GH, dBhh);
    // Without GRU the gates' gradient is one tensor (dGatesX): keep its transpose for dW_ih.
    if (gru) scope.backend.disposeData(dGatesT.dataId, true);
    else rememberTransposed(scope.backend, dGatesX, T * B, dGatesT);
    if (gru) biasSums(scope, kernels, dGatesX, T * B, GH, dBih);
    else scope.f32(dBih).set(scope.f32(dBhh)); // the same gate gradients feed both biases
    return [dGatesX, dGatesH, dh0, dc0, dWhh, dBhh, dBih];
  });
};

/** The backward time loop in JavaScript (core's), where our gates module cannot run. */
function javascriptBackward(
  scope: WasmScope,
  args: KernelArgs,
  shape: LoopShape,
  own: {
    zeros: tf.TensorInfo | undefined;
    dhRecurrent: tf.TensorInfo;
    dGatesX: tf.TensorInfo;
    dGatesH: tf.TensorInfo;
    dh0: tf.TensorInfo;
    dc0: tf.TensorInfo;
    stepProduct: (buffer: ArrayBufferLike) => (t: number) => void;
  },
): void {
  const gru = shape.cell === 'gru';
  const tanhC =
    shape.cell === 'lstm' ? bulkTanh(scope, input(args, 'extra') as tf.TensorInfo) : undefined;
  const buffer = scope.wasm.HEAPF32.buffer;
  const view = (info: tf.TensorInfo | undefined) => (info ? scope.f32(info) : undefined);
  const dGatesXArray = scope.f32(own.dGatesX);
  if (own.zeros) scope.f32(own.zeros).fill(0);
  fusedBackwardLoop(
    shape,
    {
      dOut: scope.f32(input(args, 'dOut') as tf.TensorInfo),
      dhLast: scope.f32(input(args, 'dhLast') as tf.TensorInfo),
      dcLast: view(input(args, 'dcLast')),
      gates: scope.f32(input(args, 'gates') as tf.TensorInfo),
      extra: scope.f32(input(args, 'extra') as tf.TensorInfo),
      hPrev: scope.f32(input(args, 'hPrev') as tf.TensorInfo),
      cPrev: scope.f32(input(args, 'cPrev') ?? (own.zeros as tf.TensorInfo)),
      mask: view(input(args, 'mask')),
      tanhC: view(tanhC),
      dhRecurrent: scope.f32(own.dhRecurrent),
      dGatesX: dGatesXArray,
      dGatesH: gru ? scope.f32(own.dGatesH) : dGatesXArray,
      dh0: scope.f32(own.dh0),
      dc0: scope.f32(own.dc0),
    },
    own.stepProduct(buffer),
  );
}

/** out [cols] = the column sums of d [rows, cols] (a bias gradient). */
function biasSums(
  scope: WasmScope,
  kernels: GateKernels | undefined,
  d: tf.TensorInfo,
  rows: number,
  cols: number,
  out: tf.TensorInfo,
): void {
  if (kernels) kernels.columnSums(scope.offset(d), rows, cols, scope.offset(out));
  else columnSums(scope.f32(d), rows, cols, scope.f32(out));
}

/**
 * dW_hh [G*H, H] = dGatesᵀ · hPrev, dGates transposed once so that XNNPACK packs only hPrev (its
 * packing of a new right-hand operand costs more than the transpose).
 */
function weightGradients(
  scope: WasmScope,
  dGates: tf.TensorInfo,
  hPrev: tf.TensorInfo,
  dWhh: tf.TensorInfo,
  rows: number,
  GH: number,
  H: number,
): tf.TensorInfo {
  const dGatesT = scope.output([GH, rows]); // dGatesᵀ, returned to the caller
  scope.transpose(scope.offset(dGates), scope.offset(dGatesT), rows, GH);
  scope.matMul(scope.id(dGatesT), scope.id(hPrev), scope.id(dWhh), GH, rows, H);
  return dGatesT;
}

/** tanh of every element of x as 2·sigmoid(2x) − 1, in a scratch tensor (one vectorized call). */
function bulkTanh(scope: WasmScope, x: tf.TensorInfo): tf.TensorInfo {
  const doubled = scope.scratch(x.shape);
  const out = scope.scratch(x.shape);
  const source = scope.f32(x);
  const target = scope.f32(doubled);
  for (let k = 0; k < source.length; k++) target[k] = 2 * (source[k] as number);
  scope.sigmoid(scope.id(doubled), scope.id(out));
  const values = scope.f32(out);
  for (let k = 0; k < values.length; k++) values[k] = 2 * (values[k] as number) - 1;
  return out;
}
