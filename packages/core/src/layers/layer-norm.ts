// Layer normalization over the last axis, as torch.nn.LayerNorm (weight = 1, bias = 0 at start).
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';
import type { Random } from '../init/random.js';
import type { FlowKind, ForwardContext, Layer, Parameter } from './layer.js';
import { createParameter } from './params.js';

export class LayerNormLayer implements Layer {
  readonly type = 'layer-norm';
  readonly parameters: Parameter[];
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(
    readonly name: string,
    readonly eps: number,
    readonly inputKind: FlowKind,
    readonly outputSize: number,
    random: Random,
  ) {
    const ones = () => new Float32Array(outputSize).fill(1);
    this.weight = createParameter(name, 'weight', [outputSize], 'ones', random, ones);
    this.bias = createParameter(name, 'bias', [outputSize], 'zeros', random, ones);
    this.parameters = [this.weight, this.bias];
  }

  get outputKind(): FlowKind {
    return this.inputKind;
  }

  forward(input: tf.Tensor, _context: ForwardContext): tf.Tensor {
    const F = this.outputSize;
    if (input.shape[input.rank - 1] !== F) {
      throw new Error(
        `layer "${this.name}" (layer-norm) expects [..., ${F}], got [${input.shape.join(', ')}]`,
      );
    }
    const eps = this.eps;
    return customOp(([x, gamma, beta], save) => {
      const x2 = tf.reshape(x as tf.Tensor, [-1, F]);
      const { mean, variance } = tf.moments(x2, 1, true);
      const rstd = tf.rsqrt(tf.add(variance, eps));
      const xhat = tf.mul(tf.sub(x2, mean), rstd);
      save([xhat, rstd]);
      const value = tf.reshape(
        tf.add(tf.mul(xhat, gamma as tf.Tensor), beta as tf.Tensor),
        (x as tf.Tensor).shape,
      );
      const gradFunc = (dy: tf.Tensor, [sXhat, sRstd]: tf.Tensor[]) => {
        const dy2 = tf.reshape(dy, [-1, F]);
        const xh = sXhat as tf.Tensor;
        const dxhat = tf.mul(dy2, gamma as tf.Tensor);
        const meanD = tf.mean(dxhat, 1, true);
        const meanDX = tf.mean(tf.mul(dxhat, xh), 1, true);
        const dx = tf.mul(sRstd as tf.Tensor, tf.sub(tf.sub(dxhat, meanD), tf.mul(xh, meanDX)));
        return [tf.reshape(dx, (x as tf.Tensor).shape), tf.sum(tf.mul(dy2, xh), 0), tf.sum(dy2, 0)];
      };
      return { value, gradFunc };
    })(input, this.weight.variable, this.bias.variable);
  }
}
