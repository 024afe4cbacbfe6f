// Inverted dropout (torch.nn.Dropout): in training each value is zeroed with probability `rate` and
// the rest scaled by 1/(1 - rate); at inference it is the identity. Masks come from the seeded
// generator, so a run is reproducible.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';
import type { FlowKind, ForwardContext, Layer } from './layer.js';

export class DropoutLayer implements Layer {
  readonly type = 'dropout';
  readonly parameters = [];

  constructor(
    readonly name: string,
    readonly rate: number,
    readonly inputKind: FlowKind,
    readonly outputSize: number,
  ) {}

  get outputKind(): FlowKind {
    return this.inputKind;
  }

  forward(input: tf.Tensor, context: ForwardContext): tf.Tensor {
    if (!context.training || this.rate === 0) return input;
    const data = new Float32Array(input.size);
    const keep = 1 / (1 - this.rate);
    for (let i = 0; i < data.length; i++) data[i] = context.random.next() < this.rate ? 0 : keep;
    const mask = tf.tensor(data, input.shape);
    return customOp(([x, m], save) => {
      save([m as tf.Tensor]);
      return {
        value: tf.mul(x as tf.Tensor, m as tf.Tensor),
        gradFunc: (dy, [sm]) => [tf.mul(dy, sm as tf.Tensor), tf.zerosLike(dy)],
      };
    })(input, mask);
  }
}
