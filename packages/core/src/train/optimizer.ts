// Adam and AdamW with PyTorch's exact update (torch.optim.Adam / AdamW, single-tensor path):
// bias corrections computed in float64 like Python does, epsilon added after dividing sqrt(v) by
// sqrt(bias_correction2). A backend with the fused RecurrentAdamUpdate kernel (adam-update.ts)
// runs each parameter's update as one kernel with the same float32 results.
import * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../layers/layer.js';
import { type AdamCoefficients, adamUpdateKernel, fusedAdamAvailable } from './adam-update.js';
import {
  flattenSlots,
  groupSlots,
  type Optimizer,
  type OptimizerState,
} from './optimizer-types.js';

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  /** AdamW: decoupled weight decay (p -= lr * wd * p) instead of L2 added to the gradient. */
  decoupledWeightDecay?: boolean;
  amsgrad?: boolean;
}

interface Moments {
  m: tf.Tensor;
  v: tf.Tensor;
  vMax?: tf.Tensor;
}

export class Adam implements Optimizer {
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  readonly amsgrad: boolean;
  #step = 0;
  readonly #state = new Map<Parameter, Moments>();

  constructor(options: AdamOptions = {}) {
    this.lr = options.lr ?? 1e-3;
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? (options.decoupledWeightDecay ? 0.01 : 0);
    this.decoupled = options.decoupledWeightDecay ?? false;
    this.amsgrad = options.amsgrad ?? false;
  }

  get stepCount(): number {
    return this.#step;
  }

  /** One update of every parameter that has a gradient in `grads`. */
  step(grads: ReadonlyMap<Parameter, tf.Tensor>, lr = this.lr): void {
    this.#step += 1;
    const [beta1, beta2] = this.betas;
    const decays = this.weightDecay !== 0;
    const coefficients: AdamCoefficients = {
      beta1,
      beta2,
      eps: this.eps,
      stepSize: lr / (1 - beta1 ** this.#step),
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** this.#step),
      l2: decays && !this.decoupled ? this.weightDecay : 0,
      decayFactor: decays && this.decoupled ? 1 - lr * this.weightDecay : 1,
      amsgrad: this.amsgrad,
    };
    const fused = fusedAdamAvailable();
    for (const [parameter, gradient] of grads) {
      if (!parameter.trainable) continue;
      const previous = this.#state.get(parameter);
      const update = fused && gradient.dtype === 'float32' ? fusedUpdate : opsUpdate;
      const next = update(parameter.variable, gradient, previous, coefficients);
      if (previous) tf.dispose([previous.m, previous.v, ...(previous.vMax ? [previous.vMax] : [])]);
      this.#state.set(parameter, next);
    }
  }

  dispose(): void {
    for (const moments of this.#state.values())
      tf.dispose([moments.m, moments.v, ...(moments.vMax ? [moments.vMax] : [])]);
    this.#state.clear();
  }

  state(): OptimizerState {
    return {
      step: this.#step,
      slots: flattenSlots(this.#state as unknown as Map<Parameter, Record<string, tf.Tensor>>),
    };
  }

  restore(parameters: readonly Parameter[], state: OptimizerState): void {
    this.dispose();
    this.#step = state.step;
    for (const [parameter, record] of groupSlots(parameters, state.slots)) {
      const { m, v, vMax } = record;
      if (!m || !v) throw new Error(`optimizer state: Adam needs m and v for "${parameter.name}"`);
      this.#state.set(parameter, vMax ? { m, v, vMax } : { m, v });
    }
  }
}

/** One parameter's update as the backend's fused kernel; assigns the new value to `p`. */
function fusedUpdate(
  p: tf.Variable,
  g: tf.Tensor,
  previous: Moments | undefined,
  c: AdamCoefficients,
): Moments {
  const inputs: tf.NamedTensorMap = { param: p, grad: g };
  if (previous) {
    inputs.m = previous.m;
    inputs.v = previous.v;
    if (previous.vMax) inputs.vMax = previous.vMax;
  }
  const attrs = c as unknown as tf.NamedAttrMap;
  const [value, m, v, vMax] = tf.engine().runKernel(adamUpdateKernel, inputs, attrs) as tf.Tensor[];
  p.assign(value as tf.Tensor);
  (value as tf.Tensor).dispose();
  return vMax
    ? { m: m as tf.Tensor, v: v as tf.Tensor, vMax }
    : { m: m as tf.Tensor, v: v as tf.Tensor };
}

/** One parameter's update with tfjs ops (PyTorch's single-tensor path, op by op). */
function opsUpdate(
  p: tf.Variable,
  gradient: tf.Tensor,
  previous: Moments | undefined,
  c: AdamCoefficients,
): Moments {
  return tf.tidy(() => {
    let g = gradient;
    let weights: tf.Tensor = p;
    if (c.l2 !== 0) g = tf.add(g, tf.mul(p, c.l2));
    if (c.decayFactor !== 1) weights = tf.mul(p, c.decayFactor);
    const m = previous
      ? tf.add(tf.mul(previous.m, c.beta1), tf.mul(g, 1 - c.beta1))
      : tf.mul(g, 1 - c.beta1);
    const v = previous
      ? tf.add(tf.mul(previous.v, c.beta2), tf.mul(tf.square(g), 1 - c.beta2))
      : tf.mul(tf.square(g), 1 - c.beta2);
    const vMax = c.amsgrad ? (previous?.vMax ? tf.maximum(previous.vMax, v) : v) : undefined;
    const denom = tf.add(tf.div(tf.sqrt(vMax ?? v), c.biasCorrection2Sqrt), c.eps);
    p.assign(tf.sub(weights, tf.mul(tf.div(m, denom), c.stepSize)));
    return vMax ? { m, v, vMax } : { m, v };
  });
}

/**
 * torch.nn.utils.clip_grad_norm_: multiplies every gradient by min(1, max_norm / (total_norm + 1e-6)),
 * where total_norm is the 2-norm of all gradients together. Returns the new gradients (the inputs
 * are disposed) and the total norm before clipping, as a scalar tensor the caller disposes. Nothing
 * is read back: a GPU backend keeps running without a sync.
 */
export function clipGradNorm<K>(
  grads: Map<K, tf.Tensor>,
  maxNorm: number,
): { grads: Map<K, tf.Tensor>; totalNorm: tf.Scalar } {
  const totalNorm = tf.tidy(() =>
    tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))),
  ) as tf.Scalar;
  const coefficient = tf.tidy(() => tf.minimum(tf.div(maxNorm, tf.add(totalNorm, 1e-6)), 1));
  const clipped = new Map<K, tf.Tensor>();
  for (const [key, g] of grads) {
    clipped.set(key, tf.mul(g, coefficient));
    g.dispose();
  }
  coefficient.dispose();
  return { grads: clipped, totalNorm };
}

/** Gradients of `loss()` for every trainable parameter, keyed by parameter. */
export function parameterGradients(
  parameters: readonly Parameter[],
  loss: () => tf.Scalar,
): { value: tf.Scalar; grads: Map<Parameter, tf.Tensor> } {
  const trainable = parameters.filter((p) => p.trainable);
  const { value, grads } = tf.variableGrads(
    loss,
    trainable.map((p) => p.variable),
  );
  const byParameter = new Map<Parameter, tf.Tensor>();
  for (const parameter of trainable) {
    const g = grads[parameter.variable.name];
    if (g) byParameter.set(parameter, g);
  }
  return { value, grads: byParameter };
}

/**
 * torch.nn.utils.clip_grad_value_: every gradient value clamped to [-clipValue, clipValue]. Returns
 * the new gradients; the inputs are disposed.
 */
export function clipGradValue<K>(grads: Map<K, tf.Tensor>, clipValue: number): Map<K, tf.Tensor> {
  const clipped = new Map<K, tf.Tensor>();
  for (const [key, g] of grads) {
    clipped.set(key, tf.clipByValue(g, -clipValue, clipValue));
    g.dispose();
  }
  return clipped;
}
