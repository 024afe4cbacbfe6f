// The fused decoding step (contract in @recurrent/core's layers/recurrent/decode-step.ts) on the
// wasm heap: core's shared loop (decodeStepLoop) over views of tensor memory, every product one
// XNNPACK call on weights transposed once and packed once (both kept while the weights' data lives),
// every activation of a layer one call to XNNPACK's vectorized sigmoid, and for a small vocabulary
// the first layer's input projection looked up in a table (input-table.ts). Scratch memory and its
// views are kept between calls for each model shape, so a step allocates only its outputs: the
// logits and the new states. Measured for one W1 token (batch 1): XNNPACK's matrix-vector products
// take 2-40 µs each where JavaScript dot products take 10-18 times longer, and its sigmoid takes
// 1-2 µs for a layer's 1,024 gates where JavaScript takes about 5.
import {
  type DecodeLayerBuffers,
  type DecodeStepArguments,
  type DecodeStepBuffers,
  type DecodeStepProducts,
  decodeStepArguments,
  decodeStepLoop,
  scalarSigmoid,
} from '@recurrent/core';
import type * as tf from '@tensorflow/tfjs-core';
import { type ForwardPointers, gateForwardLoop } from './gates/loops.js';
import { inputTable, tableFits } from './input-table.js';
import { transposed2d } from './transposed-weights.js';
import { type BackendWasm, packOnce, type WasmScope, withScope } from './wasm-heap.js';

/** Scratch buffers of one layer (T = 1), named as core's ForwardBuffers. */
const scratchNames = [
  'xw', // [B, G*H]
  'hh',
  'gatePre',
  'gateAct',
  'gates',
  'cellPre', // [B, H]
  'cellAct',
  'output',
  'hPrev',
  'cPrev',
  'extra',
  'cLast', // the new c of a cell without one (the loop writes zeros there)
] as const;
type ScratchName = (typeof scratchNames)[number];
const gateSized = new Set<ScratchName>(['xw', 'hh', 'gatePre', 'gateAct', 'gates']);

interface LayerScratch {
  infos: Record<ScratchName, tf.TensorInfo>;
  ids: Record<ScratchName, number>;
}

/** Scratch memory of one model shape and batch, with views kept until the heap grows. */
interface Workspace {
  embedded: tf.TensorInfo; // [B, E]
  layers: LayerScratch[];
  views?: {
    buffer: ArrayBufferLike;
    embedded: Float32Array;
    layers: Array<Record<ScratchName, Float32Array>>;
  };
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
      const entries = scratchNames.map((name) => {
        const info = make([B, gateSized.has(name) ? GH : layer.hiddenSize]);
        return [name, info] as const;
      });
      const infos = Object.fromEntries(entries) as Record<ScratchName, tf.TensorInfo>;
      const ids = Object.fromEntries(entries.map(([name, info]) => [name, scope.id(info)]));
      return { infos, ids: ids as Record<ScratchName, number> };
    }),
  };
  byShape.set(key, fresh);
  if (byShape.size > keptWorkspaces) {
    const [oldest, dropped] = byShape.entries().next().value as [string, Workspace];
    byShape.delete(oldest);
    const infos = [dropped.embedded, ...dropped.layers.flatMap((l) => Object.values(l.infos))];
    for (const info of infos) backend.disposeData(info.dataId, true);
  }
  return fresh;
}

/** The workspace's views, made again when the heap has grown since. */
function workspaceViews(scope: WasmScope, space: Workspace): NonNullable<Workspace['views']> {
  const buffer = scope.wasm.HEAPF32.buffer;
  if (space.views?.buffer !== buffer) {
    space.views = {
      buffer,
      embedded: scope.f32(space.embedded),
      layers: space.layers.map(
        (l) =>
          Object.fromEntries(
            scratchNames.map((name) => [name, scope.f32(l.infos[name])]),
          ) as Record<ScratchName, Float32Array>,
      ),
    };
  }
  return space.views;
}

/** Throws if the heap grew (which detaches every view) while views were in use. */
function checkHeap(scope: WasmScope, buffer: ArrayBufferLike): void {
  if (scope.wasm.HEAPF32.buffer !== buffer) {
    throw new Error('wasm DecodeStep kernel: the wasm heap grew during the step');
  }
}

type Layer = DecodeStepArguments['layers'][number];

export const decodeStep: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const args = decodeStepArguments(inputs, attrs);
  return withScope(backend, (scope) => {
    const B = args.batch;
    const space = workspace(scope, args);
    // XNNPACK takes the right operand as [K, N]: the weights' transposes, kept for variables.
    const wihT = args.layers.map((layer) => transposed2d(scope, layer.wih));
    const whhT = args.layers.map((layer) => transposed2d(scope, layer.whh));
    const outT = transposed2d(scope, args.outWeight);
    const first = args.layers[0];
    const table =
      first && tableFits(args.vocabularySize, args.embeddingDim)
        ? inputTable(scope, {
            embedding: args.embedding,
            wih: first.wih,
            wihT: wihT[0] as tf.TensorInfo,
            bih: first.bih,
            bhh: first.cell === 'gru' ? undefined : first.bhh,
          })
        : undefined;
    const logits = scope.output([B, args.outputSize]);
    const states = args.blocks.map((block) => {
      const shape = [block.numLayers, B, block.hiddenSize];
      return { h: scope.output(shape), c: block.c ? scope.output(shape) : undefined };
    });
    const ids = space.layers.map((l) => l.ids);
    const embeddedId = scope.id(space.embedded);
    const topId = ids.at(-1)?.output ?? embeddedId;
    const logitsId = scope.id(logits);
    const outTId = scope.id(outT);
    const product = {
      input: (k: number) => {
        const layer = args.layers[k] as Layer;
        const input = k === 0 ? embeddedId : (ids[k - 1]?.output as number);
        const GH = layer.wih.shape[0] as number;
        const out = ids[k]?.xw as number;
        scope.matMul(input, scope.id(wihT[k] as tf.TensorInfo), out, B, layer.inputSize, GH);
      },
      hidden: (k: number) => {
        const layer = args.layers[k] as Layer;
        const GH = layer.whh.shape[0] as number;
        const { hPrev, hh } = ids[k] as Record<ScratchName, number>;
        scope.matMul(hPrev, scope.id(whhT[k] as tf.TensorInfo), hh, B, layer.hiddenSize, GH);
      },
      output: () => {
        const features = args.outWeight.shape[1] as number;
        scope.matMul(topId, outTId, logitsId, B, features, args.outputSize);
      },
    };
    // First products with new weights pack them, which allocates: done before views are taken.
    args.layers.forEach((_, k) => {
      if (!(k === 0 && table)) packOnce(wihT[k] as tf.TensorInfo, () => product.input(k));
      packOnce(whhT[k] as tf.TensorInfo, () => product.hidden(k));
    });
    packOnce(outT, product.output);
    // XNNPACK's sigmoid allocates and frees its operator on every call: free room reserved now
    // means those allocations never grow the heap (which would detach the views).
    scope.reserveHeap(1 << 20);
    const views = workspaceViews(scope, space);
    const buffer = views.buffer;
    const f32 = (info: tf.TensorInfo) => scope.f32(info);
    const tableRows = table && f32(table);
    const layers: DecodeLayerBuffers[] = args.layers.map((layer, k) => {
      const own = views.layers[k] as Record<ScratchName, Float32Array>;
      const block = args.blocks[layer.block] as DecodeStepArguments['blocks'][number];
      const state = states[layer.block] as (typeof states)[number];
      const rows = [layer.index * B * layer.hiddenSize, (layer.index + 1) * B * layer.hiddenSize];
      const folded = k === 0 && tableRows !== undefined; // the table holds the biases
      // One object literal with every field in ForwardBuffers' order: the time loop's property
      // reads stay monomorphic (a spread of a record was measured at 10% of a step).
      return {
        bih: folded ? undefined : layer.bih && f32(layer.bih),
        bhh: folded ? undefined : layer.bhh && f32(layer.bhh),
        step: {
          xw: own.xw,
          bhh: layer.cell === 'gru' && layer.bhh ? f32(layer.bhh) : undefined,
          h0: f32(block.h).subarray(rows[0], rows[1]),
          c0: block.c && f32(block.c).subarray(rows[0], rows[1]),
          mask: undefined,
          hh: own.hh,
          gatePre: own.gatePre,
          gateAct: own.gateAct,
          cellPre: own.cellPre,
          cellAct: own.cellAct,
          output: own.output,
          hLast: f32(state.h).subarray(rows[0], rows[1]),
          cLast: state.c ? f32(state.c).subarray(rows[0], rows[1]) : own.cLast,
          gates: own.gates,
          extra: own.extra,
          hPrev: own.hPrev,
          cPrev: own.cPrev,
        },
      };
    });
    const buffers: DecodeStepBuffers = {
      embedding: f32(args.embedding),
      embedded: views.embedded,
      layers,
      logits: f32(logits),
      outBias: args.outBias && f32(args.outBias),
    };
    const kernels = scope.gates;
    const at = (info: tf.TensorInfo) => scope.offset(info);
    const pointers = (k: number): ForwardPointers => {
      const layer = args.layers[k] as Layer;
      const own = (space.layers[k] as LayerScratch).infos;
      const block = args.blocks[layer.block] as DecodeStepArguments['blocks'][number];
      const state = states[layer.block] as (typeof states)[number];
      const row = 4 * layer.index * B * layer.hiddenSize; // the layer's rows of its block's state
      return {
        xw: at(own.xw),
        bhh: layer.cell === 'gru' && layer.bhh ? at(layer.bhh) : 0,
        h0: at(block.h) + row,
        c0: block.c ? at(block.c) + row : 0,
        mask: 0,
        hh: at(own.hh),
        output: at(own.output),
        hLast: at(state.h) + row,
        cLast: state.c ? at(state.c) + row : at(own.cLast),
        gates: at(own.gates),
        extra: at(own.extra),
        hPrev: at(own.hPrev),
        cPrev: at(own.cPrev),
      };
    };
    const loop = kernels
      ? (step: DecodeStepProducts) =>
          decodeWithGates(args, buffers, step, (k, hidden) => {
            const layer = args.layers[k] as Layer;
            const shape = { cell: layer.cell, T: 1, B, H: layer.hiddenSize, reverse: false };
            gateForwardLoop(kernels, scope.wasm.HEAPF32, shape, pointers(k), hidden);
          })
      : (step: DecodeStepProducts) => decodeStepLoop(args, buffers, step);
    loop({
      input: (k) => {
        if (k === 0 && tableRows) {
          const xw = (views.layers[0] as Record<ScratchName, Float32Array>).xw;
          const GH = xw.length / B;
          args.tokens.forEach((id, b) => {
            xw.set(tableRows.subarray(id * GH, (id + 1) * GH), b * GH);
          });
          return;
        }
        product.input(k);
        checkHeap(scope, buffer);
      },
      hidden: (k) => {
        product.hidden(k);
        checkHeap(scope, buffer);
      },
      output: () => {
        product.output();
        checkHeap(scope, buffer);
      },
      sigmoid: (k) => {
        const step = (layers[k] as DecodeLayerBuffers).step;
        const own = ids[k] as Record<ScratchName, number>;
        const javascript = scalarSigmoid(step);
        return (which, n) => {
          const [pre, act] =
            which === 'gate' ? [own.gatePre, own.gateAct] : [own.cellPre, own.cellAct];
          // Every cell's step asks for its whole buffer: one XNNPACK call.
          if (n !== (which === 'gate' ? step.gatePre : step.cellPre).length) {
            return javascript(which, n);
          }
          scope.sigmoid(pre, act);
          checkHeap(scope, buffer);
        };
      },
    });
    return [logits, ...states.flatMap((s) => (s.c ? [s.h, s.c] : [s.h]))];
  });
};

/**
 * core's decodeStepLoop (decode-step-loop.ts) with each layer's cell step run by `cellStep(k,
 * hidden)` (our gates module, by heap offsets) instead of core's JavaScript loop: the same order of
 * products, biases and state updates.
 */
function decodeWithGates(
  args: DecodeStepArguments,
  buffers: DecodeStepBuffers,
  products: DecodeStepProducts,
  cellStep: (k: number, hidden: () => void) => void,
): void {
  const { batch: B, embeddingDim: E, tokens } = args;
  for (let b = 0; b < B; b++) {
    const row = (tokens[b] as number) * E;
    buffers.embedded.set(buffers.embedding.subarray(row, row + E), b * E);
  }
  args.layers.forEach((layer, k) => {
    const { step, bih, bhh } = buffers.layers[k] as DecodeLayerBuffers;
    products.input(k);
    // bias_hh goes into the input projection except for the GRU (the step adds it there).
    if (bih) addRows(step.xw, B, bih, layer.cell === 'gru' ? undefined : bhh);
    cellStep(k, () => products.hidden(k));
  });
  products.output();
  if (buffers.outBias) addRows(buffers.logits, B, buffers.outBias, undefined);
}

/** x[b, :] += a (+ c) for every row b of x [rows, a.length]. */
function addRows(x: Float32Array, rows: number, a: Float32Array, c: Float32Array | undefined) {
  const n = a.length;
  for (let b = 0; b < rows; b++) {
    const base = b * n;
    for (let j = 0; j < n; j++) {
      x[base + j] = (x[base + j] as number) + (a[j] as number) + (c ? (c[j] as number) : 0);
    }
  }
}
