// Fully connected layer, as torch.nn.Linear (weight [out, in], bias [out]) plus an activation,
// over a vector [B, F] or every step of a sequence [B, T, F]. One custom op with its backward.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';
import { uniformValues } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import type { DenseLayerSpec } from '../spec/types.generated.js';
import type { FlowKind, ForwardContext, Layer, Parameter } from './layer.js';
import { createParameter } from './params.js';

type Activation = DenseLayerSpec['activation'];

export class DenseLayer implements Layer {
  readonly type = 'dense';
  readonly outputSize: number;
  readonly parameters: Parameter[];
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;

  constructor(
    readonly name: string,
    readonly spec: DenseLayerSpec,
    readonly inputSize: number,
    units: number,
    readonly inputKind: FlowKind,
    random: Random,
  ) {
    this.outputSize = units;
    // PyTorch's nn.Linear: kaiming_uniform(a=sqrt(5)) for the weight = U(-1/sqrt(in), 1/sqrt(in)), same bound for the bias.
    const bound = 1 / Math.sqrt(inputSize);
    this.weight = createParameter(name, 'weight', [units, inputSize], spec.init, random, () =>
      uniformValues([units, inputSize], bound, random),
    );
    this.bias = spec.bias
      ? createParameter(name, 'bias', [units], 'pytorch-default', random, () =>
          uniformValues([units], bound, random),
        )
      : undefined;
    this.parameters = this.bias ? [this.weight, this.bias] : [this.weight];
  }

  get outputKind(): FlowKind {
    return this.inputKind;
  }

  forward(input: tf.Tensor, _context: ForwardContext): tf.Tensor {
    if (input.shape[input.rank - 1] !== this.inputSize || (input.rank !== 2 && input.rank !== 3)) {
      throw new Error(
        `layer "${this.name}" (dense) expects [..., ${this.inputSize}] (rank 2 or 3), got [${input.shape.join(', ')}]`,
      );
    }
    return denseOp(input, this.weight.variable, this.bias?.variable, this.spec.activation);
  }
}

const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function activate(pre: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return pre;
    case 'relu':
      return tf.relu(pre);
    case 'tanh':
      return tf.tanh(pre);
    case 'sigmoid':
      return tf.sigmoid(pre);
    case 'gelu': // exact, as torch.nn.GELU(): x * Phi(x)
      return tf.mul(pre, tf.mul(0.5, tf.add(1, tf.erf(tf.mul(pre, SQRT_HALF)))));
  }
}

/** d activation / d pre, from the pre-activation and the output. */
function slope(pre: tf.Tensor, out: tf.Tensor, activation: Activation): tf.Tensor | undefined {
  switch (activation) {
    case 'linear':
      return undefined;
    case 'relu':
      return tf.step(pre);
    case 'tanh':
      return tf.sub(1, tf.square(out));
    case 'sigmoid':
      return tf.mul(out, tf.sub(1, out));
    case 'gelu': {
      const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(pre, SQRT_HALF))));
      const pdf = tf.mul(INV_SQRT_2PI, tf.exp(tf.mul(-0.5, tf.square(pre))));
      return tf.add(cdf, tf.mul(pre, pdf));
    }
  }
}

/** activation(x W^T + b) with a hand-written backward. */
export function denseOp(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor | undefined,
  activation: Activation,
): tf.Tensor {
  const inFeatures = weight.shape[1] as number;
  const units = weight.shape[0] as number;
  const outShape = [...x.shape.slice(0, -1), units];
  const op = customOp(([xArg, w, b], save) => {
    const x2 = tf.reshape(xArg as tf.Tensor, [-1, inFeatures]) as tf.Tensor2D;
    let pre: tf.Tensor = tf.matMul(x2, w as tf.Tensor2D, false, true);
    if (b) pre = tf.add(pre, b);
    const out = activate(pre, activation);
    // The weight is saved too: it may be computed (a block of a larger one), not a variable.
    save([x2, pre, out, w as tf.Tensor]);
    const xShape = (xArg as tf.Tensor).shape;
    const gradFunc = (dy: tf.Tensor, [sx, sPre, sOut, sw]: tf.Tensor[]) => {
      const dy2 = tf.reshape(dy, [-1, units]);
      const s = slope(sPre as tf.Tensor, sOut as tf.Tensor, activation);
      const dPre = (s ? tf.mul(dy2, s) : dy2) as tf.Tensor2D;
      const dx = tf.reshape(tf.matMul(dPre, sw as tf.Tensor2D), xShape);
      const dw = tf.matMul(dPre, sx as tf.Tensor2D, true, false);
      return b ? [dx, dw, tf.sum(dPre, 0)] : [dx, dw];
    };
    return { value: tf.reshape(out, outShape), gradFunc };
  });
  return bias ? op(x, weight, bias) : op(x, weight);
}
