// The state of one training run: where it is (epoch, batch, step), its history and the current
// epoch's running loss, the best weights kept by early stopping, the recurrent states carried from
// batch to batch (FitOptions.carryState), and why it stops. It restores a resumed state, snapshots
// itself for checkpoints, and is what callbacks see (TrainingRun).
import * as tf from '@tensorflow/tfjs-core';
import type { Parameter } from '../layers/layer.js';
import type { Model } from '../model/model.js';
import type { TrainingRun } from './callback.js';
import type { LrScheduler } from './lr-schedule.js';
import type { Optimizer } from './optimizer-types.js';
import { cloneStates, stateTensors } from './states.js';
import type { EpochRecord, FitResult, States, StopReason, TrainingState } from './types.js';

export interface RunSettings {
  epochs: number;
  batchCount: number;
  /** Batches (or chunks) per optimizer step. */
  accumulate: number;
  optimizer: Optimizer;
  schedule: LrScheduler | undefined;
  /** Milliseconds, for epoch durations. */
  now: () => number;
}

type Best = { loss: number; epoch: number; weights: Map<string, tf.Tensor> };

export class Run implements TrainingRun {
  readonly parameters: Parameter[];
  readonly history: EpochRecord[];
  epoch: number;
  position: number;
  step: number;
  badEpochs: number;
  gradientsPending = false;
  /**
   * Units (the batch, or its truncated-BPTT chunks) each batch trains in: with chunks every chunk is
   * an optimizer step, so a step schedule's length counts them (set by fit from the first batch).
   */
  unitsPerBatch = 1;
  stopReason: StopReason | undefined;
  /** Set once the current epoch's batches are all trained: the next batch is the next epoch's. */
  #epochDone = false;
  #best: Best | undefined;
  #epochStart = 0;
  #lossSum = 0;
  #lossCount = 0;
  /** The states the next batch starts from (carryState); undefined: zeros (an epoch's start). */
  #carried: States | undefined;

  constructor(
    readonly model: Model,
    readonly settings: RunSettings,
    resume: TrainingState | undefined,
  ) {
    this.parameters = model.parameters();
    this.epoch = resume?.epoch ?? 0;
    this.position = resume?.position ?? 0;
    this.step = resume?.step ?? 0;
    this.badEpochs = resume?.badEpochs ?? 0;
    this.history = [...(resume?.history ?? [])];
    if (resume) this.#restore(resume);
  }

  get epochs(): number {
    return this.settings.epochs;
  }

  get batchCount(): number {
    return this.settings.batchCount;
  }

  get best(): { loss: number; epoch: number } | undefined {
    return this.#best && { loss: this.#best.loss, epoch: this.#best.epoch };
  }

  #restore(resume: TrainingState): void {
    assign(this.parameters, resume.weights);
    this.settings.optimizer.restore(this.parameters, resume.optimizer);
    if (resume.schedule) this.settings.schedule?.restore(resume.schedule);
    if (resume.best) {
      const weights = new Map([...resume.best.weights].map(([k, v]) => [k, tf.clone(v)]));
      this.#best = { ...resume.best, weights };
    }
    if (resume.states) this.#carried = cloneStates(resume.states);
  }

  /** The states the next batch starts from (carryState runs): undefined at an epoch's start. */
  get carried(): States | undefined {
    return this.#carried;
  }

  /** The states a batch ended with become the next batch's (the run owns them from here). */
  carry(states: States): void {
    tf.dispose(stateTensors(this.#carried));
    this.#carried = states;
  }

  #dropCarried(): void {
    tf.dispose(stateTensors(this.#carried));
    this.#carried = undefined;
  }

  /** The learning rate of the next optimizer step. */
  lr(): number {
    const { epochs, batchCount, accumulate, schedule, optimizer } = this.settings;
    const totalSteps = Math.ceil((epochs * batchCount * this.unitsPerBatch) / accumulate);
    return schedule?.lr({ epoch: this.epoch, step: this.step, totalSteps }) ?? optimizer.lr;
  }

  beginEpoch(): void {
    this.#epochDone = false;
    this.#epochStart = this.settings.now();
    this.#lossSum = 0;
    this.#lossCount = 0;
  }

  addLoss(loss: number): void {
    this.#lossSum += loss;
    this.#lossCount++;
  }

  /** The epoch's batches are done: the next epoch starts from zero states. */
  endEpoch(): void {
    this.#epochDone = true;
    this.#dropCarried();
  }

  nextEpoch(): void {
    this.epoch++;
    this.position = 0;
  }

  /** Seconds since the epoch began (in this process: a resumed epoch, since the resume). */
  epochSeconds(): number {
    return (this.settings.now() - this.#epochStart) / 1000;
  }

  /** The current epoch's record so far (validation comes after). */
  record(): EpochRecord {
    return {
      epoch: this.epoch,
      trainLoss: this.#lossSum / Math.max(1, this.#lossCount),
      lr: this.lr(),
      seconds: this.epochSeconds(),
    };
  }

  stop(reason: StopReason): void {
    this.stopReason ??= reason;
  }

  keepBest(loss: number, epoch: number): void {
    this.dropBest();
    this.#best = {
      loss,
      epoch,
      weights: new Map(this.parameters.map((p) => [p.name, tf.clone(p.variable)] as const)),
    };
  }

  dropBest(): void {
    if (this.#best) tf.dispose([...this.#best.weights.values()]);
    this.#best = undefined;
  }

  snapshot(): TrainingState {
    const { optimizer, schedule } = this.settings;
    return {
      epoch: this.#epochDone ? this.epoch + 1 : this.epoch,
      position: this.#epochDone ? 0 : this.position,
      step: this.step,
      weights: new Map(this.parameters.map((p) => [p.name, p.variable as tf.Tensor])),
      optimizer: optimizer.state(),
      ...(schedule ? { schedule: schedule.state() } : {}),
      ...(this.#best ? { best: this.#best } : {}),
      badEpochs: this.badEpochs,
      history: this.history,
      ...(this.#carried && !this.#epochDone ? { states: this.#carried } : {}),
    };
  }

  /** Ends the run on the best weights, if any were kept, and says how it ended. */
  finish(): FitResult {
    const bestEpoch = this.#best?.epoch;
    if (this.#best) assign(this.parameters, this.#best.weights);
    this.dropBest();
    this.#dropCarried();
    return {
      history: this.history,
      stoppedBy: this.stopReason ?? 'epochs',
      step: this.step,
      ...(bestEpoch !== undefined ? { bestEpoch } : {}),
    };
  }

  /** Frees what the run holds (the best weights and carried states of a run that failed). */
  dispose(): void {
    this.dropBest();
    this.#dropCarried();
  }
}

function assign(parameters: readonly Parameter[], weights: ReadonlyMap<string, tf.Tensor>): void {
  for (const p of parameters) {
    const value = weights.get(p.name);
    if (!value) throw new Error(`training state: no weights for parameter "${p.name}"`);
    p.variable.assign(value);
  }
}

/** Frees a training state read from a checkpoint (not one fit handed to a saver). */
export function disposeTrainingState(state: TrainingState): void {
  tf.dispose([
    ...state.weights.values(),
    ...state.optimizer.slots.values(),
    ...(state.best ? [...state.best.weights.values()] : []),
    ...stateTensors(state.states),
  ]);
}
