// The classification task: a model from a classification spec, its text encoding and its labels,
// with train (core's fit over length-bucketed batches), evaluate, predict and save/load.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Batch,
  classificationReport,
  compile,
  createOptimizer,
  type EpochRecord,
  type FitOptions,
  type FitResult,
  fit,
  LrScheduler,
  type Model,
  type ModelSpec,
  parseSpec,
  type TrainingData,
  type TrainingState,
  validateSpec,
} from '@recurrent/core';
import { GradientWorkers, loadModel, saveModel } from '@recurrent/core/node';
import { bucketByLength, padBatch, Vocabulary } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';
import { type EncodedText, TextEncoding, type TokenizerSpec } from './text-encoding.js';
import { type ClassificationTargetConfig, classificationLoss } from './training-target.js';

export interface LabelledTexts {
  texts: readonly string[];
  labels: readonly string[];
}

export interface TrainOptions {
  validation?: LabelledTexts;
  epochs?: number;
  maxTimeMs?: number;
  onEpochEnd?: (record: EpochRecord) => void;
  /** After every batch: progress within an epoch. */
  onBatchEnd?: FitOptions['onBatchEnd'];
  /** Checkpoints of the run (see fit); the vocabulary and labels follow from the same data. */
  checkpoint?: FitOptions['checkpoint'];
  /** Continue a run from a checkpoint: pass the same spec and data, and the state loaded back. */
  resume?: TrainingState;
  /**
   * Data parallelism over `count` threads (Node): this one and `count - 1` worker threads running
   * `worker`, a module that imports the backend packages and calls
   * `serveGradients(classificationTrainingTarget)`. A run is reproducible for a given count; other
   * counts draw other dropout masks.
   */
  threads?: { count: number; worker: URL };
}

export interface Prediction {
  label: string;
  /** Probability of every label. */
  probabilities: Record<string, number>;
  /** Tokens in the text, unknown to the vocabulary, and whether maxLength cut it. */
  tokens: number;
  unknown: number;
  truncated: boolean;
}

export interface Evaluation {
  accuracy: number;
  macroF1: number;
  /** Mean cross-entropy of the true labels (with the spec's label smoothing). */
  loss: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  /** confusion[true label][predicted label]. */
  confusion: Record<string, Record<string, number>>;
  count: number;
}

const defaultMaxLength = 256;
/** Texts per forward pass in evaluation: no gradients are kept, so larger batches are cheap. */
const evaluationBatch = 256;

/** Examples that do not fit the task: texts and labels that do not pair up, an unknown label. */
export class LabelError extends Error {
  override name = 'LabelError';
}

function checkLabelled(data: LabelledTexts, what: string): void {
  if (data.texts.length !== data.labels.length) {
    throw new LabelError(`${what}: ${data.texts.length} texts but ${data.labels.length} labels`);
  }
  if (data.texts.length === 0) throw new LabelError(`${what}: no examples`);
}

/** The index of each label among `known`, or a LabelError naming the first unknown one. */
function labelIds(
  labels: readonly string[],
  known: readonly string[],
  what: string,
  unknownReason: string,
): number[] {
  const index = new Map(known.map((l, i) => [l, i]));
  return labels.map((label, i) => {
    const id = index.get(label);
    if (id === undefined) {
      throw new LabelError(
        `${what}: example ${i + 1} has label "${label}", which ${unknownReason} (labels: ${known.join(', ')})`,
      );
    }
    return id;
  });
}

export class ClassificationTask {
  private constructor(
    readonly spec: ModelSpec,
    private model: Model | undefined,
    private encoding: TextEncoding | undefined,
    private labelNames: string[] | undefined,
    private readonly backend: string | undefined,
  ) {}

  /** An untrained task: the vocabulary and labels come from the training data. */
  static create(spec: unknown, options: { backend?: string } = {}): ClassificationTask {
    const result = typeof spec === 'string' ? parseSpec(spec) : validateSpec(spec);
    if (!result.ok) {
      throw new Error(
        `invalid classification spec:\n${result.errors.map((e) => `  ${e.pointer}: ${e.message}`).join('\n')}`,
      );
    }
    if (result.spec.task !== 'classification') {
      throw new Error(
        `a classification task needs task "classification", the spec says "${result.spec.task}"`,
      );
    }
    return new ClassificationTask(result.spec, undefined, undefined, undefined, options.backend);
  }

  /** A trained task from a model folder written by save(). */
  static async load(dir: string, options: { backend?: string } = {}): Promise<ClassificationTask> {
    const model = await loadModel(dir, options.backend ? { backend: options.backend } : {});
    const file = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
      metadata?: { task?: string; vocabulary?: unknown; labels?: unknown; maxLength?: number };
    };
    const metadata = file.metadata ?? {};
    if (metadata.task !== 'classification' || !Array.isArray(metadata.labels)) {
      model.dispose();
      throw new Error(
        `${dir}: not a classification model folder (no labels in model.json metadata)`,
      );
    }
    const spec = model.spec;
    const encoding = new TextEncoding(
      spec.input?.tokenizer as TokenizerSpec,
      Vocabulary.fromJson(metadata.vocabulary, `${dir}/model.json vocabulary`),
      metadata.maxLength ?? spec.input?.maxLength ?? defaultMaxLength,
    );
    return new ClassificationTask(
      spec,
      model,
      encoding,
      metadata.labels as string[],
      options.backend,
    );
  }

  get labels(): readonly string[] {
    if (!this.labelNames)
      throw new Error('the task has no labels yet: train it or load a trained one');
    return this.labelNames;
  }

  /** Builds the vocabulary and label set from `data`, then trains with the spec's settings. */
  async train(data: LabelledTexts, options: TrainOptions = {}): Promise<FitResult> {
    checkLabelled(data, 'training data');
    const spec = this.spec;
    const input = spec.input;
    if (!input?.tokenizer) throw new Error('classification needs text input: input.tokenizer');
    this.encoding ??= TextEncoding.build(
      data.texts,
      input.tokenizer as TokenizerSpec,
      input.vocabulary ?? {},
      input.maxLength ?? defaultMaxLength,
    );
    this.labelNames ??= [...new Set(data.labels)].sort();
    // Validation texts are encoded and their labels checked once, before the first epoch.
    let validation: { encoded: EncodedText[]; actual: number[] } | undefined;
    if (options.validation) {
      checkLabelled(options.validation, 'validation data');
      const encoding = this.encoding;
      validation = {
        encoded: options.validation.texts.map((t) => encoding.encode(t)),
        actual: labelIds(
          options.validation.labels,
          this.labelNames,
          'validation data',
          'the training data does not have',
        ),
      };
    }
    if (!this.model) {
      this.model = await compile(spec, {
        ...(this.backend ? { backend: this.backend } : {}),
        vocabularySize: this.encoding.vocabulary.size,
        outputSize: this.labelNames.length,
      });
    }
    const training = spec.training;
    const optimizer = createOptimizer(training.optimizer);
    let parallel: GradientWorkers | undefined;
    try {
      parallel = await this.#startThreads(options.threads);
      return await fit(this.model, this.#batches(data, training.seed), {
        epochs: options.epochs ?? training.epochs,
        optimizer,
        seed: training.seed,
        loss: classificationLoss(training.labelSmoothing),
        ...(parallel ? { parallel } : {}),
        ...(validation
          ? {
              // Loss, accuracy and macro-F1 each epoch in one pass, for the history and for
              // earlyStopping.monitor.
              validationMetrics: async () => {
                const v = validation as NonNullable<typeof validation>;
                const e = await this.#evaluateEncoded(v.encoded, v.actual, evaluationBatch);
                return { loss: e.loss, accuracy: e.accuracy, f1: e.macroF1 };
              },
            }
          : {}),
        ...(training.earlyStopping
          ? {
              earlyStopping: {
                patience: training.earlyStopping.patience,
                minDelta: training.earlyStopping.minDelta,
                monitor: training.earlyStopping.monitor,
              },
            }
          : {}),
        schedule: new LrScheduler(training.lrSchedule, optimizer.lr),
        ...(training.clipNorm !== undefined ? { clipNorm: training.clipNorm } : {}),
        ...(training.clipValue !== undefined ? { clipValue: training.clipValue } : {}),
        gradientAccumulation: training.gradientAccumulation,
        ...(options.maxTimeMs !== undefined ? { maxTimeMs: options.maxTimeMs } : {}),
        ...(options.onEpochEnd ? { onEpochEnd: options.onEpochEnd } : {}),
        ...(options.onBatchEnd ? { onBatchEnd: options.onBatchEnd } : {}),
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        ...(options.resume ? { resume: options.resume } : {}),
      });
    } finally {
      optimizer.dispose();
      await parallel?.dispose();
    }
  }

  /** Worker threads that each train some rows of every batch (none for one thread). */
  async #startThreads(threads: TrainOptions['threads']): Promise<GradientWorkers | undefined> {
    if (!threads || threads.count <= 1) return undefined;
    const model = this.model as Model;
    const config: ClassificationTargetConfig = {
      spec: this.spec,
      vocabularySize: (this.encoding as TextEncoding).vocabulary.size,
      outputSize: this.labels.length,
      backend: model.backend,
    };
    return GradientWorkers.start(model, {
      workers: threads.count - 1,
      script: threads.worker,
      config,
    });
  }

  /** Label and probabilities for each text, in batches of texts of similar length. */
  async predict(texts: readonly string[], batchSize = 64): Promise<Prediction[]> {
    const { encoding } = this.#trained();
    const labels = this.labels;
    const encoded = texts.map((t) => encoding.encode(t));
    const logProbabilities = await this.#logProbabilities(encoded, batchSize);
    return encoded.map((e, i) => {
      const row = Array.from(
        logProbabilities.subarray(i * labels.length, (i + 1) * labels.length),
        Math.exp,
      );
      const best = row.indexOf(Math.max(...row));
      return {
        label: labels[best] as string,
        probabilities: Object.fromEntries(labels.map((l, k) => [l, row[k] as number])),
        tokens: e.tokens,
        unknown: e.unknown,
        truncated: e.truncated,
      };
    });
  }

  /**
   * Accuracy, macro-F1, per-class precision/recall/F1, the confusion matrix and the mean loss
   * (cross-entropy with the spec's label smoothing, as in training) on `data`.
   */
  async evaluate(data: LabelledTexts, batchSize = evaluationBatch): Promise<Evaluation> {
    checkLabelled(data, 'evaluation data');
    const { encoding } = this.#trained();
    const actual = labelIds(data.labels, this.labels, 'evaluation data', 'the model does not know');
    return this.#evaluateEncoded(
      data.texts.map((t) => encoding.encode(t)),
      actual,
      batchSize,
    );
  }

  async #evaluateEncoded(
    encoded: readonly EncodedText[],
    actual: readonly number[],
    batchSize: number,
  ): Promise<Evaluation> {
    const labels = this.labels;
    const logProbabilities = await this.#logProbabilities(encoded, batchSize);
    const C = labels.length;
    const smoothing = this.spec.training.labelSmoothing;
    let lossSum = 0;
    const predicted = actual.map((target, i) => {
      const row = logProbabilities.subarray(i * C, (i + 1) * C);
      let best = 0;
      let mean = 0;
      for (let k = 0; k < C; k++) {
        if ((row[k] as number) > (row[best] as number)) best = k;
        mean += (row[k] as number) / C;
      }
      lossSum -= (1 - smoothing) * (row[target] as number) + smoothing * mean;
      return best;
    });
    const report = classificationReport(predicted, actual, C);
    return {
      accuracy: report.accuracy,
      macroF1: report.macro.f1,
      loss: lossSum / actual.length,
      perClass: Object.fromEntries(
        labels.map((l, i) => [l, report.perClass[i] as Evaluation['perClass'][string]]),
      ),
      confusion: Object.fromEntries(
        labels.map((l, i) => [
          l,
          Object.fromEntries(labels.map((m, j) => [m, report.confusion[i]?.[j] as number])),
        ]),
      ),
      count: actual.length,
    };
  }

  /**
   * Log-probabilities of every label, [texts × labels] in the order given. Texts are batched by
   * length (shortest first), so a batch pads little: SST-2's lengths run from 1 to 56 tokens.
   */
  async #logProbabilities(
    encoded: readonly EncodedText[],
    batchSize: number,
  ): Promise<Float32Array> {
    const { model } = this.#trained();
    const C = this.labels.length;
    const out = new Float32Array(encoded.length * C);
    const order = encoded
      .map((_, i) => i)
      .sort(
        (a, b) => (encoded[a] as EncodedText).ids.length - (encoded[b] as EncodedText).ids.length,
      );
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.slice(start, start + batchSize);
      const padded = padBatch(rows.map((r) => (encoded[r] as EncodedText).ids));
      const logits = tf.tidy(() =>
        tf.logSoftmax(
          model.forward({
            tokens: tf.tensor2d(padded.ids, [padded.rows, padded.steps], 'int32'),
            lengths: padded.lengths,
          }).output,
        ),
      );
      const values = (await logits.data()) as Float32Array;
      logits.dispose();
      for (const [k, r] of rows.entries()) out.set(values.subarray(k * C, (k + 1) * C), r * C);
    }
    return out;
  }

  /** A model folder: the spec, weights, vocabulary, labels and maxLength. */
  async save(dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
    const { model, encoding } = this.#trained();
    await saveModel(model, dir, {
      ...metadata,
      task: 'classification',
      labels: this.labels,
      vocabulary: encoding.vocabulary.toJson(),
      maxLength: encoding.maxLength,
    });
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }

  #trained(): { model: Model; encoding: TextEncoding } {
    if (!this.model || !this.encoding)
      throw new Error('the task is not trained: train it or load a trained one');
    return { model: this.model, encoding: this.encoding };
  }

  /** Length-bucketed, right-padded batches (shuffled by fit when seeded). */
  #batches(data: LabelledTexts, seed: number): TrainingData {
    const encoding = this.encoding as TextEncoding;
    const encoded: EncodedText[] = data.texts.map((t) => encoding.encode(t));
    // A loaded model trained further keeps its labels: new data may bring others.
    const targets = labelIds(data.labels, this.labels, 'training data', 'the model does not know');
    const buckets = bucketByLength(
      encoded.map((e) => e.ids.length),
      this.spec.training.batchSize,
      seed,
    );
    return {
      batchCount: buckets.length,
      batch(i: number): Batch {
        const rows = buckets[i] as number[];
        const padded = padBatch(rows.map((r) => (encoded[r] as EncodedText).ids));
        return {
          inputs: {
            tokens: tf.tensor2d(padded.ids, [padded.rows, padded.steps], 'int32'),
            lengths: padded.lengths,
          },
          targets: tf.tensor1d(
            rows.map((r) => targets[r] as number),
            'int32',
          ),
          tokens: padded.lengths.reduce((a, b) => a + b, 0),
        };
      },
    };
  }
}
