// Random token data of a workload's size (BENCHMARKS.md: random tokens, fixed seeds).
import * as tf from '@tensorflow/tfjs-core';

/** int32 ids in [0, vocab), shape `shape`. */
export function randomIds(shape: number[], vocab: number, seed: number): tf.Tensor {
  return tf.tidy(() =>
    tf.cast(tf.floor(tf.randomUniform(shape, 0, vocab, 'float32', seed)), 'int32'),
  );
}

/** Char-LM batch: inputs and their next-token targets, both [batch, steps]. */
export function nextTokenBatch(
  batch: number,
  steps: number,
  vocab: number,
  seed: number,
): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const ids = randomIds([batch, steps + 1], vocab, seed);
    return {
      x: tf.slice(ids, [0, 0], [batch, steps]) as tf.Tensor2D,
      y: tf.slice(ids, [0, 1], [batch, steps]) as tf.Tensor2D,
    };
  });
}
