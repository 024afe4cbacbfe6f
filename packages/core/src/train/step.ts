// One optimizer step of training: each unit's (batch's or truncated-BPTT chunk's) loss and
// gradients, on this thread or over data-parallel threads, summed over `gradientAccumulation`
// units, then clipped, checked and applied by the optimizer. The loop in fit.ts decides when, and
// which states a unit starts from (the previous chunk's, or with carryState the previous batch's).
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../init/random.js';
import type { Parameter } from '../layers/layer.js';
import type { Model } from '../model/model.js';
import { clipGradNorm, clipGradValue, parameterGradients } from './optimizer.js';
import type { Optimizer } from './optimizer-types.js';
import { keepStates, stateTensors } from './states.js';
import type {
  Batch,
  BatchGradients,
  ChunkLossFunction,
  DataParallel,
  LossFunction,
  States,
} from './types.js';

export interface StepSettings {
  loss: LossFunction;
  optimizer: Optimizer;
  clipNorm?: number | undefined;
  clipValue?: number | undefined;
  parallel?: DataParallel | undefined;
  /**
   * Units start from states and return theirs: truncated-BPTT chunks, or batches of a run that
   * carries the state (then split over `parallel` threads by rows, states included).
   */
  chunkLoss?: ChunkLossFunction | undefined;
}

/** Checks before gradients count (the divergence guard): each throws to refuse. */
export interface StepChecks {
  loss(value: number): Promise<void>;
  gradientNorm(value: number): Promise<void>;
}

export class TrainStep {
  readonly #parameters: Parameter[];
  #pending: Map<Parameter, tf.Tensor> | undefined;
  #units = 0;

  constructor(
    readonly model: Model,
    readonly settings: StepSettings,
    readonly checks: StepChecks,
  ) {
    this.#parameters = model.parameters();
  }

  /** Units whose gradients are summed and not yet applied. */
  get pendingUnits(): number {
    return this.#units;
  }

  /**
   * Computes a unit's loss and gradients with dropout seeded by `seed`, checks the loss, and adds
   * the gradients to the pending sum. Returns the loss and, with a chunk loss, the states it ended
   * with (the caller's: `carried` stays the caller's too).
   */
  async add(
    unit: Batch,
    seed: number,
    step: number,
    carried: States | undefined,
  ): Promise<{ loss: number; states: States | undefined }> {
    const computed = await this.#gradients(unit, seed, step, carried);
    try {
      await this.checks.loss(computed.loss);
    } catch (error) {
      tf.dispose([...computed.grads.values(), ...stateTensors(computed.states)]);
      throw error;
    }
    this.#accumulate(computed.grads);
    return { loss: computed.loss, states: computed.states };
  }

  /** Clips the pending sum (by value, then by norm), checks its norm and applies it at `lr`. */
  async apply(lr: number): Promise<void> {
    const { clipNorm, clipValue, optimizer } = this.settings;
    let ready = this.#pending ?? new Map<Parameter, tf.Tensor>();
    this.#pending = undefined;
    this.#units = 0;
    if (clipValue !== undefined) ready = clipGradValue(ready, clipValue);
    const norm = clipGradNorm(ready, clipNorm ?? Number.POSITIVE_INFINITY);
    ready = norm.grads;
    const normValue = (await norm.totalNorm.data())[0] as number;
    norm.totalNorm.dispose();
    try {
      await this.checks.gradientNorm(normValue);
      optimizer.step(ready, lr);
    } finally {
      tf.dispose([...ready.values()]);
    }
  }

  dispose(): void {
    if (this.#pending) tf.dispose([...this.#pending.values()]);
    this.#pending = undefined;
    this.#units = 0;
  }

  async #gradients(
    unit: Batch,
    seed: number,
    step: number,
    carried: States | undefined,
  ): Promise<BatchGradients & { states: States | undefined }> {
    const { loss, parallel, chunkLoss } = this.settings;
    const model = this.model;
    if (parallel && chunkLoss) {
      if (!parallel.carriedGradients) {
        throw new Error('fit: this DataParallel cannot carry state (it has no carriedGradients)');
      }
      return parallel.carriedGradients(unit, seed, step, carried, (part, random, initial) =>
        chunkLoss(model, part, random, initial),
      );
    }
    if (parallel) {
      const computed = await parallel.gradients(unit, seed, step, (part, random) =>
        loss(model, part, random),
      );
      return { ...computed, states: undefined };
    }
    const random = new Random(seed);
    let states: States | undefined;
    const { value, grads } = parameterGradients(this.#parameters, () =>
      tf.tidy(() => {
        if (!chunkLoss) return loss(model, unit, random);
        const result = chunkLoss(model, unit, random, carried);
        states = keepStates(result.states);
        return result.loss;
      }),
    );
    const lossValue = (await value.data())[0] as number;
    value.dispose();
    return { loss: lossValue, grads, states };
  }

  #accumulate(grads: Map<Parameter, tf.Tensor>): void {
    this.#units++;
    const pending = this.#pending;
    if (!pending) {
      this.#pending = grads;
      return;
    }
    for (const [p, g] of grads) {
      const sum = tf.add(pending.get(p) as tf.Tensor, g);
      tf.dispose([pending.get(p) as tf.Tensor, g]);
      pending.set(p, sum);
    }
  }
}
