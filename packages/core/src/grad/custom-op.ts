// A typed wrapper of tf.customGrad: forward(inputs, save) returns the value and its gradient
// function, which receives the tensors passed to `save` (kept alive until backpropagation).
import * as tf from '@tensorflow/tfjs-core';

export type CustomForward = (
  inputs: tf.Tensor[],
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

export function customOp(forward: CustomForward): (...inputs: tf.Tensor[]) => tf.Tensor {
  const f = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    return forward(args as tf.Tensor[], save);
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    ...inputs: tf.Tensor[]
  ) => tf.Tensor;
}
