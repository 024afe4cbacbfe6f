// The translation task: an encoder-decoder from a translation spec with its two tokenizers and
// vocabularies. It trains on sentence pairs through core's trainWithSpec (teacher forcing drawn per
// batch from the spec's schedule; BLEU on validation pairs each epoch), evaluates (BLEU, token
// accuracy, perplexity), translates with greedy or beam search and attention maps, and saves to and
// loads from in-memory model files. Runs in any runtime; file readers are in `/node`.
import {
  checkpointWeightProblems,
  loadTaskModel,
  type Model,
  ModelFileError,
  type ModelFileSource,
  type ModelFiles,
  type ModelSpec,
  modelToFiles,
  seq2seqLoss,
  TaskError,
  type TaskOptions,
  type TaskTrainOptions,
  type TrainingState,
  type TrainResult,
  trainWithSpec,
} from '@recurrent/core';
import { createTokenizer, type TokenizerOptions, Vocabulary } from '@recurrent/data';
import { trainingBatches } from './batches.js';
import type {
  EvaluateOptions,
  TranslateOptions,
  Translation,
  TranslationEvaluation,
  TranslationPairs,
  TranslationTaskApi,
} from './contract.js';
import { evaluateDecoding, translateDecoding } from './decoding-options.js';
import { bleuOf, type TeacherForced, teacherForced, translations } from './evaluation.js';
import { type EncodedPair, PairEncoding, type SkippedPairs } from './pair-encoding.js';
import {
  asTranslationModel,
  compileTranslationModel,
  type TranslationModel,
} from './seq2seq-model.js';
import type { TranslationTargetConfig } from './training-target.js';
import { translateOne } from './translate.js';
import {
  type SideSettings,
  type TranslationSettings,
  translationSettings,
} from './translation-spec.js';

/** The contract's train options: `validation` pairs are scored after each epoch. */
export type TranslationTrainOptions = TaskTrainOptions<TranslationPairs>;

export interface TranslationTrainResult extends TrainResult {
  /** Training pairs used, and those left out (a side longer than its maxLength, or empty). */
  pairs: { trained: number; skipped: SkippedPairs };
}

/** Checks that `pairs` is a non-empty list of { source, target } strings, naming the first bad one. */
function checkPairs(pairs: unknown, what: string): TranslationPairs {
  if (!Array.isArray(pairs)) {
    throw new TypeError(
      `${what} must be an array of { source, target } pairs, got ${pairs === null ? 'null' : typeof pairs}`,
    );
  }
  if (pairs.length === 0) throw new TaskError(`${what}: no pairs`);
  pairs.forEach((pair, i) => {
    const p = pair as { source?: unknown; target?: unknown } | null;
    if (typeof p !== 'object' || p === null) {
      throw new TypeError(`${what}: pair ${i} must be an object { source, target }`);
    }
    for (const side of ['source', 'target'] as const) {
      if (typeof p[side] !== 'string') {
        throw new TypeError(
          `${what}: pair ${i} has a ${side} that is not a string (${p[side] === null ? 'null' : typeof p[side]})`,
        );
      }
    }
  });
  return pairs as TranslationPairs;
}

function checkTexts(texts: unknown): readonly string[] {
  if (!Array.isArray(texts)) {
    throw new TypeError(
      `translate takes an array of texts, got ${texts === null ? 'null' : typeof texts}`,
    );
  }
  texts.forEach((text, i) => {
    if (typeof text !== 'string') {
      throw new TypeError(`translate: text ${i} must be a string, got ${typeof text}`);
    }
  });
  return texts as readonly string[];
}

/** The tokenizer settings saved with a model, which must agree with its spec. */
function savedTokenizer(saved: unknown, spec: TokenizerOptions, where: string): TokenizerOptions {
  const options = saved as TokenizerOptions | null;
  if (!options || typeof options !== 'object' || !['char', 'word'].includes(options.type)) {
    throw new ModelFileError(`${where} must be the tokenizer settings ({ "type": "word", ... })`);
  }
  for (const [key, value] of Object.entries(spec)) {
    const stored = (options as unknown as Record<string, unknown>)[key];
    if (stored !== value) {
      throw new ModelFileError(
        `${where}.${key} is ${JSON.stringify(stored)} but the spec says ${JSON.stringify(value)}`,
      );
    }
  }
  try {
    createTokenizer(options);
  } catch (error) {
    throw new ModelFileError(`${where}: ${(error as Error).message}`);
  }
  return options;
}

function savedVocabulary(saved: unknown, where: string, size: number | undefined): Vocabulary {
  let vocabulary: Vocabulary;
  try {
    vocabulary = Vocabulary.fromJson(saved, where);
  } catch (error) {
    throw new ModelFileError((error as Error).message);
  }
  if (vocabulary.size !== size) {
    throw new ModelFileError(
      `${where} has ${vocabulary.size} tokens but the model was built for ${size}`,
    );
  }
  return vocabulary;
}

/** A checkpoint's weights must be this model's: the same names and shapes. */
function checkResume(model: Model, state: TrainingState): void {
  const problems = checkpointWeightProblems(model, state.weights);
  if (problems.length > 0) {
    throw new TaskError(
      `resume: the checkpoint does not fit this model (${problems.join('; ')}): it was written for another spec or other training pairs`,
    );
  }
}

export class TranslationTask implements TranslationTaskApi {
  readonly task = 'translation';
  readonly spec: ModelSpec;
  #model: TranslationModel | undefined;
  #encoding: PairEncoding | undefined;
  #disposed = false;

  private constructor(
    private readonly settings: TranslationSettings,
    private readonly backend: string | undefined,
    model?: TranslationModel,
    encoding?: PairEncoding,
  ) {
    this.spec = settings.spec;
    this.#model = model;
    this.#encoding = encoding;
  }

  /**
   * An untrained task; its vocabularies come from the training pairs. Refuses a spec of another
   * task or one this task cannot honour, naming every problem by spec path.
   */
  static create(spec: unknown, options: TaskOptions = {}): TranslationTask {
    return new TranslationTask(translationSettings(spec), options.backend);
  }

  /** A trained task from files written by save(); `source` names the files in errors. */
  static async load(
    files: ModelFiles,
    options: TaskOptions & { source?: ModelFileSource } = {},
  ): Promise<TranslationTask> {
    const { backend } = options;
    // The model, checked to be a translation model with valid settings; disposed if the rest throws.
    return loadTaskModel(
      files,
      'translation',
      options,
      translationSettings,
      ({ model, metadata, where, settings }) => {
        const side = (name: 'source' | 'target', spec: SideSettings, size: number | undefined) => {
          const saved = metadata[name] as { tokenizer?: unknown; vocabulary?: unknown } | undefined;
          return {
            tokenizer: savedTokenizer(
              saved?.tokenizer,
              spec.tokenizer,
              `${where}: metadata.${name}.tokenizer`,
            ),
            vocabulary: savedVocabulary(
              saved?.vocabulary,
              `${where}: metadata.${name}.vocabulary`,
              size,
            ),
          };
        };
        const s = side('source', settings.source, model.sizes.vocabularySize);
        const t = side('target', settings.target, model.sizes.outputSize);
        const encoding = new PairEncoding(s.tokenizer, s.vocabulary, t.tokenizer, t.vocabulary);
        return new TranslationTask(settings, backend, asTranslationModel(model), encoding);
      },
    );
  }

  /** The source-language vocabulary built from the training pairs (or loaded with the model). */
  get sourceVocabulary(): Vocabulary {
    return this.#trained().encoding.sourceVocabulary;
  }

  get targetVocabulary(): Vocabulary {
    return this.#trained().encoding.targetVocabulary;
  }

  /**
   * Trains on `pairs` with the spec's settings. The first call builds both vocabularies from the
   * pairs training keeps; later calls (and a loaded task) keep them. Pairs with a side longer than
   * its maxLength (end token counted) or with no tokens are skipped and counted in the result.
   */
  async train(
    pairs: TranslationPairs,
    options: TranslationTrainOptions = {},
  ): Promise<TranslationTrainResult> {
    checkPairs(pairs, 'training data');
    this.#checkNotDisposed();
    const { source, target, spec } = this.settings;
    // Vocabularies are kept only once every check below passed: a failed train changes nothing.
    const encoding = this.#encoding ?? PairEncoding.build(pairs, source, target).encoding;
    const training = encoding.encodeTraining(pairs, source, target);
    if (training.pairs.length === 0) {
      throw new TaskError(
        `training data: none of the ${pairs.length} pairs can train (${describeSkipped(training.skipped, source, target)})`,
      );
    }
    let validation: EncodedPair[] | undefined;
    let references: string[] = [];
    if (options.validation !== undefined) {
      const given = checkPairs(options.validation, 'validation data');
      validation = encoding.encodeAll(given);
      references = given.map((p) => p.target);
    }
    this.#encoding = encoding;
    this.#model ??= await compileTranslationModel(spec, this.#sizes(), this.backend);
    const model = this.#model;
    if (options.resume) checkResume(model, options.resume);
    const { validation: _, ...runOptions } = options;
    const result = await trainWithSpec(
      model,
      trainingBatches(training.pairs, {
        batchSize: spec.training.batchSize,
        seed: spec.training.seed,
        teacherForcing: spec.training.teacherForcing,
      }),
      {
        spec,
        loss: seq2seqLoss,
        ...(validation
          ? {
              validationMetrics: () =>
                this.#validationMetrics(validation as EncodedPair[], references),
            }
          : {}),
        parallel: { task: 'translation', config: this.#targetConfig() },
      },
      runOptions,
    );
    return {
      ...result,
      pairs: { trained: training.pairs.length, skipped: training.skipped },
    };
  }

  /**
   * The validation metrics of an epoch in one pass: teacher-forced loss (the validation loss),
   * perplexity and token accuracy, and BLEU of the batched greedy translations.
   */
  async #validationMetrics(
    pairs: EncodedPair[],
    references: readonly string[],
  ): Promise<Record<string, number>> {
    const { model, encoding } = this.#trained();
    const forced = await teacherForced(model, pairs);
    const outputs = await translations(model, pairs, evaluateDecoding(this.spec.decoding));
    return {
      loss: forced.loss,
      perplexity: Math.exp(forced.loss),
      accuracy: forced.tokenAccuracy,
      bleu: bleuOf(encoding, outputs, references).score,
    };
  }

  /**
   * BLEU of the translations of every source against its target (greedy unless asked), the
   * model's teacher-forced token accuracy, loss and perplexity, and the share of unknown source
   * tokens. Every pair counts, however long (training's skip rules do not apply).
   */
  async evaluate(
    pairs: TranslationPairs,
    options: EvaluateOptions = {},
  ): Promise<TranslationEvaluation> {
    checkPairs(pairs, 'evaluation data');
    const decoding = evaluateDecoding(this.spec.decoding, options);
    const { model, encoding } = this.#trained();
    const encoded = encoding.encodeAll(pairs);
    const forced: TeacherForced = await teacherForced(model, encoded);
    const outputs = await translations(model, encoded, decoding);
    const bleu = bleuOf(
      encoding,
      outputs,
      pairs.map((p) => p.target),
    );
    let sourceTokens = 0;
    let unknown = 0;
    for (const e of encoded) {
      sourceTokens += e.source.length;
      unknown += e.source.unknown;
    }
    return {
      bleu: bleu.score,
      bleuDetails: bleu,
      strategy: decoding.strategy,
      ...(decoding.beam ? { beamWidth: decoding.beam.width } : {}),
      tokenAccuracy: forced.tokenAccuracy,
      loss: forced.loss,
      perplexity: Math.exp(forced.loss),
      pairs: pairs.length,
      unknownSourceRate: sourceTokens === 0 ? 0 : unknown / sourceTokens,
    };
  }

  /**
   * Each text translated (greedy or beam search, as the options and then the spec's decoding
   * block say), with its score, the n-best when asked and the attention of each output token.
   * A source of any length translates; an empty one is read as <eos> alone. An aborted signal
   * rejects with the signal's reason.
   */
  async translate(
    texts: readonly string[],
    options: TranslateOptions = {},
  ): Promise<Translation[]> {
    checkTexts(texts);
    const decoding = translateDecoding(this.spec.decoding, options);
    const { model, encoding } = this.#trained();
    const out: Translation[] = [];
    for (const text of texts) {
      options.signal?.throwIfAborted();
      const translation = await translateOne(
        model,
        encoding,
        text,
        encoding.encodeSource(text),
        decoding,
        options.signal,
      );
      options.signal?.throwIfAborted();
      out.push(translation);
    }
    return out;
  }

  /** The model as in-memory files: the spec, weights, and both tokenizers and vocabularies. */
  async save(metadata: Record<string, unknown> = {}): Promise<ModelFiles> {
    const { model, encoding } = this.#trained();
    return modelToFiles(model, {
      ...metadata,
      task: 'translation',
      source: {
        tokenizer: encoding.sourceTokenizer.options,
        vocabulary: encoding.sourceVocabulary.toJson(),
      },
      target: {
        tokenizer: encoding.targetTokenizer.options,
        vocabulary: encoding.targetVocabulary.toJson(),
      },
    });
  }

  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
    this.#encoding = undefined;
    this.#disposed = true;
  }

  #sizes() {
    const encoding = this.#encoding as PairEncoding;
    return {
      sourceVocabularySize: encoding.sourceVocabulary.size,
      targetVocabularySize: encoding.targetVocabulary.size,
    };
  }

  /** What a data-parallel worker needs to build the same model (see training-target.ts). */
  #targetConfig(): TranslationTargetConfig {
    return { spec: this.spec, ...this.#sizes() };
  }

  #checkNotDisposed(): void {
    if (this.#disposed) {
      throw new TaskError('the translation task was disposed: create or load another');
    }
  }

  #trained(): { model: TranslationModel; encoding: PairEncoding } {
    this.#checkNotDisposed();
    if (!this.#model || !this.#encoding) {
      throw new TaskError('the translation task is not trained: train it or load a trained one');
    }
    return { model: this.#model, encoding: this.#encoding };
  }
}

/** "3 have a side longer than maxLength (input 10, target 10), 1 an empty side" */
export function describeSkipped(
  skipped: SkippedPairs,
  source: Pick<SideSettings, 'maxLength'>,
  target: Pick<SideSettings, 'maxLength'>,
): string {
  const parts: string[] = [];
  if (skipped.tooLong > 0) {
    parts.push(
      `${skipped.tooLong} ${skipped.tooLong === 1 ? 'has' : 'have'} a side longer than its maxLength (input.maxLength ${source.maxLength ?? 'none'}, target.maxLength ${target.maxLength ?? 'none'}, the end token counted)`,
    );
  }
  if (skipped.empty > 0) {
    parts.push(`${skipped.empty} ${skipped.empty === 1 ? 'has' : 'have'} a side with no tokens`);
  }
  return parts.join('; ');
}
