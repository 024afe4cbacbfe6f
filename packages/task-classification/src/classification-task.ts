// The classification task: a model from a classification spec, its text encoding and its labels,
// with train (core's trainWithSpec over length-bucketed batches), evaluate, predict, and save/load
// as in-memory model files. Runs in any runtime; folders and file readers are in `/node`.
import {
  type Batch,
  classificationReport,
  compile,
  type Model,
  ModelFileError,
  type ModelFiles,
  type ModelSpec,
  modelFromFiles,
  modelToFiles,
  SpecValidationError,
  type Task,
  TaskError,
  type TaskOptions,
  type TaskTrainOptions,
  type TrainingData,
  type TrainResult,
  trainWithSpec,
  validateSpec,
} from '@recurrent/core';
import { bucketByLength, padBatch, Vocabulary } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';
import { type EncodedText, TextEncoding, type TokenizerSpec } from './text-encoding.js';
import {
  type ClassificationLoss,
  type ClassificationTargetConfig,
  classificationLogits,
  classificationLoss,
  classificationLossKind,
  labelLogProbabilities,
} from './training-target.js';

export interface LabelledTexts {
  texts: readonly string[];
  labels: readonly string[];
}

/** Options of `train`: every task's (TaskTrainOptions) with labelled validation texts. */
export type TrainOptions = TaskTrainOptions<LabelledTexts>;

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
  /** Mean loss of the true labels, as training computes it (cross-entropy with the spec's label
   * smoothing, or binary cross-entropy). */
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
export class LabelError extends TaskError {
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

export class ClassificationTask implements Task<LabelledTexts, Evaluation> {
  readonly task = 'classification';
  /** The loss the spec trains with; it also decides the head's size and the probabilities. */
  readonly loss: ClassificationLoss;

  private constructor(
    readonly spec: ModelSpec,
    private model: Model | undefined,
    private encoding: TextEncoding | undefined,
    private labelNames: string[] | undefined,
    private readonly backend: string | undefined,
  ) {
    this.loss = classificationLossKind(spec);
  }

  /** An untrained task (the vocabulary and labels come from the training data). */
  static create(spec: unknown, options: TaskOptions = {}): ClassificationTask {
    const result = validateSpec(spec);
    if (!result.ok) throw new SpecValidationError(result.errors);
    if (result.spec.task !== 'classification') {
      throw new TaskError(
        `a classification task needs task "classification", the spec says "${result.spec.task}"`,
      );
    }
    return new ClassificationTask(result.spec, undefined, undefined, undefined, options.backend);
  }

  /** A trained task from the files its save() wrote (model folders: `@recurrent/core/node`). */
  static async load(files: ModelFiles, options: TaskOptions = {}): Promise<ClassificationTask> {
    const { model, metadata } = await modelFromFiles(
      files,
      options.backend ? { backend: options.backend } : {},
    );
    try {
      if (metadata.task !== 'classification' || !Array.isArray(metadata.labels)) {
        throw new ModelFileError(
          'model.json: not a classification model (no labels in its metadata)',
        );
      }
      const spec = model.spec;
      const encoding = new TextEncoding(
        spec.input?.tokenizer as TokenizerSpec,
        Vocabulary.fromJson(metadata.vocabulary, 'model.json vocabulary'),
        (metadata.maxLength as number | undefined) ?? spec.input?.maxLength ?? defaultMaxLength,
      );
      return new ClassificationTask(
        spec,
        model,
        encoding,
        metadata.labels as string[],
        options.backend,
      );
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  get labels(): readonly string[] {
    if (!this.labelNames)
      throw new Error('the task has no labels yet: train it or load a trained one');
    return this.labelNames;
  }

  /** Builds the vocabulary and label set from `data`, then trains with the spec's settings. */
  async train(data: LabelledTexts, options: TrainOptions = {}): Promise<TrainResult> {
    checkLabelled(data, 'training data');
    const spec = this.spec;
    const input = spec.input;
    if (!input?.tokenizer) throw new TaskError('classification needs text input: input.tokenizer');
    // Vocabulary and labels are kept only once the data passed every check below, so a failed
    // train leaves the task as it was.
    const encoding =
      this.encoding ??
      TextEncoding.build(
        data.texts,
        input.tokenizer as TokenizerSpec,
        input.vocabulary ?? {},
        input.maxLength ?? defaultMaxLength,
      );
    // The spec's `labels` fix the label set and its order (the head's rows); else the data's, sorted.
    const labelNames =
      this.labelNames ?? (spec.labels ? [...spec.labels] : [...new Set(data.labels)].sort());
    if (spec.labels) labelIds(data.labels, labelNames, 'training data', 'the spec does not list');
    if (this.loss === 'bce-with-logits' && labelNames.length !== 2) {
      throw new LabelError(
        `training data: bce-with-logits (one logit) classifies between 2 labels, the data has ${labelNames.length} (${labelNames.join(', ')}); use cross-entropy and a head of "auto" units`,
      );
    }
    // Validation texts are encoded and their labels checked once, before the first epoch.
    let validation: { encoded: EncodedText[]; actual: number[] } | undefined;
    if (options.validation) {
      checkLabelled(options.validation, 'validation data');
      validation = {
        encoded: options.validation.texts.map((t) => encoding.encode(t)),
        actual: labelIds(
          options.validation.labels,
          labelNames,
          'validation data',
          'the training data does not have',
        ),
      };
    }
    this.encoding = encoding;
    this.labelNames = labelNames;
    const config = this.#targetConfig();
    this.model ??= await compile(spec, {
      ...(this.backend ? { backend: this.backend } : {}),
      vocabularySize: config.vocabularySize,
      outputSize: config.outputSize,
    });
    const { validation: _, ...runOptions } = options;
    return trainWithSpec(
      this.model,
      this.#batches(data, spec.training.seed),
      {
        spec,
        loss: classificationLoss(spec),
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
        parallel: { task: 'classification', config },
      },
      runOptions,
    );
  }

  /** What a data-parallel worker needs to build the same model (see training-target.ts). */
  #targetConfig(): ClassificationTargetConfig {
    return {
      spec: this.spec,
      vocabularySize: (this.encoding as TextEncoding).vocabulary.size,
      outputSize: this.loss === 'bce-with-logits' ? 1 : this.labels.length,
    };
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
   * (as training computes it: cross-entropy with label smoothing, or binary cross-entropy) on `data`.
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
        labelLogProbabilities(
          classificationLogits(model, {
            tokens: tf.tensor2d(padded.ids, [padded.rows, padded.steps], 'int32'),
            lengths: padded.lengths,
          }),
          this.loss,
        ),
      );
      const values = (await logits.data()) as Float32Array;
      logits.dispose();
      for (const [k, r] of rows.entries()) out.set(values.subarray(k * C, (k + 1) * C), r * C);
    }
    return out;
  }

  /** The model as in-memory files: the spec, weights, vocabulary, labels and maxLength. */
  async save(metadata: Record<string, unknown> = {}): Promise<ModelFiles> {
    const { model, encoding } = this.#trained();
    return modelToFiles(model, {
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
