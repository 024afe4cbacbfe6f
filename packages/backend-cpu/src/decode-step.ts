// The fused decoding step (contract in @recurrent/core's layers/recurrent/decode-step.ts) for
// tfjs-backend-cpu: core's shared loop (decodeStepLoop) on Float32Arrays, with every product a
// JavaScript dot product over the weights as PyTorch lays them out ([out, in], rows contiguous: no
// transpose to cache) and a polynomial sigmoid.
import {
  type DecodeLayerBuffers,
  type DecodeStepArguments,
  decodeStepArguments,
  decodeStepKernel,
  decodeStepLoop,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { sigmoidInto } from './fast-sigmoid.js';
import { rowDots } from './gemm.js';

interface CpuBackend {
  data: { get(dataId: unknown): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

function reader(backend: CpuBackend) {
  return (info: tf.TensorInfo): Float32Array => {
    const values = backend.data.get(info.dataId).values;
    return values instanceof Float32Array ? values : Float32Array.from(values);
  };
}

/** Each layer's buffers for one step, its new state written into `states`. */
function layerBuffers(
  args: DecodeStepArguments,
  read: (info: tf.TensorInfo) => Float32Array,
  states: Array<{ h: Float32Array; c: Float32Array | undefined }>,
): DecodeLayerBuffers[] {
  const B = args.batch;
  return args.layers.map((layer) => {
    const H = layer.hiddenSize;
    const GH = layer.wih.shape[0] as number;
    const block = args.blocks[layer.block] as DecodeStepArguments['blocks'][number];
    const state = states[layer.block] as (typeof states)[number];
    const rows = [layer.index * B * H, (layer.index + 1) * B * H] as const;
    const scratch = (size: number) => new Float32Array(size);
    return {
      bih: layer.bih && read(layer.bih),
      bhh: layer.bhh && read(layer.bhh),
      step: {
        xw: scratch(B * GH),
        bhh: layer.cell === 'gru' && layer.bhh ? read(layer.bhh) : undefined,
        h0: read(block.h).subarray(...rows),
        c0: block.c && read(block.c).subarray(...rows),
        mask: undefined,
        hh: scratch(B * GH),
        gatePre: scratch(B * GH),
        gateAct: scratch(B * GH),
        cellPre: scratch(B * H),
        cellAct: scratch(B * H),
        output: scratch(B * H),
        hLast: state.h.subarray(...rows),
        cLast: state.c ? state.c.subarray(...rows) : scratch(B * H),
        gates: scratch(B * GH),
        extra: scratch(B * H),
        hPrev: scratch(B * H),
        cPrev: scratch(B * H),
      },
    };
  });
}

const decodeStep: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as unknown as CpuBackend;
  const read = reader(backend);
  const args = decodeStepArguments(inputs, attrs);
  const B = args.batch;
  const states = args.blocks.map((block) => {
    const size = block.numLayers * B * block.hiddenSize;
    return { h: new Float32Array(size), c: block.c ? new Float32Array(size) : undefined };
  });
  const layers = layerBuffers(args, read, states);
  const embedded = new Float32Array(B * args.embeddingDim);
  const logits = new Float32Array(B * args.outputSize);
  const top = () => layers.at(-1)?.step.output ?? embedded;
  decodeStepLoop(
    args,
    {
      embedding: read(args.embedding),
      embedded,
      layers,
      logits,
      outBias: args.outBias && read(args.outBias),
    },
    {
      input(k) {
        const layer = args.layers[k] as DecodeStepArguments['layers'][number];
        const x = k === 0 ? embedded : (layers[k - 1] as DecodeLayerBuffers).step.output;
        const { step } = layers[k] as DecodeLayerBuffers;
        rowDots(x, B, layer.inputSize, read(layer.wih), step.xw, step.xw.length / B);
      },
      hidden(k) {
        const layer = args.layers[k] as DecodeStepArguments['layers'][number];
        const { step } = layers[k] as DecodeLayerBuffers;
        rowDots(step.hPrev, B, layer.hiddenSize, read(layer.whh), step.hh, step.hh.length / B);
      },
      output() {
        const features = args.outWeight.shape[1] as number;
        rowDots(top(), B, features, read(args.outWeight), logits, args.outputSize);
      },
      sigmoid(k) {
        const { step } = layers[k] as DecodeLayerBuffers;
        return (which, n) =>
          which === 'gate'
            ? sigmoidInto(step.gatePre, step.gateAct, n)
            : sigmoidInto(step.cellPre, step.cellAct, n);
      },
    },
  );
  const make = (shape: number[], values: Float32Array) =>
    backend.makeTensorInfo(shape, 'float32', values);
  const outputs = [make([B, args.outputSize], logits)];
  args.blocks.forEach((block, r) => {
    const state = states[r] as (typeof states)[number];
    const shape = [block.numLayers, B, block.hiddenSize];
    outputs.push(make(shape, state.h));
    if (state.c) outputs.push(make(shape, state.c));
  });
  return outputs;
};

export function registerDecodeStep(): void {
  tf.registerKernel({ kernelName: decodeStepKernel, backendName: 'cpu', kernelFunc: decodeStep });
}
