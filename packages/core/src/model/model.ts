// A compiled model: its layers in order, its named parameters, a forward pass, and a summary.
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../init/random.js';
import { EmbeddingLayer } from '../layers/embedding.js';
import {
  describeShape,
  type ForwardContext,
  type Layer,
  type Parameter,
  type RecurrentState,
} from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent/recurrent-layer.js';
import type { ModelSpec } from '../spec/types.generated.js';
import {
  checkInputs,
  type InputDescription,
  layerStackInputs,
  type ModelInputs,
} from './inputs.js';

export interface ForwardOptions {
  /** Dropout active (default false). */
  training?: boolean;
  /** Initial states by recurrent layer name, each [numLayers * directions, B, H]. */
  initialState?: Readonly<Record<string, RecurrentState>>;
  /** Dropout masks come from here; defaults to the model's own seeded generator. */
  random?: Random;
}

export interface ForwardResult {
  output: tf.Tensor;
  /** Encoder-decoder models: the attention weights of each output step over the source [B, T, S]. */
  attention?: tf.Tensor;
  /** Final states by recurrent layer name, each [numLayers * directions, B, H]. */
  states: Record<string, RecurrentState>;
}

/** Sizes that come from the data, given to compile and saved with the model. */
export interface ModelSizes {
  /** Rows of an embedding without numEmbeddings (the word vocabulary). */
  vocabularySize?: number;
  /** Units of a head with units "auto". */
  outputSize?: number;
  /** Rows of the character table of an embedding with `characters` (the character vocabulary). */
  characterVocabularySize?: number;
}

export class Model {
  readonly random: Random;
  /** The named inputs `forward` takes (see inputs.ts). */
  readonly inputs: readonly InputDescription[];

  constructor(
    readonly spec: ModelSpec,
    readonly layers: readonly Layer[],
    /** Input features per step (numeric input) or vocabulary size (text input). */
    readonly inputSize: number,
    readonly backend: string,
    /** Sizes given at compile time for an embedding without numEmbeddings / a head with units "auto". */
    readonly sizes: Readonly<ModelSizes> = {},
    /** The named inputs, when not those of a layer stack (an encoder-decoder's). */
    inputs?: readonly InputDescription[],
  ) {
    this.random = new Random(spec.training.seed).fork();
    const features = layers[0]?.inputKind === 'tokens' ? undefined : inputSize;
    this.inputs = inputs ?? [
      ...layerStackInputs(features),
      ...layers.flatMap((layer) => layer.extraInputs ?? []),
    ];
  }

  /** Every parameter, named "<layer>.<param>" as in a PyTorch state_dict. */
  parameters(): Parameter[] {
    return this.layers.flatMap((layer) => layer.parameters);
  }

  /**
   * Runs the model on its named inputs (`model.inputs`): `{ tokens, lengths? }` with token ids
   * int32 [B, T] for text input, `{ features, lengths? }` with float32 [B, T, features] for numeric
   * input; `lengths` is the real length of each row of a right-padded batch. With a character-level
   * word encoder, also `characters`: int32 [B, T, C], each token's character ids right-padded with 0.
   */
  forward(inputs: ModelInputs, options: ForwardOptions = {}): ForwardResult {
    const checked = checkInputs(this.spec.name, this.inputs, inputs);
    const [sequence, lengths] = this.inputs as [InputDescription, InputDescription];
    const context: ForwardContext = {
      training: options.training ?? false,
      lengths: checked.lengths.get(lengths.name),
      random: options.random ?? this.random,
      initialStates: new Map(Object.entries(options.initialState ?? {})),
      finalStates: new Map(),
      inputs: checked.tensors,
    };
    // Inside tidy: only the output and the final states outlive the call.
    return tf.tidy(() => {
      let x = checked.tensors.get(sequence.name) as tf.Tensor;
      for (let i = 0; i < this.layers.length; i++) {
        const layer = this.layers[i] as Layer;
        const pair = tableReader(layer, this.layers[i + 1], x);
        if (pair) {
          const [embedding, recurrent] = pair;
          const ids = embedding.tokenIds(x, context);
          const table = embedding.weight.variable;
          x = recurrent.forwardTokens(ids, table, embedding.spec.paddingIdx, context);
          i++;
        } else {
          x = layer.forward(x, context);
        }
      }
      const result: ForwardResult = { output: x, states: Object.fromEntries(context.finalStates) };
      return result as unknown as tf.TensorContainer;
    }) as unknown as ForwardResult;
  }

  /** A table of layers, output shapes and parameter counts, like Keras' model.summary(). */
  summary(): string {
    const rows = this.layers.map((layer) => [
      `${layer.name} (${layer.type})`,
      describeShape(layer.outputKind, layer.outputSize),
      parameterCount(layer.parameters),
    ]);
    return summaryTable(
      `Model "${this.spec.name}" (${this.spec.task}), backend ${this.backend}`,
      rows,
      this.parameters(),
    );
  }

  dispose(): void {
    for (const parameter of this.parameters()) parameter.variable.dispose();
  }
}

/**
 * The embedding and the recurrent layer right after it when the recurrent layer should read the embedding's table itself
 * (RecurrentLayer.forwardTokens): the same equations, and cheaper when the table has fewer rows
 * than the batch has tokens (the input projection and its gradients then run on the table's rows).
 */
function tableReader(
  layer: Layer,
  next: Layer | undefined,
  tokens: tf.Tensor,
): [EmbeddingLayer, RecurrentLayer] | undefined {
  const pair =
    layer instanceof EmbeddingLayer &&
    next instanceof RecurrentLayer &&
    layer.rowsOnly &&
    tokens.rank === 2 &&
    layer.numEmbeddings < tokens.size;
  return pair ? [layer, next] : undefined;
}

/** The number of values in `parameters`, formatted ("49,920"). */
export function parameterCount(parameters: readonly Parameter[]): string {
  return parameters.reduce((n, p) => n + p.variable.size, 0).toLocaleString('en-US');
}

/** Rows of [name (type), output shape, parameter count] under `title`, with the totals. */
export function summaryTable(
  title: string,
  rows: readonly string[][],
  parameters: readonly Parameter[],
): string {
  const header = ['Layer (type)', 'Output shape', 'Params'];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 2 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('   ');
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 3, -3));
  const total = parameterCount(parameters);
  const trainable = parameterCount(parameters.filter((p) => p.trainable));
  return [
    title,
    rule,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${total} (trainable: ${trainable})`,
  ].join('\n');
}
