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
