// The training loop: epochs of seeded-shuffled batches, optimizer steps with gradient
// accumulation, clipping and a learning-rate schedule, validation each epoch, early stopping that
// restores the best weights, a time budget, a divergence guard, and checkpoints from which a run
// continues exactly. Data and losses come from the caller (the task packages), so the loop knows
// nothing of tokenizers or files; checkpoints are written by a callback (see checkpoint-file.ts).
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../init/random.js';
import type { Parameter, RecurrentState } from '../layers/layer.js';
import type { Model } from '../model/model.js';
import type { LrScheduler } from './lr-schedule.js';
import { clipGradNorm, clipGradValue, parameterGradients } from './optimizer.js';
import type { Optimizer, OptimizerState } from './optimizer-types.js';

export interface Batch {
  inputs: tf.Tensor;
  targets: tf.Tensor;
  /** Real length of each row (packed-sequence semantics). */
  lengths?: readonly number[];
  /** Tokens in the batch, for throughput (default: the size of `targets`). */
  tokens?: number;
}

export interface TrainingData {
  readonly batchCount: number;
  /** Batch `index` (0 ≤ index < batchCount). fit disposes its tensors after use. */
  batch(index: number): Batch;
}

/**
 * The task's loss for one batch. `random` is given while training (dropout on, its masks drawn from
 * it) and undefined for validation (dropout off).
 */
export type LossFunction = (model: Model, batch: Batch, random: Random | undefined) => tf.Scalar;

export type States = Record<string, RecurrentState>;

export interface BatchGradients {
  loss: number;
  grads: Map<Parameter, tf.Tensor>;
}

/**
 * Computes each batch's loss and gradients over several threads (GradientWorkers in
 * `@recurrent/core/node`). `local` is this thread's share: the loss of some rows of the batch.
 */
export interface DataParallel {
  readonly threads: number;
  gradients(
    batch: Batch,
    seed: number,
    step: number,
    local: (part: Batch, random: Random) => tf.Scalar,
  ): Promise<BatchGradients>;
}

/**
 * For truncated backpropagation through time: the loss of one chunk of a batch, started from the
 * states the previous chunk ended with (none for a batch's first chunk), and the states it ends
 * with, which the next chunk starts from without gradients flowing back into this one.
 */
export type ChunkLossFunction = (
  model: Model,
  chunk: Batch,
  random: Random,
  initialState: States | undefined,
) => { loss: tf.Scalar; states: States };

/** Everything a run needs to continue exactly where it was saved. */
export interface TrainingState {
  /** Epoch and batch position of the next batch to train. */
  epoch: number;
  position: number;
  /** Optimizer steps taken. */
  step: number;
  weights: Map<string, tf.Tensor>;
  optimizer: OptimizerState;
  schedule?: ReturnType<LrScheduler['state']>;
  best?: { loss: number; epoch: number; weights: Map<string, tf.Tensor> };
  badEpochs: number;
  history: EpochRecord[];
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validationLoss?: number;
  /** What validationMetrics reported for this epoch (accuracy, f1, bleu, ...). */
  metrics?: Record<string, number>;
  lr: number;
  seconds: number;
  /**
   * Set on the record of an epoch cut short by the time budget: the batches it trained. Such a
   * record is made after the checkpoint (a resumed run never sees it) so that the weights the run
   * ends on can be chosen by validation: they compete with the best full epoch.
   */
  partialBatches?: number;
}

export interface BatchEvent {
  epoch: number;
  position: number;
  batchCount: number;
  step: number;
  loss: number;
  lr: number;
  tokens: number;
}

export interface FitOptions {
  epochs: number;
  optimizer: Optimizer;
  loss: LossFunction;
  /** Seeds shuffling and dropout: the same seed and backend give the same weights. */
  seed: number;
  schedule?: LrScheduler;
  validation?: TrainingData;
  shuffle?: boolean;
  clipNorm?: number;
  clipValue?: number;
  /** Batches (or chunks) whose gradients are summed before each optimizer step. */
  gradientAccumulation?: number;
  /**
   * Truncated BPTT: each batch's sequences are trained in chunks of `steps` time steps, one
   * optimizer step per chunk, the recurrent state carried from chunk to chunk within the batch.
   * Batches need targets [B, T] or [B * T] aligned with inputs [B, T] and no padding.
   */
  truncatedBptt?: { steps: number; loss: ChunkLossFunction };
  /**
   * Metrics of the model on the validation data after each epoch, recorded in the history. A
   * `loss` among them is the epoch's validation loss, in place of a pass over `validation` (a task
   * that computes its metrics in one pass need not pass `validation` at all).
   */
  validationMetrics?: (model: Model) => Promise<Record<string, number>>;
  /**
   * Stop after `patience` epochs without improvement of `monitor` ("val_loss", the default, or
   * "val_<name>" of a validation metric; loss, perplexity, mae, rmse and mape improve downwards,
   * the others upwards); the best weights are restored at the end.
   */
  earlyStopping?: { patience: number; minDelta?: number; monitor?: string };
  /**
   * Stop cleanly at a batch boundary after this long. An epoch cut short is validated (when there
   * is validation data) and its weights are kept if they are at least as good as the best epoch's.
   */
  maxTimeMs?: number;
  /** Milliseconds for the time budget and epoch durations (default `performance.now`). */
  clock?: () => number;
  /** Called every `everySteps` optimizer steps and at each epoch end; awaited before going on. */
  checkpoint?: { everySteps?: number; save: (state: TrainingState) => Promise<void> };
  resume?: TrainingState;
  onBatchEnd?: (event: BatchEvent) => void;
  /**
   * Splits each batch by rows over threads (not with truncatedBptt). The loss must be a mean over
   * rows. Dropout masks then differ from a one-thread run, but a run is still reproducible with
   * the same number of threads.
   */
  parallel?: DataParallel;
  onEpochEnd?: (record: EpochRecord) => void;
}

export type StopReason = 'epochs' | 'early-stopping' | 'time-budget';

export interface FitResult {
  history: EpochRecord[];
  stoppedBy: StopReason;
  step: number;
  bestEpoch?: number;
}

export class DivergenceError extends Error {
  override name = 'DivergenceError';
  constructor(
    readonly step: number,
    readonly epoch: number,
    what: string,
  ) {
    super(
      `training diverged at step ${step} (epoch ${epoch + 1}): ${what} is not finite; the weights were not updated and the last checkpoint is intact`,
    );
  }
}

/** The order of the batches in `epoch`: the same for the same seed, whatever happened before. */
export function batchOrder(count: number, seed: number, epoch: number, shuffle: boolean): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (!shuffle) return order;
  const random = new Random((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

const lowerIsBetter = /(loss|perplexity|mae|rmse|mape)$/;

/** The monitored quantity of an epoch, as a number where lower is better. */
function monitoredValue(record: EpochRecord, monitor = 'val_loss'): number {
  // Perplexity is exp(loss): the same order, so the same best epoch.
  if (monitor === 'val_loss' || (monitor === 'val_perplexity' && !record.metrics?.perplexity)) {
    return record.validationLoss ?? record.trainLoss;
  }
  const name = monitor.replace(/^val_/, '');
  const value = record.metrics?.[name];
  if (value === undefined) {
    throw new Error(
      `earlyStopping.monitor "${monitor}": the validation metrics have no "${name}" (they have: ${Object.keys(record.metrics ?? {}).join(', ') || 'none'})`,
    );
  }
  return lowerIsBetter.test(name) ? value : -value;
}

const copies = (parameters: readonly Parameter[]) =>
  new Map(parameters.map((p) => [p.name, tf.clone(p.variable)] as const));

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
  ]);
}

async function meanLoss(model: Model, data: TrainingData, loss: LossFunction): Promise<number> {
  let total = 0;
  for (let i = 0; i < data.batchCount; i++) {
    const batch = data.batch(i);
    const value = tf.tidy(() => loss(model, batch, undefined));
    total += (await value.data())[0] as number;
    tf.dispose([value, batch.inputs, batch.targets]);
  }
  return total / Math.max(1, data.batchCount);
}

/** A batch cut along time into chunks of `steps` (the last may be shorter). */
function chunksOf(batch: Batch, steps: number): Batch[] {
  if (batch.lengths) {
    throw new Error('truncatedBptt: batches with lengths (padding) cannot be cut into chunks');
  }
  const [B, T] = batch.inputs.shape as [number, number];
  const flat = batch.targets.rank === 1;
  if (batch.targets.size !== B * T) {
    throw new Error(
      `truncatedBptt: targets [${batch.targets.shape.join(', ')}] do not align with inputs [${B}, ${T}]`,
    );
  }
  // Inside tidy: only the chunks (kept) outlive the reshapes.
  return tf.tidy(() => {
    const targets = flat ? tf.reshape(batch.targets, [B, T]) : batch.targets;
    const chunks: Batch[] = [];
    for (let start = 0; start < T; start += steps) {
      const size = Math.min(steps, T - start);
      const begin = batch.inputs.rank === 3 ? [0, start, 0] : [0, start];
      const extent = batch.inputs.rank === 3 ? [B, size, -1] : [B, size];
      const chunkTargets = tf.slice(targets, [0, start], [B, size]);
      chunks.push({
        inputs: tf.keep(tf.slice(batch.inputs, begin, extent)),
        targets: tf.keep(flat ? tf.reshape(chunkTargets, [B * size]) : chunkTargets),
        tokens: B * size,
      });
    }
    return chunks as unknown as tf.TensorContainer;
  }) as unknown as Batch[];
}

const stateTensors = (states: States | undefined): tf.Tensor[] =>
  Object.values(states ?? {}).flatMap((s) => (s.c ? [s.h, s.c] : [s.h]));

export async function fit(
  model: Model,
  data: TrainingData,
  options: FitOptions,
): Promise<FitResult> {
  if (options.parallel && options.truncatedBptt) {
    throw new Error('fit: parallel (data-parallel threads) does not combine with truncatedBptt');
  }
  const parameters = model.parameters();
  const accumulate = options.gradientAccumulation ?? 1;
  const shuffle = options.shuffle ?? true;
  const now = options.clock ?? (() => performance.now());
  const started = now();
  const resume = options.resume;
  let epoch = resume?.epoch ?? 0;
  let position = resume?.position ?? 0;
  let step = resume?.step ?? 0;
  let badEpochs = resume?.badEpochs ?? 0;
  const history = [...(resume?.history ?? [])];
  let best: TrainingState['best'];
  if (resume) {
    assign(parameters, resume.weights);
    options.optimizer.restore(parameters, resume.optimizer);
    if (resume.schedule) options.schedule?.restore(resume.schedule);
    if (resume.best) {
      best = {
        ...resume.best,
        weights: new Map([...resume.best.weights].map(([k, v]) => [k, tf.clone(v)])),
      };
    }
  }
  const totalSteps = Math.ceil((options.epochs * data.batchCount) / accumulate);
  const lrNow = () => options.schedule?.lr({ epoch, step, totalSteps }) ?? options.optimizer.lr;
  // The state to resume from the batch at (nextEpoch, nextPosition); weights are the variables
  // themselves, read by the saver before training goes on.
  const snapshot = (nextEpoch: number, nextPosition: number): TrainingState => ({
    epoch: nextEpoch,
    position: nextPosition,
    step,
    weights: new Map(parameters.map((p) => [p.name, p.variable as tf.Tensor])),
    optimizer: options.optimizer.state(),
    ...(options.schedule ? { schedule: options.schedule.state() } : {}),
    ...(best ? { best } : {}),
    badEpochs,
    history,
  });
  const validate = async (record: EpochRecord) => {
    if (options.validationMetrics) {
      const { loss, ...metrics } = await options.validationMetrics(model);
      record.metrics = metrics;
      if (loss !== undefined) record.validationLoss = loss;
    }
    if (options.validation && record.validationLoss === undefined)
      record.validationLoss = await meanLoss(model, options.validation, options.loss);
  };
  let pending: Map<Parameter, tf.Tensor> | undefined; // accumulated gradients
  let pendingUnits = 0;
  let savedStep = step;
  let stoppedBy: StopReason = 'epochs';
  // The current epoch's start and running loss (also read when the time budget cuts it short).
  let epochStart = 0;
  let lossSum = 0;
  let lossCount = 0;
  try {
    epochs: for (; epoch < options.epochs; epoch++, position = 0) {
      epochStart = now();
      const order = batchOrder(data.batchCount, options.seed, epoch, shuffle);
      lossSum = 0;
      lossCount = 0;
      for (; position < data.batchCount; ) {
        if (options.maxTimeMs !== undefined && now() - started > options.maxTimeMs) {
          stoppedBy = 'time-budget';
          break epochs;
        }
        const batch = data.batch(order[position] as number);
        const chunked = options.truncatedBptt;
        const units = chunked ? chunksOf(batch, chunked.steps) : [batch];
        const lastBatch = position === data.batchCount - 1;
        let carried: States | undefined;
        try {
          for (const [u, unit] of units.entries()) {
            // Dropout masks from (seed, step, position, chunk): reproducible after a restart.
            const seed =
              (options.seed ^ Math.imul(step * 131 + position * 7 + u + 1, 0x85ebca6b)) >>> 0;
            let computed: BatchGradients;
            if (options.parallel) {
              computed = await options.parallel.gradients(unit, seed, step, (part, random) =>
                options.loss(model, part, random),
              );
            } else {
              const random = new Random(seed);
              let next: States | undefined;
              const { value, grads } = parameterGradients(parameters, () =>
                tf.tidy(() => {
                  if (!chunked) return options.loss(model, unit, random);
                  const result = chunked.loss(model, unit, random, carried);
                  next = Object.fromEntries(
                    Object.entries(result.states).map(([k, v]) => [
                      k,
                      v.c ? { h: tf.keep(v.h), c: tf.keep(v.c) } : { h: tf.keep(v.h) },
                    ]),
                  );
                  return result.loss;
                }),
              );
              tf.dispose(stateTensors(carried));
              carried = next;
              computed = { loss: (await value.data())[0] as number, grads };
              value.dispose();
            }
            const { loss, grads } = computed;
            if (!Number.isFinite(loss)) {
              tf.dispose([...grads.values()]);
              throw new DivergenceError(step + 1, epoch, `the loss (${loss})`);
            }
            if (pending) {
              for (const [p, g] of grads) {
                const sum = tf.add(pending.get(p) as tf.Tensor, g);
                tf.dispose([pending.get(p) as tf.Tensor, g]);
                pending.set(p, sum);
              }
            } else {
              pending = grads;
            }
            pendingUnits++;
            lossSum += loss;
            lossCount++;
            const endOfEpoch = lastBatch && u === units.length - 1;
            if (pendingUnits < accumulate && !endOfEpoch) continue;
            let ready = pending;
            pending = undefined;
            pendingUnits = 0;
            if (options.clipValue !== undefined) ready = clipGradValue(ready, options.clipValue);
            const norm = clipGradNorm(ready, options.clipNorm ?? Number.POSITIVE_INFINITY);
            ready = norm.grads;
            const normValue = (await norm.totalNorm.data())[0] as number;
            norm.totalNorm.dispose();
            if (!Number.isFinite(normValue)) {
              tf.dispose([...ready.values()]);
              throw new DivergenceError(step + 1, epoch, `the gradient norm (${normValue})`);
            }
            const lr = lrNow();
            options.optimizer.step(ready, lr);
            tf.dispose([...ready.values()]);
            step++;
            options.onBatchEnd?.({
              epoch,
              position: position + 1,
              batchCount: data.batchCount,
              step,
              loss,
              lr,
              tokens: unit.tokens ?? unit.targets.size,
            });
          }
        } finally {
          tf.dispose([...stateTensors(carried), batch.inputs, batch.targets]);
          if (chunked) tf.dispose(units.flatMap((c) => [c.inputs, c.targets]));
        }
        position++;
        // Checkpoints fall on batch boundaries with no gradients pending, so nothing is lost.
        const every = options.checkpoint?.everySteps;
        if (every && !pending && step - savedStep >= every && position < data.batchCount) {
          await options.checkpoint?.save(snapshot(epoch, position));
          savedStep = step;
        }
      }
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / Math.max(1, lossCount),
        lr: lrNow(),
        seconds: (now() - epochStart) / 1000,
      };
      await validate(record);
      history.push(record);
      options.schedule?.endEpoch(record.validationLoss);
      options.onEpochEnd?.(record);
      if (options.earlyStopping) {
        const monitored = monitoredValue(record, options.earlyStopping.monitor);
        if (!best || monitored < best.loss - (options.earlyStopping.minDelta ?? 0)) {
          if (best) tf.dispose([...best.weights.values()]);
          best = { loss: monitored, epoch, weights: copies(parameters) };
          badEpochs = 0;
        } else {
          badEpochs++;
        }
      }
      await options.checkpoint?.save(snapshot(epoch + 1, 0));
      savedStep = step;
      if (options.earlyStopping && badEpochs >= options.earlyStopping.patience) {
        stoppedBy = 'early-stopping';
        break;
      }
    }
    if (stoppedBy === 'time-budget') {
      await options.checkpoint?.save(snapshot(epoch, position));
      if (position > 0 && (options.validation || options.validationMetrics)) {
        const record: EpochRecord = {
          epoch,
          trainLoss: lossSum / Math.max(1, lossCount),
          lr: lrNow(),
          seconds: (now() - epochStart) / 1000,
          partialBatches: position,
        };
        await validate(record);
        history.push(record);
        options.onEpochEnd?.(record);
        // The partly trained weights win if they validate at least as well as the best epoch.
        if (best && monitoredValue(record, options.earlyStopping?.monitor) <= best.loss) {
          tf.dispose([...best.weights.values()]);
          best = undefined;
        }
      }
    }
  } finally {
    if (pending) tf.dispose([...pending.values()]);
  }
  // With early stopping the run ends on its best weights, however it ends (as Keras'
  // restore_best_weights, also after all epochs or the time budget).
  if (best) assign(parameters, best.weights);
  const bestEpoch = best?.epoch;
  if (best) tf.dispose([...best.weights.values()]);
  return { history, stoppedBy, step, ...(bestEpoch !== undefined ? { bestEpoch } : {}) };
}
