// Sequence [B, T, F] -> vector [B, F], over each row's real steps only (lengths): the output at
// the last real step, the mean or max over real steps, or attention pooling (a learned softmax
// weighting: scores = context . tanh(attention(x)), as in Yang et al. 2016).
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';
import { uniformValues } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import type { PoolLayerSpec } from '../spec/types.generated.js';
import type { ForwardContext, Layer, Parameter } from './layer.js';
import { createParameter } from './params.js';

/** A score low enough that softmax gives padded steps exactly 0 weight. */
const MASKED = -1e30;

interface AttentionParameters {
  weight: Parameter;
  bias: Parameter;
  context: Parameter;
}

export class PoolLayer implements Layer {
  readonly type = 'pool';
  readonly inputKind = 'sequence' as const;
  readonly outputKind = 'vector' as const;
  readonly parameters: Parameter[] = [];
  readonly #attention: AttentionParameters | undefined;

  constructor(
    readonly name: string,
    readonly spec: PoolLayerSpec,
    readonly outputSize: number,
    random: Random,
  ) {
    if (spec.mode === 'attention') {
      const F = outputSize;
      const A = spec.attentionSize ?? F;
      const weight = createParameter(
        `${name}.attention`,
        'weight',
        [A, F],
        'pytorch-default',
        random,
        () => uniformValues([A, F], 1 / Math.sqrt(F), random),
      );
      const bias = createParameter(
        `${name}.attention`,
        'bias',
        [A],
        'pytorch-default',
        random,
        () => uniformValues([A], 1 / Math.sqrt(F), random),
      );
      const context = createParameter(
        `${name}.context`,
        'weight',
        [1, A],
        'pytorch-default',
        random,
        () => uniformValues([1, A], 1 / Math.sqrt(A), random),
      );
      this.#attention = { weight, bias, context };
      this.parameters.push(weight, bias, context);
    }
  }

  forward(input: tf.Tensor, context: ForwardContext): tf.Tensor {
    if (input.rank !== 3 || input.shape[2] !== this.outputSize) {
      throw new Error(
        `layer "${this.name}" (pool) expects [batch, time, ${this.outputSize}], got [${input.shape.join(', ')}]`,
      );
    }
    const [B, T] = input.shape as [number, number, number];
    const lengths = context.lengths ?? new Int32Array(B).fill(T);
    switch (this.spec.mode) {
      case 'last':
        return lastStep(input as tf.Tensor3D, lengths);
      case 'mean':
        return meanPool(input as tf.Tensor3D, lengths);
      case 'max':
        return maxPool(input as tf.Tensor3D, lengths);
      case 'attention': {
        const a = this.#attention as AttentionParameters;
        return attentionPool(
          input as tf.Tensor3D,
          lengths,
          a.weight.variable,
          a.bias.variable,
          a.context.variable,
        );
      }
    }
  }
}

function lengthMask(lengths: Int32Array, T: number): tf.Tensor2D {
  const B = lengths.length;
  const data = new Float32Array(B * T);
  for (let b = 0; b < B; b++) data.fill(1, b * T, b * T + Math.min(lengths[b] as number, T));
  return tf.tensor2d(data, [B, T]);
}

/** x[b, length_b - 1]. */
function lastStep(x: tf.Tensor3D, lengths: Int32Array): tf.Tensor {
  const [B, T, F] = x.shape;
  const rows = Int32Array.from(lengths, (length, b) => b * T + length - 1);
  return customOp(([input], save) => {
    const index = tf.tensor1d(rows, 'int32');
    save([index]);
    const value = tf.gather(tf.reshape(input as tf.Tensor, [B * T, F]), index);
    return {
      value,
      gradFunc: (dy, [i]) => [
        tf.reshape(tf.scatterND(tf.expandDims(i as tf.Tensor, 1), dy, [B * T, F]), [B, T, F]),
      ],
    };
  })(x);
}

/** sum over real steps / length. */
function meanPool(x: tf.Tensor3D, lengths: Int32Array): tf.Tensor {
  const [B, T, F] = x.shape;
  return customOp(([input], save) => {
    const weights = tf.div(
      lengthMask(lengths, T),
      tf.expandDims(tf.tensor1d(Float32Array.from(lengths)), 1),
    );
    save([weights]);
    const value = tf.reshape(tf.matMul(tf.reshape(weights, [B, 1, T]), input as tf.Tensor3D), [
      B,
      F,
    ]);
    return {
      value,
      gradFunc: (dy, [w]) => [
        tf.mul(tf.reshape(w as tf.Tensor, [B, T, 1]), tf.reshape(dy, [B, 1, F])),
      ],
    };
  })(x);
}

/** max over real steps; the gradient goes to the (first) step holding the max, as torch.max(dim). */
function maxPool(x: tf.Tensor3D, lengths: Int32Array): tf.Tensor {
  const [B, T, F] = x.shape;
  return customOp(([input], save) => {
    const mask = tf.reshape(lengthMask(lengths, T), [B, T, 1]);
    const masked = tf.add(tf.mul(input as tf.Tensor, mask), tf.mul(tf.sub(1, mask), MASKED));
    // The first step holding each max, as a float mask [B, T, F], in float arithmetic only:
    // tfjs-backend-webgpu miscompiles argMax/oneHot's int32 results and cumsum of a cast bool.
    const max = tf.max(masked, 1, true);
    const isMax = tf.sub(1, tf.sign(tf.sub(max, masked))); // 1 where equal to the max, else 0
    const first = tf.mul(isMax, tf.relu(tf.sub(2, tf.cumsum(isMax, 1)))); // running count is 1
    save([first]);
    const gradFunc = (dy: tf.Tensor, [w]: tf.Tensor[]) => [
      tf.mul(w as tf.Tensor, tf.reshape(dy, [B, 1, F])),
    ];
    return { value: tf.reshape(max, [B, F]), gradFunc };
  })(x);
}

/** softmax over real steps of context . tanh(W x + b), then the weighted sum of x. */
function attentionPool(
  x: tf.Tensor3D,
  lengths: Int32Array,
  weight: tf.Tensor,
  bias: tf.Tensor,
  contextVector: tf.Tensor,
): tf.Tensor {
  const [B, T, F] = x.shape;
  const A = weight.shape[0] as number;
  return customOp(([input, w, b, v], save) => {
    const x2 = tf.reshape(input as tf.Tensor, [B * T, F]) as tf.Tensor2D;
    const u = tf.tanh(tf.add(tf.matMul(x2, w as tf.Tensor2D, false, true), b as tf.Tensor)); // [B*T, A]
    const mask = lengthMask(lengths, T);
    const scores = tf.reshape(tf.matMul(u, v as tf.Tensor2D, false, true), [B, T]);
    const alpha = tf.softmax(tf.add(tf.mul(scores, mask), tf.mul(tf.sub(1, mask), MASKED))); // [B, T]
    save([x2, u, alpha]);
    const value = tf.reshape(tf.matMul(tf.reshape(alpha, [B, 1, T]), input as tf.Tensor3D), [B, F]);
    const gradFunc = (dy: tf.Tensor, [sx, su, sa]: tf.Tensor[]) => {
      const xs = tf.reshape(sx as tf.Tensor, [B, T, F]) as tf.Tensor3D;
      const a = sa as tf.Tensor2D;
      const dAlpha = tf.reshape(tf.matMul(xs, tf.reshape(dy, [B, F, 1])), [B, T]);
      const dScores = tf.mul(a, tf.sub(dAlpha, tf.sum(tf.mul(a, dAlpha), 1, true))); // softmax backward
      const ds = tf.reshape(dScores, [B * T, 1]);
      const dPre = tf.mul(
        tf.mul(ds, v as tf.Tensor),
        tf.sub(1, tf.square(su as tf.Tensor)),
      ) as tf.Tensor2D; // [B*T, A]
      const dxDirect = tf.mul(tf.reshape(a, [B, T, 1]), tf.reshape(dy, [B, 1, F]));
      const dx = tf.add(dxDirect, tf.reshape(tf.matMul(dPre, w as tf.Tensor2D), [B, T, F]));
      const dw = tf.matMul(dPre, sx as tf.Tensor2D, true, false);
      const db = tf.sum(dPre, 0);
      const dv = tf.reshape(tf.sum(tf.mul(ds, su as tf.Tensor), 0), [1, A]);
      return [dx, dw, db, dv];
    };
    return { value, gradFunc };
  })(x, weight, bias, contextVector);
}
