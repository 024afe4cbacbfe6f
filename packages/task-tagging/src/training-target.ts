// The tagger's model and loss, shared by the task's own thread and data-parallel worker threads
// (the plug-in's trainingTarget): the spec compiled with the vocabulary and tag-set sizes, and
// the per-token loss (cross-entropy masked on padding, a mean over real tokens; or the CRF's
// negative log-likelihood per token).
import {
  type AllowedTransitions,
  allowedTransitions,
  compile,
  crfLoss,
  crossEntropy,
  type Lengths,
  type LossFunction,
  type Model,
  type ModelSpec,
  type Random,
  type TaskOptions,
  type TrainingTarget,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';

/** What a worker needs to build the task's model: sent as JSON. */
export interface TaggingTargetConfig {
  spec: ModelSpec;
  vocabularySize: number;
  /** The tags, in the head's order (the CRF's constraints are read from their names). */
  tags: string[];
  /** With a character encoder: its table's size (pad and unk included). */
  characterVocabularySize?: number;
}

/** The tagger of `config`, freshly initialized from the spec's seed. */
export function compileTagger(config: TaggingTargetConfig, backend?: string): Promise<Model> {
  return compile(config.spec, {
    ...(backend ? { backend } : {}),
    vocabularySize: config.vocabularySize,
    outputSize: config.tags.length,
    ...(config.characterVocabularySize !== undefined
      ? { characterVocabularySize: config.characterVocabularySize }
      : {}),
  });
}

/** Each row's real length, from a batch's `lengths` input (an array or a tensor). */
export function lengthsOf(value: Lengths | undefined, rows: number, steps: number): Int32Array {
  if (value === undefined) return new Int32Array(rows).fill(steps);
  if (value instanceof tf.Tensor) return Int32Array.from(value.dataSync() as ArrayLike<number>);
  return Int32Array.from(value as ArrayLike<number>);
}

/** 1 at the real steps of each row, 0 on padding: [B * T], row-major. */
export function stepMask(lengths: Int32Array, steps: number): Float32Array {
  const mask = new Float32Array(lengths.length * steps);
  for (const [b, length] of lengths.entries()) {
    mask.fill(1, b * steps, b * steps + Math.min(length, steps));
  }
  return mask;
}

/** The head's scores [B, T, K] for a batch's inputs; dropout on when `random` is given. */
export function emissions(model: Model, inputs: Parameters<Model['forward']>[0], random?: Random) {
  return model.forward(inputs, { training: random !== undefined, ...(random ? { random } : {}) })
    .output;
}

/**
 * Softmax output: cross-entropy of each real token's tag (the spec's label smoothing), padding
 * masked out, averaged over the batch's real tokens; targets int32 [B, T].
 */
export function softmaxTaggingLoss(spec: ModelSpec): LossFunction {
  const labelSmoothing = spec.training.labelSmoothing;
  return (model, batch, random) => {
    const scores = emissions(model, batch.inputs, random);
    const [B, T, K] = scores.shape as [number, number, number];
    const lengths = lengthsOf(batch.inputs.lengths as Lengths | undefined, B, T);
    const mask = tf.tensor1d(stepMask(lengths, T));
    return crossEntropy(tf.reshape(scores, [B * T, K]), tf.reshape(batch.targets, [B * T]), {
      labelSmoothing,
      mask,
    }) as tf.Scalar;
  };
}

/**
 * The transitions a CRF may score among `tags` under the spec's constraints (undefined: all).
 * A tag that is not O or a scheme prefix + type is an error naming it.
 */
export function crfConstraints(
  spec: ModelSpec,
  tags: readonly string[],
): AllowedTransitions | undefined {
  const scheme = spec.tagging?.constraints ?? 'none';
  return scheme === 'none' ? undefined : allowedTransitions(tags, scheme);
}

/** The loss a tagging config trains with: masked cross-entropy, or the CRF's NLL per token. */
export function taggingLoss(config: TaggingTargetConfig): LossFunction {
  if (config.spec.tagging?.output === 'crf')
    return crfLoss(crfConstraints(config.spec, config.tags));
  return softmaxTaggingLoss(config.spec);
}

/** In a data-parallel worker: the same model (fresh weights, synced by the workers) and loss. */
export async function taggingTrainingTarget(
  config: unknown,
  options: TaskOptions = {},
): Promise<TrainingTarget> {
  const c = config as TaggingTargetConfig;
  const model = await compileTagger(c, options.backend);
  return { model, loss: taggingLoss(c) };
}
