// The fused decoding step (contract in @recurrent/core's layers/recurrent/decode-step.ts) on the
// wasm heap: core's shared loop (decodeStepLoop) over views of tensor memory, every product one
// XNNPACK call on weights transposed once and packed once (both kept while the weights' data lives),
// every activation of a layer one call to XNNPACK's vectorized sigmoid. Scratch memory is kept
// between calls for each model shape, so a step allocates only its outputs: the logits and the new
// states. Measured for one W1 token (batch 1): XNNPACK's matrix-vector products take 2-44 µs each
// where JavaScript dot products take 10-18 times longer, and its sigmoid takes 1-2 µs for a layer's
// 1,024 gates where JavaScript takes about 5.
import {
  type DecodeLayerBuffers,
  type DecodeStepArguments,
  decodeStepArguments,
  decodeStepLoop,
  scalarSigmoid,
} from '@recurrent/core';
import type * as tf from '@tensorflow/tfjs-core';
import { transposed2d } from './transposed-weights.js';
import { type BackendWasm, packOnce, type WasmScope, withScope } from './wasm-heap.js';

/** Scratch tensors of one layer (T = 1), named as core's ForwardBuffers. */
interface LayerScratch {
  xw: tf.TensorInfo; // [B, G*H]
  hh: tf.TensorInfo;
  gatePre: tf.TensorInfo;
  gateAct: tf.TensorInfo;
  cellPre: tf.TensorInfo; // [B, H]
  cellAct: tf.TensorInfo;
  output: tf.TensorInfo;
  hPrev: tf.TensorInfo;
  cPrev: tf.TensorInfo;
  extra: tf.TensorInfo;
  gates: tf.TensorInfo; // [B, G*H]
  /** The new c of a cell without one (the loop writes zeros there). */
  cLast: tf.TensorInfo;
}

interface Workspace {
  embedded: tf.TensorInfo; // [B, E]
  layers: LayerScratch[];
}

/** Workspaces by model shape and batch, per backend: a few, the least recently used dropped. */
const workspaces = new WeakMap<BackendWasm, Map<string, Workspace>>();
const keptWorkspaces = 4;

function shapeKey(args: DecodeStepArguments): string {
  const layers = args.layers.map((l) => `${l.cell}:${l.inputSize}:${l.hiddenSize}`);
  return [args.batch, args.embeddingDim, ...layers].join('|');
}

function workspace(scope: WasmScope, args: DecodeStepArguments): Workspace {
  const backend = scope.backend;
  let byShape = workspaces.get(backend);
  if (!byShape) {
    byShape = new Map();
    workspaces.set(backend, byShape);
  }
  const key = shapeKey(args);
  const found = byShape.get(key);
  if (found) {
    byShape.delete(key); // re-inserted last: the most recently used
    byShape.set(key, found);
    return found;
  }
  const B = args.batch;
  // Made with makeOutput but never handed to tfjs: backend memory, not tensors (not counted by
  // tf.memory().numTensors), freed when the workspace is dropped.
  const make = (shape: number[]) => backend.makeOutput(shape, 'float32');
  const fresh: Workspace = {
    embedded: make([B, args.embeddingDim]),
    layers: args.layers.map((layer) => {
      const GH = layer.wih.shape[0] as number;
      const H = layer.hiddenSize;
      return {
        xw: make([B, GH]),
        hh: make([B, GH]),
        gatePre: make([B, GH]),
        gateAct: make([B, GH]),
        cellPre: make([B, H]),
        cellAct: make([B, H]),
        output: make([B, H]),
        hPrev: make([B, H]),
        cPrev: make([B, H]),
        extra: make([B, H]),
        gates: make([B, GH]),
        cLast: make([B, H]),
      };
    }),
  };
  byShape.set(key, fresh);
  if (byShape.size > keptWorkspaces) {
    const [oldest, dropped] = byShape.entries().next().value as [string, Workspace];
    byShape.delete(oldest);
    const infos = [dropped.embedded, ...dropped.layers.flatMap((l) => Object.values(l))];
    for (const info of infos) backend.disposeData(info.dataId, true);
  }
  return fresh;
}

/** Throws if the heap grew (which detaches every view) while views were in use. */
function checkHeap(scope: WasmScope, buffer: ArrayBufferLike): void {
  if (scope.wasm.HEAPF32.buffer !== buffer) {
    throw new Error('wasm DecodeStep kernel: the wasm heap grew during the step');
  }
}

export const decodeStep: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const args = decodeStepArguments(inputs, attrs);
  return withScope(backend, (scope) => {
    const B = args.batch;
    const space = workspace(scope, args);
    // XNNPACK takes the right operand as [K, N]: the weights' transposes, kept for variables.
    const wihInfos = args.layers.map((layer) => transposed2d(scope, layer.wih));
    const whhInfos = args.layers.map((layer) => transposed2d(scope, layer.whh));
    const outT = transposed2d(scope, args.outWeight);
    const wihT = wihInfos.map((info) => scope.id(info));
    const whhT = whhInfos.map((info) => scope.id(info));
    const logits = scope.output([B, args.outputSize]);
    const states = args.blocks.map((block) => {
      const shape = [block.numLayers, B, block.hiddenSize];
      return { h: scope.output(shape), c: block.c ? scope.output(shape) : undefined };
    });
    const ids = space.layers.map((l) => ({
      xw: scope.id(l.xw),
      hh: scope.id(l.hh),
      output: scope.id(l.output),
      hPrev: scope.id(l.hPrev),
      gate: [scope.id(l.gatePre), scope.id(l.gateAct)] as const,
      cell: [scope.id(l.cellPre), scope.id(l.cellAct)] as const,
    }));
    const embeddedId = scope.id(space.embedded);
    const inputId = (k: number) => (k === 0 ? embeddedId : (ids[k - 1]?.output as number));
    const topId = ids.at(-1)?.output ?? embeddedId;
    const logitsId = scope.id(logits);
    const outTId = scope.id(outT);
    const products = {
      input: (k: number) => {
        const layer = args.layers[k] as DecodeStepArguments['layers'][number];
        const GH = layer.wih.shape[0] as number;
        scope.matMul(inputId(k), wihT[k] as number, ids[k]?.xw as number, B, layer.inputSize, GH);
      },
      hidden: (k: number) => {
        const layer = args.layers[k] as DecodeStepArguments['layers'][number];
        const GH = layer.whh.shape[0] as number;
        scope.matMul(
          ids[k]?.hPrev as number,
          whhT[k] as number,
          ids[k]?.hh as number,
          B,
          layer.hiddenSize,
          GH,
        );
      },
      output: () => {
        const features = args.outWeight.shape[1] as number;
        scope.matMul(topId, outTId, logitsId, B, features, args.outputSize);
      },
    };
    // First products with new weights pack them, which allocates: done before views are taken.
    args.layers.forEach((_, k) => {
      packOnce(wihInfos[k] as tf.TensorInfo, () => products.input(k));
      packOnce(whhInfos[k] as tf.TensorInfo, () => products.hidden(k));
    });
    packOnce(outT, products.output);
    // XNNPACK's sigmoid allocates and frees its operator on every call: free room reserved now
    // means those allocations never grow the heap (which would detach the views).
    scope.reserveHeap(1 << 20);
    const buffer = scope.wasm.HEAPF32.buffer;
    const f32 = (info: tf.TensorInfo) => scope.f32(info);
    const layers: DecodeLayerBuffers[] = args.layers.map((layer, k) => {
      const s = space.layers[k] as LayerScratch;
      const block = args.blocks[layer.block] as DecodeStepArguments['blocks'][number];
      const state = states[layer.block] as (typeof states)[number];
      const H = layer.hiddenSize;
      const rows = [layer.index * B * H, (layer.index + 1) * B * H] as const;
      return {
        bih: layer.bih && f32(layer.bih),
        bhh: layer.bhh && f32(layer.bhh),
        step: {
          xw: f32(s.xw),
          bhh: layer.cell === 'gru' && layer.bhh ? f32(layer.bhh) : undefined,
          h0: f32(block.h).subarray(...rows),
          c0: block.c && f32(block.c).subarray(...rows),
          mask: undefined,
          hh: f32(s.hh),
          gatePre: f32(s.gatePre),
          gateAct: f32(s.gateAct),
          cellPre: f32(s.cellPre),
          cellAct: f32(s.cellAct),
          output: f32(s.output),
          hLast: f32(state.h).subarray(...rows),
          cLast: state.c ? f32(state.c).subarray(...rows) : f32(s.cLast),
          gates: f32(s.gates),
          extra: f32(s.extra),
          hPrev: f32(s.hPrev),
          cPrev: f32(s.cPrev),
        },
      };
    });
    decodeStepLoop(
      args,
      {
        embedding: f32(args.embedding),
        embedded: f32(space.embedded),
        layers,
        logits: f32(logits),
        outBias: args.outBias && f32(args.outBias),
      },
      {
        input: (k) => {
          products.input(k);
          checkHeap(scope, buffer);
        },
        hidden: (k) => {
          products.hidden(k);
          checkHeap(scope, buffer);
        },
        output: () => {
          products.output();
          checkHeap(scope, buffer);
        },
        sigmoid: (k) => {
          const step = (layers[k] as DecodeLayerBuffers).step;
          const layerIds = ids[k] as (typeof ids)[number];
          const javascript = scalarSigmoid(step);
          return (which, n) => {
            const [pre, act] = which === 'gate' ? layerIds.gate : layerIds.cell;
            // The whole buffer, as every cell's step asks: one XNNPACK call.
            if (n !== (which === 'gate' ? step.gatePre : step.cellPre).length) {
              return javascript(which, n);
            }
            scope.sigmoid(pre, act);
            checkHeap(scope, buffer);
          };
        },
      },
    );
    return [logits, ...states.flatMap((s) => (s.c ? [s.h, s.c] : [s.h]))];
  });
};
