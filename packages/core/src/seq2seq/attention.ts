// The decoder's attention over the encoder's outputs (the memory): how a query (a decoder state)
// scores each source position. The part that depends only on the memory (the keys) is computed
// once per batch by `keys`; `scores` then works on Q queries per row at once, so the same code
// serves one decoder step (Q = 1) and every step of a teacher-forced batch (Q = T).
//
//   bahdanau       v·tanh(Wa q + Ua k)        keys = Ua·memory (+ its bias)
//   luong-dot      q·k                         keys = memory
//   luong-general  q·(W k + b)                 keys = W·memory + b
//   luong-concat   v·tanh(W [q; k] + b)        keys = W_k·memory + b, with W = [W_q W_k] split by columns
//
// Parameters are torch.nn.Linear modules named as in the PyTorch tutorial (decoder.attention.Wa,
// .Ua, .Va; decoder.attention.W, .v), with their biases (v has none: a constant added to every
// score changes nothing, and Luong's v has none).
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../init/random.js';
import { DenseLayer, denseOp } from '../layers/dense.js';
import type { AttentionSpec } from '../spec/types.generated.js';
import { dotScores, tanh } from './row-products.js';

export type AttentionType = AttentionSpec['type'];

export interface Attention {
  readonly type: AttentionType;
  /** Its Linear modules (their parameters are the attention's). */
  readonly layers: readonly DenseLayer[];
  /** Memory [B, S, M] -> keys [B, S, K], once per batch. */
  keys(memory: tf.Tensor3D): tf.Tensor3D;
  /** Queries [B, Q, H] against keys [B, S, K] -> scores [B, Q, S] (before the masked softmax). */
  scores(query: tf.Tensor3D, keys: tf.Tensor3D): tf.Tensor3D;
}

export interface AttentionSizes {
  /** The decoder's hidden size (the query). */
  query: number;
  /** The encoder's output size (the memory). */
  memory: number;
  /** The scoring layer of bahdanau and luong-concat (default: the query size). */
  size?: number | undefined;
}

/** A torch.nn.Linear(inFeatures, outFeatures) named `name` ("name.weight", "name.bias"). */
export function linear(
  name: string,
  inFeatures: number,
  outFeatures: number,
  random: Random,
  options: { bias?: boolean; activation?: 'linear' | 'tanh' } = {},
): DenseLayer {
  return new DenseLayer(
    name,
    {
      type: 'dense',
      units: outFeatures,
      activation: options.activation ?? 'linear',
      bias: options.bias ?? true,
      init: 'pytorch-default',
    },
    inFeatures,
    outFeatures,
    'sequence',
    random,
  );
}

/** x · Wᵀ + b over the last axis of any rank. */
export function applyLinear(layer: DenseLayer, x: tf.Tensor): tf.Tensor {
  return denseOp(x, layer.weight.variable, layer.bias?.variable, layer.spec.activation);
}

/** Builds the attention of `type` ("none" has no parameters and no scores: see noAttention). */
export function createAttention(
  type: Exclude<AttentionType, 'none'>,
  prefix: string,
  sizes: AttentionSizes,
  random: Random,
): Attention {
  switch (type) {
    case 'bahdanau':
      return bahdanau(prefix, sizes, random);
    case 'luong-dot':
      return luongDot(sizes);
    case 'luong-general':
      return luongGeneral(prefix, sizes, random);
    case 'luong-concat':
      return luongConcat(prefix, sizes, random);
  }
}

/** tanh(q' + k) scored by v: q' [B, Q, A], keys [B, S, A] -> [B, Q, S]. */
function additiveScores(queryTerm: tf.Tensor3D, keys: tf.Tensor3D, v: DenseLayer): tf.Tensor3D {
  const [B, Q, A] = queryTerm.shape;
  const S = keys.shape[1];
  const hidden = tanh(tf.add(tf.reshape(queryTerm, [B, Q, 1, A]), tf.reshape(keys, [B, 1, S, A])));
  return tf.reshape(applyLinear(v, hidden), [B, Q, S]) as tf.Tensor3D;
}

function bahdanau(prefix: string, sizes: AttentionSizes, random: Random): Attention {
  const A = sizes.size ?? sizes.query;
  const Wa = linear(`${prefix}.Wa`, sizes.query, A, random);
  const Ua = linear(`${prefix}.Ua`, sizes.memory, A, random);
  const Va = linear(`${prefix}.Va`, A, 1, random);
  return {
    type: 'bahdanau',
    layers: [Wa, Ua, Va],
    keys: (memory) => applyLinear(Ua, memory) as tf.Tensor3D,
    scores: (query, keys) => additiveScores(applyLinear(Wa, query) as tf.Tensor3D, keys, Va),
  };
}

function luongDot(sizes: AttentionSizes): Attention {
  if (sizes.memory !== sizes.query) {
    // The spec checks report this with its path; here for models built by hand.
    throw new Error(
      `luong-dot attention compares decoder states (${sizes.query}) with encoder outputs (${sizes.memory}) by dot product, so their sizes must match; use luong-general`,
    );
  }
  return { type: 'luong-dot', layers: [], keys: (memory) => memory, scores: dotScores };
}

function luongGeneral(prefix: string, sizes: AttentionSizes, random: Random): Attention {
  const W = linear(`${prefix}.W`, sizes.memory, sizes.query, random);
  return {
    type: 'luong-general',
    layers: [W],
    keys: (memory) => applyLinear(W, memory) as tf.Tensor3D,
    scores: dotScores,
  };
}

function luongConcat(prefix: string, sizes: AttentionSizes, random: Random): Attention {
  const H = sizes.query;
  const M = sizes.memory;
  const A = sizes.size ?? H;
  const W = linear(`${prefix}.W`, H + M, A, random);
  const v = linear(`${prefix}.v`, A, 1, random, { bias: false });
  // W [q; k] + b = W_q q + (W_k k + b): the key half (and the bias) once per batch.
  const columns = (from: number, count: number) =>
    tf.slice(W.weight.variable, [0, from], [A, count]) as tf.Tensor2D;
  return {
    type: 'luong-concat',
    layers: [W, v],
    keys: (memory) => denseOp(memory, columns(H, M), W.bias?.variable, 'linear') as tf.Tensor3D,
    scores: (query, keys) =>
      additiveScores(denseOp(query, columns(0, H), undefined, 'linear') as tf.Tensor3D, keys, v),
  };
}
