// The tagging task: a tagger from a tagging spec (word embedding, optionally a character encoder of
// each word, recurrent layers, a head with one score per tag, a softmax or CRF output), with its
// word vocabulary and tag set. It trains through core's trainWithSpec (validation loss, accuracy
// and F1 each epoch), evaluates (token accuracy, per-tag and span scores, unseen tags counted),
// tags given tokens, and saves to and loads from in-memory model files. Runs in any runtime; the
// CoNLL file readers are in `/node`.
import {
  type AllowedTransitions,
  checkpointWeightProblems,
  crfDecode,
  crfLayerOf,
  crfLogPartition,
  crfPathScore,
  loadTaskModel,
  type Model,
  ModelFileError,
  type ModelFileSource,
  type ModelFiles,
  type ModelSpec,
  modelToFiles,
  type Scores,
  schemeViolation,
  spanReport,
  spanScheme,
  type Task,
  TaskError,
  type TaskOptions,
  type TaskTrainOptions,
  type TrainingState,
  type TrainResult,
  taggingReport,
  trainWithSpec,
} from '@recurrent/core';
import { CharacterVocabulary, padCharacters, Vocabulary } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';
import { type EncodedSentence, inferenceOrder, trainingBatches, wordInputs } from './batches.js';
import type {
  TaggedSentenceResult,
  TaggedSentences,
  TaggingEvaluation,
  TagOptions,
} from './contract.js';
import { checkTagged, checkTokens, pieces, sentenceName, TaggingDataError } from './sentences.js';
import { type TaggingSettings, taggingSettings } from './tagging-settings.js';
import {
  compileTagger,
  crfConstraints,
  emissions,
  type TaggingTargetConfig,
  taggingLoss,
} from './training-target.js';
import { WordEncoding } from './word-encoding.js';

/** Options of `train`: every task's, with tagged validation sentences. */
export type TaggingTrainOptions = TaskTrainOptions<TaggedSentences>;

export interface TaggingTrainResult extends TrainResult {
  sentences: {
    /** Sentences trained on (those with tokens). */
    trained: number;
    /** Rows they made: a sentence longer than input.maxLength trains as several pieces. */
    pieces: number;
    /** Sentences with no tokens, left out. */
    empty: number;
  };
}

/** Sentences per forward pass in evaluation and tagging (no gradients kept). */
const inferenceBatch = 64;

/** What one sentence's scores say: the chosen tags, and the scores behind them. */
interface SentenceScores {
  tags: number[];
  /** softmax: log-probability of every tag at every token, [length × K]. */
  logProbabilities?: Float32Array;
  /** crf: the Viterbi path's score. */
  score?: number;
  /** crf, when gold tag ids were given: the negative log-likelihood of the gold path. */
  nll?: number;
}

/** A checkpoint's weights must be this model's: the same names and shapes. */
function checkResume(model: Model, state: TrainingState): void {
  const problems = checkpointWeightProblems(model, state.weights);
  if (problems.length > 0) {
    throw new TaskError(
      `resume: the checkpoint does not fit this model (${problems.join('; ')}): it was written for another spec or other training data`,
    );
  }
}

export class TaggingTask implements Task<TaggedSentences, TaggingEvaluation> {
  readonly task = 'tagging';
  readonly spec: ModelSpec;
  #model: Model | undefined;
  #words: WordEncoding | undefined;
  /** With a character encoder: the characters of the training words. */
  #characters: CharacterVocabulary | undefined;
  #tags: string[] | undefined;
  #column: string | undefined;
  #tokenColumn: number | undefined;
  #disposed = false;

  private constructor(
    private readonly settings: TaggingSettings,
    private readonly backend: string | undefined,
    trained?: {
      model: Model;
      words: WordEncoding;
      characters: CharacterVocabulary | undefined;
      tags: string[];
      column: string | undefined;
      tokenColumn: number | undefined;
    },
  ) {
    this.spec = settings.spec;
    this.#model = trained?.model;
    this.#words = trained?.words;
    this.#characters = trained?.characters;
    this.#tags = trained?.tags;
    this.#column = trained?.column;
    this.#tokenColumn = trained?.tokenColumn;
  }

  /**
   * An untrained task; its vocabulary and tags come from the training data. Refuses a spec of
   * another task or one this task cannot honour, naming each problem by spec path.
   */
  static create(spec: unknown, options: TaskOptions = {}): TaggingTask {
    return new TaggingTask(taggingSettings(spec), options.backend);
  }

  /** A trained task from files written by save(); `source` names the files in errors. */
  static async load(
    files: ModelFiles,
    options: TaskOptions & { source?: ModelFileSource } = {},
  ): Promise<TaggingTask> {
    const { backend } = options;
    // The model, checked to be a tagging model with valid settings; disposed if the rest throws.
    return loadTaskModel(
      files,
      'tagging',
      options,
      taggingSettings,
      ({ model, metadata, where, settings }) => {
        const tags = metadata.tags;
        if (
          !Array.isArray(tags) ||
          tags.length !== model.sizes.outputSize ||
          !tags.every((t) => typeof t === 'string' && t !== '') ||
          new Set(tags).size !== tags.length
        ) {
          throw new ModelFileError(
            `${where}: metadata.tags must be the ${model.sizes.outputSize} distinct tags of the head, in order`,
          );
        }
        let vocabulary: Vocabulary;
        try {
          vocabulary = Vocabulary.fromJson(metadata.vocabulary, `${where}: metadata.vocabulary`);
        } catch (error) {
          throw new ModelFileError((error as Error).message);
        }
        if (vocabulary.size !== model.sizes.vocabularySize) {
          throw new ModelFileError(
            `${where}: metadata.vocabulary has ${vocabulary.size} tokens but the model was built for ${model.sizes.vocabularySize}`,
          );
        }
        const column = metadata.column;
        if (column !== undefined && typeof column !== 'string') {
          throw new ModelFileError(`${where}: metadata.column must be a string`);
        }
        const tokenColumn = metadata.tokenColumn;
        if (
          tokenColumn !== undefined &&
          !(Number.isInteger(tokenColumn) && (tokenColumn as number) >= 1)
        ) {
          throw new ModelFileError(
            `${where}: metadata.tokenColumn must be a column number, 1 or more`,
          );
        }
        let characters: CharacterVocabulary | undefined;
        if (settings.characters) {
          try {
            characters = CharacterVocabulary.fromJson(
              metadata.characters,
              `${where}: metadata.characters`,
            );
          } catch (error) {
            throw new ModelFileError((error as Error).message);
          }
          if (characters.size !== model.sizes.characterVocabularySize) {
            throw new ModelFileError(
              `${where}: metadata.characters has ${characters.size} entries but the model was built for ${model.sizes.characterVocabularySize}`,
            );
          }
        }
        return new TaggingTask(settings, backend, {
          model,
          words: new WordEncoding(settings.tokenizer, vocabulary),
          characters,
          tags: tags as string[],
          column,
          tokenColumn: tokenColumn as number | undefined,
        });
      },
    );
  }

  /** The tags the model chooses from, in the head's order. */
  get tags(): readonly string[] {
    return this.#trained().tags;
  }

  /** Where the training tags came from ('upos', 'xpos', 'column 2'), if the data said. */
  get column(): string | undefined {
    return this.#column;
  }

  /** Column files: the 1-based column the training tokens came from, if the data said. */
  get tokenColumn(): number | undefined {
    return this.#tokenColumn;
  }

  /** The word vocabulary built from the training tokens (or loaded with the model). */
  get vocabulary(): Vocabulary {
    return this.#trained().words.vocabulary;
  }

  /**
   * Trains on `data` with the spec's settings. The first call builds the word vocabulary and the
   * tag set (the spec's `labels`, else the data's tags sorted); later calls and a loaded task keep
   * them. Sentences with no tokens are left out (counted in the result); a sentence longer than
   * input.maxLength trains as consecutive pieces of at most that many tokens.
   */
  async train(
    data: TaggedSentences,
    options: TaggingTrainOptions = {},
  ): Promise<TaggingTrainResult> {
    checkTagged(data, 'training data');
    this.#checkNotDisposed();
    const { spec, maxLength } = this.settings;
    const kept = data.tokens.flatMap((tokens, i) => (tokens.length > 0 ? [i] : []));
    if (kept.length === 0) {
      throw new TaggingDataError(
        `training data: none of the ${data.tokens.length} sentences has a token`,
      );
    }
    if (this.#column !== undefined && data.column !== undefined && data.column !== this.#column) {
      throw new TaggingDataError(
        `training data: its tags come from ${data.column}, but the model was trained on ${this.#column}`,
      );
    }
    if (
      this.#tokenColumn !== undefined &&
      data.tokenColumn !== undefined &&
      data.tokenColumn !== this.#tokenColumn
    ) {
      throw new TaggingDataError(
        `training data: its tokens come from column ${data.tokenColumn}, but the model was trained on tokens from column ${this.#tokenColumn}`,
      );
    }
    // Vocabulary and tags are kept only once every check below passed: a failed train changes nothing.
    const words =
      this.#words ??
      WordEncoding.build(
        kept.map((i) => data.tokens[i] as readonly string[]),
        this.settings.tokenizer,
        spec.input?.vocabulary ?? {},
      );
    const tags =
      this.#tags ??
      (spec.labels ? [...spec.labels] : undefined) ??
      [...new Set(kept.flatMap((i) => data.tags[i] as string[]))].sort();
    const tagIds = this.#tagIds(
      data,
      kept,
      tags,
      this.#tags ? 'the model does not know' : "the spec's labels do not list",
    );
    this.#checkScheme(data, kept, tags);
    let validation:
      | { sentences: EncodedSentence[]; gold: readonly (readonly string[])[] }
      | undefined;
    if (options.validation !== undefined) {
      const given = checkTagged(options.validation, 'validation data');
      validation = {
        sentences: given.tokens.map((tokens) => ({ tokens, ...words.encode(tokens) })),
        gold: given.tags,
      };
    }
    // The character encoder reads the tokens as written (before the tokenizer lowercases).
    const characters =
      this.#characters ??
      (this.settings.characters
        ? CharacterVocabulary.build(
            kept.flatMap((i) => data.tokens[i] as readonly string[]),
            { minFrequency: this.settings.characters.minFrequency },
          )
        : undefined);
    this.#words = words;
    this.#characters = characters;
    this.#tags = tags;
    this.#column ??= data.column;
    this.#tokenColumn ??= data.tokenColumn;
    const config = this.#targetConfig();
    this.#model ??= await compileTagger(config, this.backend);
    const model = this.#model;
    if (options.resume) checkResume(model, options.resume);
    const rows: EncodedSentence[] = [];
    const rowTags: Int32Array[] = [];
    for (const [k, i] of kept.entries()) {
      const tokens = data.tokens[i] as readonly string[];
      const ids = tagIds[k] as Int32Array;
      for (const [start, end] of pieces(tokens.length, maxLength)) {
        const piece = tokens.slice(start, end);
        rows.push({ tokens: piece, ...words.encode(piece) });
        rowTags.push(ids.slice(start, end));
      }
    }
    const { validation: _, ...runOptions } = options;
    const result = await trainWithSpec(
      model,
      trainingBatches(rows, rowTags, spec.training.batchSize, spec.training.seed, (r) =>
        this.#inputs(r),
      ),
      {
        spec,
        loss: taggingLoss(config),
        ...(validation
          ? {
              validationMetrics: async () => {
                const v = validation as NonNullable<typeof validation>;
                const e = await this.#evaluateEncoded(v.sentences, v.gold, inferenceBatch);
                return { loss: e.loss, accuracy: e.accuracy, f1: e.spans?.f1 ?? e.macroF1 };
              },
            }
          : {}),
        parallel: { task: 'tagging', config },
      },
      runOptions,
    );
    return {
      ...result,
      sentences: {
        trained: kept.length,
        pieces: rows.length,
        empty: data.tokens.length - kept.length,
      },
    };
  }

  /**
   * With CRF constraints, every tag must belong to the scheme and every training sentence follow
   * it: a broken one is refused by name (a CRF could never score its gold path).
   */
  #checkScheme(data: TaggedSentences, kept: readonly number[], tags: readonly string[]): void {
    const { output, constraints } = this.settings;
    if (output !== 'crf' || constraints === 'none') return;
    const fix = 'fix the data, or set tagging.constraints to "none"';
    try {
      crfConstraints(this.spec, tags);
    } catch (error) {
      throw new TaggingDataError(
        `training data: the tags do not fit tagging.constraints "${constraints}": ${(error as Error).message}; ${fix}`,
      );
    }
    for (const i of kept) {
      const problem = schemeViolation(data.tags[i] as string[], constraints);
      if (problem !== undefined) {
        throw new TaggingDataError(
          `training data: ${sentenceName(data, i)} breaks tagging.constraints "${constraints}": ${problem}; ${fix}`,
        );
      }
    }
  }

  /** Tag ids of the kept sentences; a tag outside a fixed set is an error naming where it is. */
  #tagIds(
    data: TaggedSentences,
    kept: readonly number[],
    tags: readonly string[],
    why: string,
  ): Int32Array[] {
    const index = new Map(tags.map((t, i) => [t, i]));
    return kept.map((i) =>
      Int32Array.from(data.tags[i] as string[], (tag, k) => {
        const id = index.get(tag);
        if (id === undefined) {
          throw new TaggingDataError(
            `training data: ${sentenceName(data, i)}, token ${k + 1} ("${data.tokens[i]?.[k]}") has tag "${tag}", which ${why} (tags: ${tags.join(', ')})`,
          );
        }
        return id;
      }),
    );
  }

  /**
   * Token accuracy, per-tag precision/recall/F1 and macro-F1, span scores when the tags follow
   * BIO/BIOES, the loss as training computes it, gold tags the model does not know (counted as
   * errors), and the share of unknown words. Whole sentences, however long; empty ones count as
   * sentences with no tokens.
   */
  async evaluate(data: TaggedSentences, batchSize = inferenceBatch): Promise<TaggingEvaluation> {
    checkTagged(data, 'evaluation data');
    const { words } = this.#trained();
    return this.#evaluateEncoded(
      data.tokens.map((tokens) => ({ tokens, ...words.encode(tokens) })),
      data.tags,
      batchSize,
    );
  }

  async #evaluateEncoded(
    sentences: readonly EncodedSentence[],
    gold: readonly (readonly string[])[],
    batchSize: number,
  ): Promise<TaggingEvaluation> {
    const tags = this.tags;
    const K = tags.length;
    const index = new Map(tags.map((t, i) => [t, i]));
    const unseenTags: Record<string, number> = {};
    // Gold ids of each sentence, or undefined where a gold tag is one the model does not know.
    const goldIds = gold.map((sentence) => {
      let known = true;
      const ids = Int32Array.from(sentence, (tag) => {
        const id = index.get(tag);
        if (id !== undefined) return id;
        unseenTags[tag] = (unseenTags[tag] ?? 0) + 1;
        known = false;
        return 0;
      });
      return known ? ids : undefined;
    });
    const scored = await this.#score(sentences, batchSize, goldIds);
    const predicted = scored.map((s) => s.tags.map((id) => tags[id] as string));
    const smoothing = this.spec.training.labelSmoothing;
    let lossSum = 0;
    let lossTokens = 0;
    let tokens = 0;
    let unknown = 0;
    for (const [i, sentence] of sentences.entries()) {
      tokens += sentence.ids.length;
      unknown += sentence.unknown;
      const s = scored[i] as SentenceScores;
      if (s.nll !== undefined) {
        // CRF: sentences whose gold tags the model knows, as training sums them (per token).
        lossSum += s.nll;
        lossTokens += sentence.ids.length;
        continue;
      }
      const logp = s.logProbabilities;
      if (!logp) continue;
      for (const [t, tag] of (gold[i] as readonly string[]).entries()) {
        const id = index.get(tag);
        if (id === undefined) continue;
        let mean = 0;
        for (let k = 0; k < K; k++) mean += (logp[t * K + k] as number) / K;
        lossSum -= (1 - smoothing) * (logp[t * K + id] as number) + smoothing * mean;
        lossTokens++;
      }
    }
    const report = taggingReport(gold, predicted);
    const scheme = spanScheme([...tags, ...Object.keys(unseenTags)]);
    return {
      accuracy: report.accuracy,
      tokens,
      sentences: sentences.length,
      loss: lossTokens === 0 ? Number.NaN : lossSum / lossTokens,
      perTag: report.perTag as Record<string, Scores>,
      macroF1: report.macroF1,
      ...(scheme ? { spans: spanReport(gold, predicted, { scheme }) } : {}),
      unseenTags,
      unknownWordRate: tokens === 0 ? 0 : unknown / tokens,
    };
  }

  /**
   * Tags for each sentence of given tokens (never re-tokenized), whole however long, with each
   * chosen tag's probability (softmax) or the best path's score (CRF, Viterbi), and the count of
   * tokens the vocabulary does not know. A sentence with no tokens gets no tags.
   */
  async tag(
    sentences: ReadonlyArray<readonly string[]>,
    options: TagOptions = {},
  ): Promise<TaggedSentenceResult[]> {
    checkTokens(sentences, 'tag');
    const { words, tags } = this.#trained();
    const encoded = sentences.map((tokens) => ({ tokens, ...words.encode(tokens) }));
    const scored = await this.#score(encoded, options.batchSize ?? inferenceBatch);
    const K = tags.length;
    return encoded.map((sentence, i) => {
      const s = scored[i] as SentenceScores;
      const logp = s.logProbabilities;
      return {
        tokens: [...sentence.tokens],
        tags: s.tags.map((id) => tags[id] as string),
        ...(logp
          ? { confidence: s.tags.map((id, t) => Math.exp(logp[t * K + id] as number)) }
          : {}),
        ...(s.score !== undefined ? { score: s.score } : {}),
        unknown: sentence.unknown,
      };
    });
  }

  /**
   * The chosen tags (and the scores behind them) of every sentence, batched by length: softmax
   * argmax per token, or the CRF's Viterbi path. With `gold` (CRF), each sentence with known gold
   * ids also gets the negative log-likelihood of its gold path.
   */
  async #score(
    sentences: readonly EncodedSentence[],
    batchSize: number,
    gold?: ReadonlyArray<Int32Array | undefined>,
  ): Promise<SentenceScores[]> {
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
      throw new TaskError(`batchSize must be a positive integer, got ${batchSize}`);
    }
    const { model } = this.#trained();
    const crf = this.settings.output === 'crf';
    // A sentence with no tokens has no tags (softmax: no confidences either).
    const out: SentenceScores[] = sentences.map(() =>
      crf ? { tags: [] } : { tags: [], logProbabilities: new Float32Array(0) },
    );
    const nonEmpty = sentences.flatMap((s, i) => (s.ids.length > 0 ? [i] : []));
    const allowed = crf ? crfConstraints(this.spec, this.tags) : undefined;
    for (const batch of inferenceOrder(
      nonEmpty.map((i) => (sentences[i] as EncodedSentence).ids.length),
      batchSize,
    )) {
      const rows = batch.map((b) => nonEmpty[b] as number);
      const encoded = rows.map((r) => sentences[r] as EncodedSentence);
      const inputs = this.#inputs(encoded);
      const scores = tf.tidy(() => emissions(model, inputs));
      for (const value of Object.values(inputs)) if (value instanceof tf.Tensor) value.dispose();
      try {
        if (crf) {
          await this.#crfRows(scores, rows, encoded, out, allowed, gold);
        } else {
          await this.#softmaxRows(scores, rows, encoded, out);
        }
      } finally {
        scores.dispose();
      }
    }
    return out;
  }

  /** Softmax: each token's most probable tag, with the log-probabilities of all tags. */
  async #softmaxRows(
    scores: tf.Tensor,
    rows: readonly number[],
    encoded: readonly EncodedSentence[],
    out: SentenceScores[],
  ): Promise<void> {
    const [, T, K] = scores.shape as [number, number, number];
    const logp = tf.logSoftmax(scores);
    const values = (await logp.data()) as Float32Array;
    logp.dispose();
    for (const [b, r] of rows.entries()) {
      const length = (encoded[b] as EncodedSentence).ids.length;
      const own = values.slice(b * T * K, (b * T + length) * K);
      const chosen: number[] = [];
      for (let t = 0; t < length; t++) {
        let best = 0;
        for (let k = 1; k < K; k++) {
          if ((own[t * K + k] as number) > (own[t * K + best] as number)) best = k;
        }
        chosen.push(best);
      }
      out[r] = { tags: chosen, logProbabilities: own };
    }
  }

  /** CRF: each row's Viterbi path and score, and with gold ids the NLL of the gold path. */
  async #crfRows(
    scores: tf.Tensor,
    rows: readonly number[],
    encoded: readonly EncodedSentence[],
    out: SentenceScores[],
    allowed: AllowedTransitions | undefined,
    gold: ReadonlyArray<Int32Array | undefined> | undefined,
  ): Promise<void> {
    const { model } = this.#trained();
    const lengths = Int32Array.from(encoded, (e) => e.ids.length);
    const best = await crfDecode(model, scores, lengths, allowed);
    let nll: Float32Array | undefined;
    if (gold) {
      const layer = crfLayerOf(model);
      if (!layer) throw new TaskError('the tagging model has no CRF layer for its output "crf"');
      const T = scores.shape[1] as number;
      const ids = new Int32Array(rows.length * T);
      for (const [b, r] of rows.entries()) ids.set(gold[r] ?? new Int32Array(0), b * T);
      const perRow = tf.tidy(() => {
        const targets = tf.tensor2d(ids, [rows.length, T], 'int32');
        return tf.sub(
          crfLogPartition(scores, lengths, layer, allowed),
          crfPathScore(scores, targets, lengths, layer, allowed),
        );
      });
      nll = (await perRow.data()) as Float32Array;
      perRow.dispose();
    }
    for (const [b, r] of rows.entries()) {
      out[r] = {
        tags: best.tags[b] as number[],
        score: best.scores[b] as number,
        ...(nll && gold?.[r] ? { nll: nll[b] as number } : {}),
      };
    }
  }

  /** The model inputs of some sentences. */
  #inputs(rows: readonly EncodedSentence[]) {
    const inputs = wordInputs(rows);
    const characters = this.#characters;
    const encoder = this.settings.characters;
    if (!characters || !encoder) return inputs;
    const padded = padCharacters(
      rows.map((r) => r.tokens),
      characters,
      encoder.maxLength,
    );
    return { ...inputs, characters: tf.tensor3d(padded.ids, padded.shape, 'int32') };
  }

  /** The model as in-memory files: the spec, weights, word vocabulary, tags, tag and token columns. */
  async save(metadata: Record<string, unknown> = {}): Promise<ModelFiles> {
    const { model, words, tags } = this.#trained();
    return modelToFiles(model, {
      ...metadata,
      task: 'tagging',
      tags,
      ...(this.#column !== undefined ? { column: this.#column } : {}),
      ...(this.#tokenColumn !== undefined ? { tokenColumn: this.#tokenColumn } : {}),
      vocabulary: words.vocabulary.toJson(),
      ...(this.#characters ? { characters: this.#characters.toJson() } : {}),
    });
  }

  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
    this.#disposed = true;
  }

  /** What a data-parallel worker needs to build the same model (see training-target.ts). */
  #targetConfig(): TaggingTargetConfig {
    return {
      spec: this.spec,
      vocabularySize: (this.#words as WordEncoding).vocabulary.size,
      ...(this.#characters ? { characterVocabularySize: this.#characters.size } : {}),
      tags: this.#tags as string[],
    };
  }

  #checkNotDisposed(): void {
    if (this.#disposed) {
      throw new TaskError('the tagging task was disposed: create or load another');
    }
  }

  #trained(): { model: Model; words: WordEncoding; tags: string[] } {
    this.#checkNotDisposed();
    if (!this.#model || !this.#words || !this.#tags) {
      throw new TaskError('the tagging task is not trained: train it or load a trained one');
    }
    return { model: this.#model, words: this.#words, tags: this.#tags };
  }
}
