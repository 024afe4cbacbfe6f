// Losses with their gradients written out (numerically stable forms, as PyTorch's).
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';

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

/**
 * torch.nn.functional.cross_entropy from logits [N, C] and int32 class ids [N], mean reduction:
 * mean(logsumexp(z) - z[target]); d/dz = (softmax(z) - onehot(target)) / N.
 */
export function crossEntropyWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  if (
    logits.rank !== 2 ||
    targets.rank !== 1 ||
    targets.shape[0] !== logits.shape[0] ||
    targets.dtype !== 'int32'
  ) {
    throw new Error(
      `cross-entropy: expected logits [N, C] and int32 targets [N], got logits [${logits.shape.join(', ')}] and ${targets.dtype} targets [${targets.shape.join(', ')}]`,
    );
  }
  const [N, C] = logits.shape as [number, number];
  return customOp(([z, y], save) => {
    const logProbs = tf.logSoftmax(z as tf.Tensor);
    // oneHot as int32 then cast: a float32 oneHot is wrong on tfjs-backend-wasm.
    const onehot = tf.cast(tf.oneHot(y as tf.Tensor1D, C), 'float32');
    save([logProbs, onehot]);
    const value = tf.div(tf.neg(tf.sum(tf.mul(logProbs, onehot))), N);
    const gradFunc = (dy: tf.Tensor, [lp, oh]: tf.Tensor[]) => [
      tf.mul(tf.sub(tf.exp(lp as tf.Tensor), oh as tf.Tensor), tf.div(dy, N)),
      tf.zerosLike(y as tf.Tensor),
    ];
    return { value, gradFunc };
  })(logits, targets) as tf.Scalar;
}
