// RMSprop with PyTorch's exact update (torch.optim.RMSprop, single-tensor path): weight decay added
// to the gradient; square_avg = alpha * square_avg + (1 - alpha) * g²; centered subtracts the
// squared running mean of g; eps is added after the square root; optional momentum buffer.
import * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../layers/layer.js';
import {
  flattenSlots,
  groupSlots,
  type Optimizer,
  type OptimizerState,
} from './optimizer-types.js';

export interface RmspropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  momentum?: number;
  centered?: boolean;
  weightDecay?: number;
}

interface RmspropState {
  squareAvg: tf.Tensor;
  gradAvg?: tf.Tensor;
  momentumBuffer?: tf.Tensor;
}

export class Rmsprop implements Optimizer {
  readonly lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly weightDecay: number;
  #step = 0;
  readonly #state = new Map<Parameter, RmspropState>();

  constructor(options: RmspropOptions = {}) {
    this.lr = options.lr ?? 0.01;
    this.alpha = options.alpha ?? 0.99;
    this.eps = options.eps ?? 1e-8;
    this.momentum = options.momentum ?? 0;
    this.centered = options.centered ?? false;
    this.weightDecay = options.weightDecay ?? 0;
  }

  get stepCount(): number {
    return this.#step;
  }

  step(grads: ReadonlyMap<Parameter, tf.Tensor>, lr = this.lr): void {
    this.#step += 1;
    const { alpha, eps, momentum } = this;
    for (const [parameter, gradient] of grads) {
      if (!parameter.trainable) continue;
      const previous = this.#state.get(parameter);
      const next = tf.tidy(() => {
        const p = parameter.variable;
        let g: tf.Tensor = gradient;
        if (this.weightDecay !== 0) g = tf.add(g, tf.mul(p, this.weightDecay));
        const decayed = (avg: tf.Tensor | undefined, value: tf.Tensor) =>
          avg ? tf.add(tf.mul(avg, alpha), tf.mul(value, 1 - alpha)) : tf.mul(value, 1 - alpha);
        const squareAvg = decayed(previous?.squareAvg, tf.square(g));
        const gradAvg = this.centered ? decayed(previous?.gradAvg, g) : undefined;
        const variance = gradAvg ? tf.sub(squareAvg, tf.square(gradAvg)) : squareAvg;
        const avg = tf.add(tf.sqrt(variance), eps);
        let momentumBuffer: tf.Tensor | undefined;
        if (momentum > 0) {
          const step = tf.div(g, avg);
          momentumBuffer = previous?.momentumBuffer
            ? tf.add(tf.mul(previous.momentumBuffer, momentum), step)
            : step;
          p.assign(tf.sub(p, tf.mul(momentumBuffer, lr)));
        } else {
          p.assign(tf.sub(p, tf.mul(tf.div(g, avg), lr)));
        }
        const state: RmspropState = { squareAvg };
        if (gradAvg) state.gradAvg = gradAvg;
        if (momentumBuffer) state.momentumBuffer = momentumBuffer;
        return state as unknown as tf.TensorContainer;
      }) as unknown as RmspropState;
      if (previous) tf.dispose(Object.values(previous) as tf.Tensor[]);
      this.#state.set(parameter, next);
    }
  }

  dispose(): void {
    for (const state of this.#state.values()) tf.dispose(Object.values(state) as tf.Tensor[]);
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
      const { squareAvg, gradAvg, momentumBuffer } = record;
      if (!squareAvg)
        throw new Error(`optimizer state: RMSprop needs squareAvg for "${parameter.name}"`);
      const entry: RmspropState = { squareAvg };
      if (gradAvg) entry.gradAvg = gradAvg;
      if (momentumBuffer) entry.momentumBuffer = momentumBuffer;
      this.#state.set(parameter, entry);
    }
  }
}
