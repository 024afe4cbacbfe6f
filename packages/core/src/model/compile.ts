// compile(spec): builds a Model from a spec (validated here if it was not already), on a backend.
import { useBackend } from '../backends/registry.js';
import { CrfLayer } from '../crf/crf-layer.js';
import { registerGradients } from '../grad/register-gradients.js';
import { Random } from '../init/random.js';
import { DenseLayer } from '../layers/dense.js';
import { DropoutLayer } from '../layers/dropout.js';
import { EmbeddingLayer } from '../layers/embedding.js';
import type { FlowKind, Layer } from '../layers/layer.js';
import { LayerNormLayer } from '../layers/layer-norm.js';
import { PoolLayer } from '../layers/pool.js';
import { fusedKernelsAvailable } from '../layers/recurrent/fused.js';
import { RecurrentLayer } from '../layers/recurrent/recurrent-layer.js';
import { buildSeq2seq } from '../seq2seq/build-seq2seq.js';
import { formatSpecError, type SpecError } from '../spec/spec-error.js';
import type { LayerSpec, ModelSpec } from '../spec/types.generated.js';
import { validateSpec } from '../spec/validate.js';
import { layerName } from './layer-name.js';
import { Model } from './model.js';

export interface CompileOptions {
  /** Backend plug-in name, or "auto" (default): the fastest registered one that is available. */
  backend?: string;
  /** Vocabulary size, for an embedding without numEmbeddings (from the tokenizer's vocabulary). */
  vocabularySize?: number;
  /** Size of an output head with units "auto" (classes, vocabulary, tags, horizon x targets). */
  outputSize?: number;
  /** Rows of the character table of an embedding with `characters` (the character vocabulary's size). */
  characterVocabularySize?: number;
  /**
   * Fused recurrent kernels (a whole time loop in one backend call): "auto" (default) uses them
   * when the backend has them, "on" requires them, "off" always runs the tfjs-ops loop.
   */
  fusedKernels?: 'auto' | 'on' | 'off';
}

export class SpecValidationError extends Error {
  override name = 'SpecValidationError';
  constructor(readonly errors: SpecError[]) {
    super(`invalid model spec:\n${errors.map((e) => `  ${formatSpecError(e)}`).join('\n')}`);
  }
}

/** A spec that is valid but cannot be built as asked (a size is missing, a task is not available yet). */
export class CompileError extends Error {
  override name = 'CompileError';
}

/** Builds the model of `spec` (any JSON; validated here) with freshly initialized parameters. */
export async function compile(spec: unknown, options: CompileOptions = {}): Promise<Model> {
  const result = validateSpec(spec);
  if (!result.ok) throw new SpecValidationError(result.errors);
  const backend = await useBackend(options.backend ?? 'auto');
  registerGradients();
  if (options.fusedKernels === 'on' && !fusedKernelsAvailable()) {
    throw new CompileError(
      `fusedKernels "on" was requested but backend "${backend}" registers no fused recurrent kernels`,
    );
  }
  return build(result.spec, options, backend);
}

function build(spec: ModelSpec, options: CompileOptions, backend: string): Model {
  if (spec.task === 'translation') {
    return buildSeq2seq(spec, options, backend, (message) => {
      throw new CompileError(message);
    });
  }
  const layerSpecs = spec.layers ?? [];
  const random = new Random(spec.training.seed);
  const names = new Set<string>();
  const layers: Layer[] = [];
  if (spec.forecasting && !spec.forecasting.features) {
    throw new CompileError(
      'forecasting.features is not given: the forecasting task resolves it from the training data before compiling (compile a spec that lists the feature columns)',
    );
  }
  const features = spec.input?.features ?? spec.forecasting?.features?.length;
  let kind: FlowKind = features === undefined ? 'tokens' : 'sequence';
  let size = features ?? 0;
  let inputSize = size;
  layerSpecs.forEach((layerSpec, index) => {
    const name = layerName(layerSpec, names);
    const layer = buildLayer(
      layerSpec,
      name,
      index,
      kind,
      size,
      options,
      random.fork(),
      index === layerSpecs.length - 1,
    );
    if (index === 0 && layer instanceof EmbeddingLayer) inputSize = layer.numEmbeddings;
    layers.push(layer);
    kind = layer.outputKind;
    size = layer.outputSize;
  });
  if (spec.task === 'tagging' && spec.tagging?.output === 'crf') {
    // The CRF scores the head's output (one emission score per tag) as a chain; its random
    // stream is forked after the layers', so adding it leaves their initial values unchanged.
    layers.push(new CrfLayer(size, random.fork()));
  }
  const sizes = {
    ...(options.vocabularySize !== undefined ? { vocabularySize: options.vocabularySize } : {}),
    ...(options.outputSize !== undefined ? { outputSize: options.outputSize } : {}),
    ...(options.characterVocabularySize !== undefined
      ? { characterVocabularySize: options.characterVocabularySize }
      : {}),
  };
  return new Model(spec, layers, inputSize, backend, sizes);
}

function buildLayer(
  spec: LayerSpec,
  name: string,
  index: number,
  kind: FlowKind,
  size: number,
  options: CompileOptions,
  random: Random,
  isLast: boolean,
): Layer {
  switch (spec.type) {
    case 'embedding': {
      const rows = spec.numEmbeddings ?? options.vocabularySize;
      if (rows === undefined) {
        throw new CompileError(
          `layers[${index}] ("${name}", embedding): the vocabulary size is unknown; set numEmbeddings in the spec or pass compile(spec, { vocabularySize })`,
        );
      }
      const characters = spec.characters && {
        vocabularySize: characterRows(name, index, options),
        fusedKernels: options.fusedKernels,
      };
      return new EmbeddingLayer(name, spec, rows, random, characters);
    }
    case 'rnn':
    case 'lstm':
    case 'gru':
      return new RecurrentLayer(name, spec, size, random, options.fusedKernels);
    case 'dense': {
      const units = spec.units === 'auto' ? options.outputSize : spec.units;
      if (units === undefined) {
        throw new CompileError(
          `layers[${index}] ("${name}", dense): units is "auto" and the output size is unknown; pass compile(spec, { outputSize })`,
        );
      }
      if (isLast && spec.units === 'auto' && !(Number.isInteger(units) && units >= 1)) {
        throw new CompileError(
          `layers[${index}] ("${name}", dense): outputSize must be a positive integer, got ${units}`,
        );
      }
      return new DenseLayer(name, spec, size, units, kind, random);
    }
    case 'dropout':
      return new DropoutLayer(name, spec.rate, kind, size);
    case 'pool':
      return new PoolLayer(name, spec, size, random);
    case 'layer-norm':
      return new LayerNormLayer(name, spec.eps, kind, size, random);
  }
}

/** The character table's rows of an embedding with `characters`: from compile's sizes. */
function characterRows(name: string, index: number, options: CompileOptions): number {
  const rows = options.characterVocabularySize;
  if (rows === undefined) {
    throw new CompileError(
      `layers[${index}] ("${name}", embedding): characters needs the character vocabulary's size; pass compile(spec, { characterVocabularySize })`,
    );
  }
  if (!(Number.isInteger(rows) && rows >= 2)) {
    throw new CompileError(
      `layers[${index}] ("${name}", embedding): characterVocabularySize must be an integer >= 2 (padding and unknown included), got ${rows}`,
    );
  }
  return rows;
}
