// The fused decoding step: a backend may register this tfjs kernel to run one generation step of
// a language model (embedding lookup → recurrent layers → linear output layer) in one call, reading
// each weight once per token. Generation makes one step per new token, and the tfjs-ops path costs
// about 30 dispatched ops per step, which at batch 1 outweighs the arithmetic. The model stepper
// (decode/model-stepper.ts) uses the kernel when the active backend has it and the model fits
// (decode/fused-step-plan.ts), and otherwise calls model.forward on one token; both give the same
// results (the conformance suite checks it on every backend that registers the kernel).
//
// DecodeStep  inputs  embedding [V, E]                        the embedding table (torch.nn.Embedding)
//                     w_ih_<k> [G*H, I], w_hh_<k> [G*H, H]     every stacked recurrent layer k = 0, 1, …
//                     b_ih_<k>, b_hh_<k> [G*H] (with bias)     in model order (a spec layer with
//                                                              numLayers 2 gives two), PyTorch layout
//                     h_<r> [L, B, H], c_<r> [L, B, H] (LSTM)  the state of recurrent block r (one spec
//                                                              layer of L stacked layers)
//                     out_weight [V', F], out_bias [V']        the linear output layer (torch.nn.Linear)
//             attrs   tokens: Int32Array [B]                   one token id per row, each in [0, V)
//                     blocks: DecodeStepBlock[]                cell, numLayers and bias of each block
//             outputs logits [B, V'], then for each block r: h' [L, B, H], then c' [L, B, H] (LSTM)
//
// Equations and gate order are PyTorch's (cells.ts): LSTM i, f, g, o; GRU r, z, n with the reset
// gate applied to W_hn h + b_hn; RNN tanh or relu. Layer k+1 reads layer k's new h; the output
// layer reads the top layer's new h; dropout is the identity at inference.
//
// Porting note: the token ids are an attribute, not an input tensor. They come from the CPU (the
// decoder chose them), and creating and freeing a tensor for them costs about 14 µs on wasm,
// a tenth of the whole step.
import * as tf from '@tensorflow/tfjs-core';
import type { RecurrentState } from '../layer.js';
import type { FusedCellName } from './fused.js';
import { fusedGateCount } from './fused-loops.js';

export const decodeStepKernel = 'DecodeStep';

/** One recurrent spec layer as the kernel sees it. */
export interface DecodeStepBlock {
  cell: FusedCellName;
  numLayers: number;
  /** Whether each stacked layer has b_ih and b_hh. */
  bias: boolean;
}

/** Whether the active backend registered the DecodeStep kernel. */
export function decodeStepAvailable(): boolean {
  return tf.getKernel(decodeStepKernel, tf.getBackend()) !== undefined;
}

// ---- the caller's side

export interface DecodeStepLayerWeights {
  wih: tf.Tensor;
  whh: tf.Tensor;
  bih?: tf.Tensor | undefined;
  bhh?: tf.Tensor | undefined;
}

/** A model's weights in the kernel's order. */
export interface DecodeStepWeights {
  embedding: tf.Tensor;
  blocks: ReadonlyArray<DecodeStepBlock & { layers: readonly DecodeStepLayerWeights[] }>;
  outWeight: tf.Tensor;
  outBias?: tf.Tensor | undefined;
}

export interface DecodeStepResult {
  /** [B, V'] */
  logits: tf.Tensor2D;
  /** The new state of each block, in block order. */
  states: RecurrentState[];
}

/** Runs the kernel: one token per row from `states` (one per block, [L, B, H] each). */
export function runDecodeStep(
  tokens: Int32Array,
  weights: DecodeStepWeights,
  states: readonly RecurrentState[],
): DecodeStepResult {
  const inputs: Record<string, tf.Tensor> = { embedding: weights.embedding };
  let k = 0;
  weights.blocks.forEach((block, r) => {
    for (const layer of block.layers) {
      inputs[`w_ih_${k}`] = layer.wih;
      inputs[`w_hh_${k}`] = layer.whh;
      if (block.bias) {
        inputs[`b_ih_${k}`] = layer.bih as tf.Tensor;
        inputs[`b_hh_${k}`] = layer.bhh as tf.Tensor;
      }
      k++;
    }
    const state = states[r] as RecurrentState;
    inputs[`h_${r}`] = state.h;
    if (block.cell === 'lstm') inputs[`c_${r}`] = state.c as tf.Tensor;
  });
  inputs.out_weight = weights.outWeight;
  if (weights.outBias) inputs.out_bias = weights.outBias;
  const blocks: DecodeStepBlock[] = weights.blocks.map(({ cell, numLayers, bias }) => ({
    cell,
    numLayers,
    bias,
  }));
  const attrs = { tokens, blocks } as unknown as tf.NamedAttrMap;
  const [logits, ...rest] = tf
    .engine()
    .runKernel(decodeStepKernel, inputs as tf.NamedTensorMap, attrs) as tf.Tensor[];
  const out: RecurrentState[] = [];
  for (const block of weights.blocks) {
    const h = rest.shift() as tf.Tensor;
    out.push(block.cell === 'lstm' ? { h, c: rest.shift() as tf.Tensor } : { h });
  }
  return { logits: logits as tf.Tensor2D, states: out };
}

// ---- the backend's side

/** One stacked recurrent layer, with its sizes, as a kernel implementation reads it. */
export interface DecodeStepLayer {
  /** Its block and its index among the block's stacked layers. */
  block: number;
  index: number;
  cell: FusedCellName;
  inputSize: number;
  hiddenSize: number;
  wih: tf.TensorInfo;
  whh: tf.TensorInfo;
  bih: tf.TensorInfo | undefined;
  bhh: tf.TensorInfo | undefined;
}

export interface DecodeStepStateInfo {
  cell: FusedCellName;
  numLayers: number;
  hiddenSize: number;
  h: tf.TensorInfo;
  c: tf.TensorInfo | undefined;
}

/** The kernel's inputs and attributes, named, sized and checked. */
export interface DecodeStepArguments {
  tokens: Int32Array;
  /** B: rows (tokens.length). */
  batch: number;
  embedding: tf.TensorInfo;
  vocabularySize: number;
  embeddingDim: number;
  /** Every stacked layer in order: layer k+1 reads layer k's new h. */
  layers: DecodeStepLayer[];
  blocks: DecodeStepStateInfo[];
  outWeight: tf.TensorInfo;
  outBias: tf.TensorInfo | undefined;
  /** V': the output layer's units. */
  outputSize: number;
}

const cells: readonly FusedCellName[] = ['lstm', 'gru', 'rnn-tanh', 'rnn-relu'];

function fail(message: string): never {
  throw new Error(`${decodeStepKernel} kernel: ${message}`);
}

function shapeOf(info: tf.TensorInfo): string {
  return `[${info.shape.join(', ')}]`;
}

function expectShape(inputs: tf.NamedTensorInfoMap, name: string, shape: number[]): tf.TensorInfo {
  const info = inputs[name];
  if (!info) fail(`missing input "${name}" [${shape.join(', ')}]`);
  const same = info.shape.length === shape.length && info.shape.every((n, i) => n === shape[i]);
  if (info.dtype !== 'float32' || !same) {
    fail(
      `input "${name}" must be float32 [${shape.join(', ')}], got ${info.dtype} ${shapeOf(info)}`,
    );
  }
  return info;
}

/**
 * Reads the kernel's inputs and attributes (shared by every backend's implementation): sizes come
 * from the shapes, and every shape and token id is checked, so that a kernel never reads outside a
 * tensor.
 */
export function decodeStepArguments(
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap | undefined,
): DecodeStepArguments {
  const { tokens, blocks } = (attrs ?? {}) as unknown as {
    tokens?: Int32Array;
    blocks?: DecodeStepBlock[];
  };
  if (!(tokens instanceof Int32Array) || tokens.length === 0) {
    fail('attribute "tokens" must be an Int32Array of at least one token id');
  }
  if (!Array.isArray(blocks)) fail('attribute "blocks" must be an array of recurrent blocks');
  const batch = tokens.length;
  const embeddingInfo = inputs.embedding;
  if (embeddingInfo?.shape.length !== 2) {
    fail(
      `input "embedding" must be [vocabulary, dim], got ${embeddingInfo ? shapeOf(embeddingInfo) : 'none'}`,
    );
  }
  const [vocabularySize, embeddingDim] = embeddingInfo.shape as [number, number];
  const embedding = expectShape(inputs, 'embedding', [vocabularySize, embeddingDim]);
  tokens.forEach((id, row) => {
    if (!(Number.isInteger(id) && id >= 0 && id < vocabularySize)) {
      fail(`token id ${id} (row ${row}) is outside the embedding's ${vocabularySize} rows`);
    }
  });
  const layers: DecodeStepLayer[] = [];
  const states: DecodeStepStateInfo[] = [];
  let inputSize = embeddingDim;
  blocks.forEach((block, r) => {
    if (!cells.includes(block.cell)) {
      fail(`block ${r} has cell ${JSON.stringify(block.cell)}; cells are ${cells.join(', ')}`);
    }
    if (!(Number.isInteger(block.numLayers) && block.numLayers >= 1)) {
      fail(`block ${r} has numLayers ${block.numLayers}; it must be a whole number from 1`);
    }
    const h = inputs[`h_${r}`];
    if (h?.shape.length !== 3) fail(`input "h_${r}" must be [numLayers, batch, hidden]`);
    const hiddenSize = h.shape[2] as number;
    const G = fusedGateCount(block.cell);
    const stateShape = [block.numLayers, batch, hiddenSize];
    expectShape(inputs, `h_${r}`, stateShape);
    const c = block.cell === 'lstm' ? expectShape(inputs, `c_${r}`, stateShape) : undefined;
    states.push({ cell: block.cell, numLayers: block.numLayers, hiddenSize, h, c });
    for (let index = 0; index < block.numLayers; index++) {
      const k = layers.length;
      const gates = G * hiddenSize;
      layers.push({
        block: r,
        index,
        cell: block.cell,
        inputSize,
        hiddenSize,
        wih: expectShape(inputs, `w_ih_${k}`, [gates, inputSize]),
        whh: expectShape(inputs, `w_hh_${k}`, [gates, hiddenSize]),
        bih: block.bias ? expectShape(inputs, `b_ih_${k}`, [gates]) : undefined,
        bhh: block.bias ? expectShape(inputs, `b_hh_${k}`, [gates]) : undefined,
      });
      inputSize = hiddenSize;
    }
  });
  const out = inputs.out_weight;
  if (out?.shape.length !== 2) fail('input "out_weight" must be [units, features]');
  const outputSize = out.shape[0] as number;
  const outWeight = expectShape(inputs, 'out_weight', [outputSize, inputSize]);
  const outBias = inputs.out_bias ? expectShape(inputs, 'out_bias', [outputSize]) : undefined;
  return {
    tokens,
    batch,
    embedding,
    vocabularySize,
    embeddingDim,
    layers,
    blocks: states,
    outWeight,
    outBias,
    outputSize,
  };
}
