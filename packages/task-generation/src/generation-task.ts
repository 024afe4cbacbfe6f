// The generation task: a language model from a generation spec, with its tokenizer and vocabulary.
// It trains on a text (or several, joined) as char-rnn does: core's fit over parallel streams of
// the token stream, chunk by chunk, the state carried from batch to batch (streams.ts); evaluates a
// text as one stream; and saves to and loads from in-memory model files.
// It continues a prompt (generate / stream) with core's decoding, on the same tokenizer and vocabulary.
import {
  checkpointWeightProblems,
  compile,
  type GeneratedPiece,
  type GeneratedText,
  loadTaskModel,
  type Model,
  ModelFileError,
  type ModelFileSource,
  type ModelFiles,
  type ModelSpec,
  modelToFiles,
  type Task,
  TaskError,
  type TaskOptions,
  type TaskTrainOptions,
  type TextGenerationOptions,
  type TextGenerator,
  type TrainingState,
  type TrainResult,
  trainWithSpec,
} from '@recurrent/core';
import {
  createTokenizer,
  type Tokenizer,
  type TokenizerOptions,
  Vocabulary,
} from '@recurrent/data';
import { decodingStrategy } from './decoding-options.js';
import { generateText, streamText } from './generate.js';
import {
  type GenerationSettings,
  GenerationSpecError,
  generationSettings,
} from './generation-spec.js';
import { streamCrossEntropy } from './stream-evaluation.js';
import { splitStreams, streamBatches, TrainingTextError } from './streams.js';
import { streamTokens, TokenStream } from './token-stream.js';
import { chunkLoss, type GenerationTargetConfig, zeroStateLoss } from './training-target.js';

export interface GenerationEvaluation {
  /** Mean cross-entropy of each token given every token before it, in nats per token. */
  loss: number;
  /** The same in bits (loss / ln 2): bits per character for a char model. */
  bitsPerToken: number;
  /** exp(loss). */
  perplexity: number;
  /** Tokens predicted: all but the text's first (word models count each line's <eos>). */
  tokens: number;
  /** Tokens of the text the vocabulary does not know, scored as <unk>. */
  unknown: number;
}

/** A text, or several read as one stream (their token streams joined in order, nothing between). */
export type GenerationTexts = string | readonly string[];

/**
 * The contract's train options. `validation` is a separate text (or texts) to validate on after
 * each epoch; without it the last tenth of the training tokens is held out from the end.
 */
export type GenerationTrainOptions = TaskTrainOptions<GenerationTexts>;

function checkText(text: unknown, what: string): asserts text is string {
  if (typeof text !== 'string') {
    throw new TypeError(`${what} must be a string, got ${text === null ? 'null' : typeof text}`);
  }
}

/** `texts` as a list of strings, or a TypeError naming the one that is not a string. */
function checkTexts(texts: unknown, what: string): readonly string[] {
  if (typeof texts === 'string') return [texts];
  if (!Array.isArray(texts)) {
    throw new TypeError(
      `${what} must be a string or an array of strings, got ${texts === null ? 'null' : typeof texts}`,
    );
  }
  if (texts.length === 0) throw new TrainingTextError(`${what} is an empty array: no text to read`);
  texts.forEach((text, i) => {
    checkText(text, `${what} [${i}]`);
  });
  return texts as readonly string[];
}

/**
 * The tokens of several texts as one stream: each text's tokens in order. Nothing is put between
 * texts: a word stream ends each line (so each text) with <eos> already, and a character text
 * ends with its own newline if it has one.
 */
function joinedTokens(tokenizer: Tokenizer, texts: readonly string[]): string[] {
  return texts.length === 1
    ? streamTokens(tokenizer, texts[0] as string)
    : texts.flatMap((text) => streamTokens(tokenizer, text));
}

/** The vocabulary must fit the layers whose sizes the spec fixes (the rest follow it). */
function checkSizes(spec: ModelSpec, vocabularySize: number): void {
  const layers = spec.layers ?? [];
  const problems: { pointer: string; message: string }[] = [];
  const first = layers[0];
  if (first?.type === 'embedding' && first.numEmbeddings !== undefined) {
    if (first.numEmbeddings < vocabularySize) {
      problems.push({
        pointer: '/layers/0/numEmbeddings',
        message: `${first.numEmbeddings} rows cannot hold the vocabulary's ${vocabularySize} tokens (remove numEmbeddings, or limit input.vocabulary.maxSize)`,
      });
    }
  }
  const last = layers.length - 1;
  const head = layers[last];
  if (head?.type === 'dense' && typeof head.units === 'number' && head.units !== vocabularySize) {
    problems.push({
      pointer: `/layers/${last}/units`,
      message: `the head scores every token of the vocabulary, which has ${vocabularySize} (use "auto")`,
    });
  }
  if (problems.length > 0) {
    throw new GenerationSpecError(problems, 'the spec does not fit the vocabulary of the text');
  }
}

/**
 * A checkpoint's weights must be this model's (the same names and shapes), and its carried states
 * those of this model's recurrent layers for `streams` streams.
 */
function checkResume(model: Model, state: TrainingState, streams: number): void {
  const problems = checkpointWeightProblems(model, state.weights);
  const layers = new Set(model.layers.map((layer) => layer.name));
  for (const [name, carried] of Object.entries(state.states ?? {})) {
    if (!layers.has(name)) problems.push(`carried state "${name}" is not a layer of the model`);
    else if (carried.h.shape[1] !== streams) {
      problems.push(
        `carried state "${name}" has ${carried.h.shape[1]} streams, training.batchSize is ${streams}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new TaskError(
      `resume: the checkpoint does not fit this model (${problems.join('; ')}): it was written for another spec or training text`,
    );
  }
}

/** Tokenizer settings newer than the first saved models, with the value older models had. */
const addedLater: Readonly<Record<string, unknown>> = { lettersOnly: false };

/** The tokenizer settings saved with a model, which must agree with its spec. */
function savedTokenizer(saved: unknown, spec: TokenizerOptions, where: string): TokenizerOptions {
  const options = saved as TokenizerOptions | null;
  if (!options || typeof options !== 'object' || !['char', 'word'].includes(options.type)) {
    throw new ModelFileError(
      `${where}: metadata.tokenizer must be the tokenizer settings ({ "type": "char" | "word", ... })`,
    );
  }
  for (const [key, value] of Object.entries(spec)) {
    // Settings added after a model was saved are absent from its metadata: their default then.
    const stored = (options as unknown as Record<string, unknown>)[key] ?? addedLater[key];
    if (stored !== value) {
      throw new ModelFileError(
        `${where}: metadata.tokenizer.${key} is ${JSON.stringify(stored)} but the spec's input.tokenizer.${key} is ${JSON.stringify(value)}`,
      );
    }
  }
  try {
    createTokenizer(options); // refuses contradictory settings
  } catch (error) {
    throw new ModelFileError(`${where}: metadata.${(error as Error).message}`);
  }
  return { ...addedLater, ...options };
}

export class GenerationTask implements Task<string, GenerationEvaluation>, TextGenerator {
  readonly task = 'generation';
  readonly spec: ModelSpec;
  #model: Model | undefined;
  #stream: TokenStream | undefined;
  #disposed = false;

  private constructor(
    private readonly settings: GenerationSettings,
    private readonly backend: string | undefined,
    model?: Model,
    stream?: TokenStream,
  ) {
    this.spec = settings.spec;
    this.#model = model;
    this.#stream = stream;
  }

  /**
   * An untrained task; its vocabulary comes from the training text. Refuses a spec of another task
   * or one this task cannot honour, naming every problem by spec path.
   */
  static create(spec: unknown, options: TaskOptions = {}): GenerationTask {
    return new GenerationTask(generationSettings(spec), options.backend);
  }

  /** A trained task from files written by save(); `source` names the files in errors. */
  static async load(
    files: ModelFiles,
    options: TaskOptions & { source?: ModelFileSource } = {},
  ): Promise<GenerationTask> {
    const { backend } = options;
    // The model, checked to be a generation model with valid settings; disposed if the rest throws.
    return loadTaskModel(
      files,
      'generation',
      options,
      generationSettings,
      ({ model, metadata, where, settings }) => {
        const tokenizer = savedTokenizer(metadata.tokenizer, settings.tokenizer, where);
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
        return new GenerationTask(settings, backend, model, new TokenStream(tokenizer, vocabulary));
      },
    );
  }

  /** The vocabulary built from the training text (or loaded with the model). */
  get vocabulary(): Vocabulary {
    return this.#trained().stream.vocabulary;
  }

  /** The token ids of `text` as the model reads it (unknown tokens as <unk>, id 1). */
  encode(text: string): Int32Array {
    checkText(text, 'the text');
    return this.#trained().stream.encode(text).ids;
  }

  /**
   * Trains on `text` (or several texts, joined as one stream) with the spec's settings, as
   * char-rnn does: the training part of the token stream is cut into training.batchSize streams of
   * equal length, each batch is the next input.maxLength tokens of every stream, and the
   * recurrent state is carried (detached) from batch to batch, from zeros at each epoch's start.
   * The first call builds the vocabulary from the training part; later calls (and a loaded task)
   * keep it.
   */
  async train(text: GenerationTexts, options: GenerationTrainOptions = {}): Promise<TrainResult> {
    const texts = checkTexts(text, 'the training text');
    this.#checkNotDisposed();
    const { spec, maxLength } = this.settings;
    const training = spec.training;
    const validationTexts =
      options.validation === undefined
        ? undefined
        : checkTexts(options.validation, 'the validation text');
    const tokenizer = this.#stream?.tokenizer ?? createTokenizer(this.settings.tokenizer);
    const tokens = joinedTokens(tokenizer, texts);
    const layout = splitStreams(
      tokens.length,
      maxLength,
      training.batchSize,
      validationTexts === undefined,
      'the training text',
    );
    const stream =
      this.#stream ??
      TokenStream.build(
        this.settings.tokenizer,
        tokens.slice(0, layout.trainTokens),
        this.settings.vocabulary,
      );
    const { ids } = stream.encodeTokens(tokens);
    let heldOut = ids.subarray(layout.heldOutStart);
    if (validationTexts !== undefined) {
      heldOut = stream.encodeTokens(joinedTokens(stream.tokenizer, validationTexts)).ids;
      if (heldOut.length < 2) {
        throw new TrainingTextError(
          `the validation text has ${heldOut.length} token${heldOut.length === 1 ? '' : 's'}: at least 2 are needed (the first is context for the second)`,
        );
      }
    }
    const V = stream.vocabulary.size;
    checkSizes(spec, V);
    if (!this.#model) {
      this.#model = await compile(spec, {
        ...(this.backend ? { backend: this.backend } : {}),
        vocabularySize: V,
        outputSize: V,
      });
    }
    this.#stream = stream;
    const model = this.#model;
    if (options.resume) checkResume(model, options.resume, training.batchSize);
    const labelSmoothing = training.labelSmoothing;
    const config: GenerationTargetConfig = { spec, vocabularySize: V };
    const { validation: _, ...runOptions } = options;
    return trainWithSpec(
      model,
      streamBatches(ids, layout),
      {
        spec,
        loss: zeroStateLoss(labelSmoothing),
        carryState: { loss: chunkLoss(labelSmoothing) },
        // The held-out text scored as evaluate() scores a text: one stream, plain cross-entropy
        // (label smoothing regularizes training; perplexity is of the model's own distribution).
        validationMetrics: async (m) => {
          const { nats, tokens: count } = await streamCrossEntropy(m, heldOut);
          const loss = nats / count;
          return { loss, perplexity: Math.exp(loss) };
        },
        parallel: { task: 'generation', config },
      },
      runOptions,
    );
  }

  /**
   * Cross-entropy of `text` under the model, read as one stream from a zero state with the state
   * carried across windows (see stream-evaluation.ts for why), and its perplexity.
   */
  async evaluate(text: string): Promise<GenerationEvaluation> {
    checkText(text, 'the evaluation text');
    const { model, stream } = this.#trained();
    const { ids, unknown } = stream.encode(text);
    if (ids.length < 2) {
      throw new TrainingTextError(
        `the evaluation text has ${ids.length} token${ids.length === 1 ? '' : 's'}: at least 2 are needed (the first is context for the second)`,
      );
    }
    const { nats, tokens } = await streamCrossEntropy(model, ids);
    const loss = nats / tokens;
    return { loss, bitsPerToken: loss / Math.LN2, perplexity: Math.exp(loss), tokens, unknown };
  }

  /**
   * Continues `prompt` (see generate.ts and the README for the prompt, the settings and how ids
   * become text); `options` override the spec's decoding block.
   */
  async generate(prompt: string, options: TextGenerationOptions = {}): Promise<GeneratedText> {
    const { model, stream } = this.#trained();
    return generateText({ model, stream, spec: this.spec }, prompt, options);
  }

  /** The strategy `options` run with: theirs, the one their settings choose, the spec's, or greedy. */
  strategyFor(options: TextGenerationOptions = {}): 'greedy' | 'sample' | 'beam' {
    return decodingStrategy(this.spec.decoding, options);
  }

  /** generate's text piece by piece as tokens are decided; returns what generate returns. */
  stream(
    prompt: string,
    options: TextGenerationOptions = {},
  ): AsyncGenerator<GeneratedPiece, GeneratedText, undefined> {
    const { model, stream } = this.#trained();
    return streamText({ model, stream, spec: this.spec }, prompt, options);
  }

  /**
   * The model as in-memory files: model.json holds the spec, `metadata`, and the task's own
   * metadata (task, tokenizer settings with their defaults, vocabulary as VocabularyJson).
   */
  async save(metadata: Record<string, unknown> = {}): Promise<ModelFiles> {
    const { model, stream } = this.#trained();
    return modelToFiles(model, {
      ...metadata,
      task: 'generation',
      tokenizer: stream.tokenizer.options,
      vocabulary: stream.vocabulary.toJson(),
    });
  }

  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
    this.#disposed = true;
  }

  #checkNotDisposed(): void {
    if (this.#disposed) {
      throw new TaskError('the generation task was disposed: create or load another');
    }
  }

  #trained(): { model: Model; stream: TokenStream } {
    this.#checkNotDisposed();
    if (!this.#model || !this.#stream) {
      throw new TaskError('the generation task is not trained: train it or load a trained one');
    }
    return { model: this.#model, stream: this.#stream };
  }
}
