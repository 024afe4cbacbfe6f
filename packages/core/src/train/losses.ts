// Losses with their gradients written out (numerically stable forms, as PyTorch's).
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';
import {
  fusedCrossEntropyAvailable,
  softmaxCrossEntropyGradKernel,
  softmaxCrossEntropyKernel,
} from './softmax-cross-entropy.js';

/**
 * torch.nn.functional.binary_cross_entropy_with_logits, mean reduction:
 * mean(max(z, 0) - z * y + log(1 + exp(-|z|))); d/dz = (sigmoid(z) - y) / N.
 */
export function binaryCrossEntropyWithLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (logits.shape.join() !== labels.shape.join()) {
    throw new Error(
      `binary cross-entropy: logits [${logits.shape.join(', ')}] and labels [${labels.shape.join(', ')}] differ in shape`,
    );
  }
  return customOp(([z, y], save) => {
    save([z as tf.Tensor, y as tf.Tensor]);
    const zt = z as tf.Tensor;
    const yt = y as tf.Tensor;
    const perItem = tf.add(
      tf.sub(tf.relu(zt), tf.mul(zt, yt)),
      tf.log1p(tf.exp(tf.neg(tf.abs(zt)))),
    );
    const gradFunc = (dy: tf.Tensor, [sz, sy]: tf.Tensor[]) => {
      const scale = tf.div(dy, (sz as tf.Tensor).size);
      return [
        tf.mul(tf.sub(tf.sigmoid(sz as tf.Tensor), sy as tf.Tensor), scale),
        tf.zerosLike(sy as tf.Tensor),
      ];
    };
    return { value: tf.mean(perItem), gradFunc };
  })(logits, labels) as tf.Scalar;
}

export type Reduction = 'mean' | 'sum' | 'none';

export interface CrossEntropyOptions {
  reduction?: Reduction;
  /** Rows whose target is this id count for nothing (PyTorch's ignore_index; default -100). */
  ignoreIndex?: number;
  /** PyTorch's label_smoothing: the target is (1 - ε) · onehot + ε / C. */
  labelSmoothing?: number;
  /**
   * Which rows count ([N], 1 or 0; e.g. real steps of padded sequences): a row with 0 counts as
   * if its target were ignoreIndex.
   */
  mask?: tf.Tensor;
}

function checkClassInputs(
  loss: 'cross-entropy' | 'nll',
  scores: tf.Tensor,
  targets: tf.Tensor,
): [number, number] {
  const input = loss === 'cross-entropy' ? 'logits' : 'log-probabilities';
  if (
    scores.rank !== 2 ||
    targets.rank !== 1 ||
    targets.shape[0] !== scores.shape[0] ||
    targets.dtype !== 'int32'
  ) {
    throw new Error(
      `${loss}: expected ${input} [N, C] and int32 targets [N], got ${input} [${scores.shape.join(', ')}] and ${targets.dtype} targets [${targets.shape.join(', ')}]`,
    );
  }
  return scores.shape as [number, number];
}

/**
 * Reduces per-item losses [N] and gives the factor each item's gradient is scaled by: 1/count for
 * "mean" (count: items that are not ignored; 0 of them gives NaN, as PyTorch), dy itself otherwise.
 */
function reduce(perItem: tf.Tensor, count: tf.Tensor, reduction: Reduction) {
  if (reduction === 'none') return perItem;
  const sum = tf.sum(perItem);
  return reduction === 'sum' ? sum : tf.div(sum, count);
}

function gradientScale(dy: tf.Tensor, count: tf.Tensor, reduction: Reduction, rank: number) {
  if (reduction === 'none') return rank === 2 ? tf.expandDims(dy, 1) : dy;
  return reduction === 'sum' ? dy : tf.div(dy, count);
}

/**
 * Class losses with PyTorch's semantics: cross-entropy from logits (log-softmax inside) or NLL from
 * log-probabilities, with ignore_index, label smoothing (cross-entropy only) and reduction. The
 * gradient is written out: w · (softmax − q) for cross-entropy, −w · onehot for NLL.
 */
function classLoss(
  kind: 'cross-entropy' | 'nll',
  scores: tf.Tensor,
  targets: tf.Tensor,
  options: CrossEntropyOptions,
): tf.Tensor {
  const [N, C] = checkClassInputs(kind, scores, targets);
  if (options.mask && (options.mask.rank !== 1 || options.mask.shape[0] !== N)) {
    throw new Error(
      `${kind}: mask [${options.mask.shape.join(', ')}] must be [${N}], one entry per row`,
    );
  }
  const reduction = options.reduction ?? 'mean';
  const smoothing = kind === 'cross-entropy' ? (options.labelSmoothing ?? 0) : 0;
  const ignoreIndex = options.ignoreIndex ?? -100;
  return customOp(([z, y], save) => {
    const notIgnored = tf.cast(tf.notEqual(y as tf.Tensor, ignoreIndex), 'float32'); // [N]
    const keep = options.mask ? tf.mul(notIgnored, tf.cast(options.mask, 'float32')) : notIgnored;
    const count = tf.sum(keep);
    const zt = z as tf.Tensor;
    if (
      kind === 'cross-entropy' &&
      smoothing === 0 &&
      zt.dtype === 'float32' &&
      fusedCrossEntropyAvailable()
    ) {
      // The backend's two kernels (softmax-cross-entropy.ts): one pass each way over [N, C].
      const [probs, perRow] = tf
        .engine()
        .runKernel(softmaxCrossEntropyKernel, { logits: zt, targets: y as tf.Tensor, keep }) as [
        tf.Tensor,
        tf.Tensor,
      ];
      save([probs as tf.Tensor, keep, count]);
      const gradFunc = (dy: tf.Tensor, [p, k, n]: tf.Tensor[]) => {
        const scale = reduction === 'mean' ? tf.div(dy, n as tf.Tensor) : dy;
        const rowScale = tf.mul(k as tf.Tensor, scale);
        const grad = tf.engine().runKernel(softmaxCrossEntropyGradKernel, {
          probs: p as tf.Tensor,
          targets: y as tf.Tensor,
          rowScale,
        }) as tf.Tensor;
        return [grad, tf.zerosLike(y as tf.Tensor)];
      };
      return { value: reduce(perRow as tf.Tensor, count, reduction), gradFunc };
    }
    // oneHot as int32 then cast: a float32 oneHot is wrong on tfjs-backend-wasm; an ignored id
    // (outside [0, C)) gives a zero row.
    const onehot = tf.cast(tf.oneHot(y as tf.Tensor1D, C), 'float32');
    const q = tf.mul(
      smoothing > 0 ? tf.add(tf.mul(onehot, 1 - smoothing), smoothing / C) : onehot,
      tf.expandDims(keep, 1),
    );
    if (kind === 'nll') {
      save([q, count]);
      const perItem = tf.neg(tf.sum(tf.mul(q, zt), 1));
      const gradFunc = (dy: tf.Tensor, [qs, n]: tf.Tensor[]) => {
        const scale = gradientScale(dy, n as tf.Tensor, reduction, 2);
        return [tf.mul(tf.neg(qs as tf.Tensor), scale), tf.zerosLike(y as tf.Tensor)];
      };
      return { value: reduce(perItem, count, reduction), gradFunc };
    }
    // −Σ q log softmax(z) = Σ q (lse − z), with lse = max z − log max softmax(z) (the softmax is
    // 1 / Σ exp(z − max z) at the maximum). Porting note: PyTorch computes log_softmax; here the
    // softmax kernel serves both the value and the gradient, since an element-wise exp or log over
    // [N, C] costs several times a softmax on tfjs-backend-wasm (scalar exp against XNNPACK's).
    const probs = tf.softmax(zt);
    const lse = tf.sub(tf.max(zt, 1), tf.log(tf.max(probs, 1))); // [N]
    const perItem = tf.sub(tf.mul(lse, tf.sum(q, 1)), tf.sum(tf.mul(q, zt), 1));
    save([probs, q, count]);
    const gradFunc = (dy: tf.Tensor, [p, qs, n]: tf.Tensor[]) => {
      const scale = gradientScale(dy, n as tf.Tensor, reduction, 2);
      // softmax · Σq − q: rows sum q to 1 when kept and to 0 when ignored
      const direction = tf.sub(
        tf.mul(p as tf.Tensor, tf.sum(qs as tf.Tensor, 1, true)),
        qs as tf.Tensor,
      );
      return [tf.mul(direction, scale), tf.zerosLike(y as tf.Tensor)];
    };
    return { value: reduce(perItem, count, reduction), gradFunc };
  })(scores, targets);
}

/** torch.nn.functional.cross_entropy from logits [N, C] and int32 class ids [N]. */
export function crossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  options: CrossEntropyOptions = {},
): tf.Tensor {
  return classLoss('cross-entropy', logits, targets, options);
}

/** torch.nn.functional.nll_loss from log-probabilities [N, C] and int32 class ids [N]. */
export function nllLoss(
  logProbs: tf.Tensor,
  targets: tf.Tensor,
  options: Omit<CrossEntropyOptions, 'labelSmoothing'> = {},
): tf.Tensor {
  return classLoss('nll', logProbs, targets, options);
}

/** Mean cross-entropy from logits [N, C] and int32 targets [N] (PyTorch's defaults). */
export function crossEntropyWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return crossEntropy(logits, targets) as tf.Scalar;
}

export interface RegressionLossOptions {
  reduction?: Reduction;
  /** Huber: where the loss turns from quadratic to linear (PyTorch's delta, default 1). */
  delta?: number;
}

/**
 * Element-wise regression losses with PyTorch's semantics and written-out gradients:
 * mse (x − y)², mae |x − y|, huber 0.5 d² when |d| < δ else δ (|d| − δ/2).
 */
function regressionLoss(
  kind: 'mse' | 'mae' | 'huber',
  predictions: tf.Tensor,
  targets: tf.Tensor,
  options: RegressionLossOptions,
): tf.Tensor {
  if (predictions.shape.join() !== targets.shape.join()) {
    throw new Error(
      `${kind} loss: predictions [${predictions.shape.join(', ')}] and targets [${targets.shape.join(', ')}] differ in shape`,
    );
  }
  const reduction = options.reduction ?? 'mean';
  const delta = options.delta ?? 1;
  return customOp(([x, y], save) => {
    const d = tf.sub(x as tf.Tensor, y as tf.Tensor);
    save([d]);
    let perItem: tf.Tensor;
    if (kind === 'mse') perItem = tf.square(d);
    else if (kind === 'mae') perItem = tf.abs(d);
    else {
      const a = tf.abs(d);
      perItem = tf.where(
        tf.less(a, delta),
        tf.mul(tf.square(d), 0.5),
        tf.mul(tf.sub(a, delta / 2), delta),
      );
    }
    const count = tf.scalar(d.size);
    const gradFunc = (dy: tf.Tensor, [diff]: tf.Tensor[]) => {
      const dd = diff as tf.Tensor;
      const slope =
        kind === 'mse'
          ? tf.mul(dd, 2)
          : kind === 'mae'
            ? tf.sign(dd)
            : tf.clipByValue(dd, -delta, delta);
      const scale = reduction === 'mean' ? tf.div(dy, dd.size) : dy;
      return [tf.mul(slope, scale), tf.zerosLike(y as tf.Tensor)];
    };
    const value =
      reduction === 'none'
        ? perItem
        : reduction === 'sum'
          ? tf.sum(perItem)
          : tf.div(tf.sum(perItem), count);
    return { value, gradFunc };
  })(predictions, targets);
}

export function mseLoss(
  predictions: tf.Tensor,
  targets: tf.Tensor,
  options: RegressionLossOptions = {},
) {
  return regressionLoss('mse', predictions, targets, options);
}

export function maeLoss(
  predictions: tf.Tensor,
  targets: tf.Tensor,
  options: RegressionLossOptions = {},
) {
  return regressionLoss('mae', predictions, targets, options);
}

export function huberLoss(
  predictions: tf.Tensor,
  targets: tf.Tensor,
  options: RegressionLossOptions = {},
) {
  return regressionLoss('huber', predictions, targets, options);
}
