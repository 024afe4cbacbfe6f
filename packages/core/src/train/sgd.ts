// SGD with PyTorch's exact update (torch.optim.SGD, single-tensor path): weight decay added to the
// gradient, a momentum buffer that starts as the first gradient (no dampening on that step), and
// Nesterov's look-ahead d = g + momentum * buf.
import * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../layers/layer.js';
import {
  flattenSlots,
  groupSlots,
  type Optimizer,
  type OptimizerState,
} from './optimizer-types.js';

export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export class Sgd implements Optimizer {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  #step = 0;
  readonly #buffers = new Map<Parameter, tf.Tensor>();

  constructor(options: SgdOptions) {
    this.lr = options.lr;
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error(
        'SGD: Nesterov momentum requires momentum > 0 and dampening 0 (as in PyTorch)',
      );
    }
  }

  get stepCount(): number {
    return this.#step;
  }

  step(grads: ReadonlyMap<Parameter, tf.Tensor>, lr = this.lr): void {
    this.#step += 1;
    for (const [parameter, gradient] of grads) {
      if (!parameter.trainable) continue;
      const previous = this.#buffers.get(parameter);
      const buffer = tf.tidy(() => {
        const p = parameter.variable;
        let d: tf.Tensor = gradient;
        if (this.weightDecay !== 0) d = tf.add(d, tf.mul(p, this.weightDecay));
        let buf: tf.Tensor | undefined;
        if (this.momentum !== 0) {
          buf = previous
            ? tf.add(tf.mul(previous, this.momentum), tf.mul(d, 1 - this.dampening))
            : tf.clone(d);
          d = this.nesterov ? tf.add(d, tf.mul(buf, this.momentum)) : buf;
        }
        p.assign(tf.sub(p, tf.mul(d, lr)));
        return buf;
      });
      if (previous) previous.dispose();
      if (buffer) this.#buffers.set(parameter, buffer);
    }
  }

  dispose(): void {
    for (const buffer of this.#buffers.values()) buffer.dispose();
    this.#buffers.clear();
  }

  state(): OptimizerState {
    const records = new Map([...this.#buffers].map(([p, momentum]) => [p, { momentum }]));
    return { step: this.#step, slots: flattenSlots(records) };
  }

  restore(parameters: readonly Parameter[], state: OptimizerState): void {
    this.dispose();
    this.#step = state.step;
    for (const [parameter, { momentum }] of groupSlots(parameters, state.slots)) {
      if (momentum) this.#buffers.set(parameter, momentum);
    }
  }
}
