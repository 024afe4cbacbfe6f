// An encoder-decoder model (a compiled translation spec): a Model whose forward pass takes
// { source, sourceLengths?, target, targetLengths?, teacherForcing? } and returns the logits of
// every target step, and which exposes the same computation one decoder step at a time (encode,
// step) for decoding. Conventions: contract.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../init/random.js';
import type { RecurrentState } from '../layers/layer.js';
import {
  checkInputs,
  type InputDescription,
  type Lengths,
  lengthsInput,
  type ModelInputs,
} from '../model/inputs.js';
import {
  type ForwardOptions,
  type ForwardResult,
  Model,
  parameterCount,
  summaryTable,
} from '../model/model.js';
import type { ModelSpec } from '../spec/types.generated.js';
import type {
  DecoderState,
  DecoderStep,
  EncodedSource,
  Seq2seqSteps,
  StepOptions,
} from './contract.js';
import type { Decoder, RunOptions } from './decoder.js';
import { mixedSteps, teacherForced } from './decoder-runs.js';
import type { Encoder } from './encoder.js';
import { sourceMask } from './masked-softmax.js';

/** The named inputs of an encoder-decoder model (contract.ts). */
export const seq2seqInputs: readonly InputDescription[] = [
  {
    name: 'source',
    dtype: 'int32',
    shape: ['batch', 'time'],
    required: true,
    meaning: 'source token ids',
  },
  lengthsInput('sourceLengths', 'source'),
  {
    name: 'target',
    dtype: 'int32',
    shape: ['batch', 'time'],
    required: true,
    meaning: "the decoder's input tokens (the start token, then the reference shifted right)",
  },
  lengthsInput('targetLengths', 'target'),
  {
    name: 'teacherForcing',
    dtype: 'float32',
    shape: ['batch', 'time'],
    required: false,
    meaning:
      'per row and target step, 1 to read the reference token and 0 to read the greedy prediction of the step before',
  },
];

export class Seq2seqModel extends Model implements Seq2seqSteps {
  constructor(
    spec: ModelSpec,
    readonly encoder: Encoder,
    readonly decoder: Decoder,
    backend: string,
    sizes: Readonly<{ vocabularySize?: number; outputSize?: number }>,
  ) {
    super(
      spec,
      [...encoder.layers, ...decoder.layers],
      encoder.embedding.numEmbeddings,
      backend,
      sizes,
      seq2seqInputs,
    );
  }

  get targetVocabularySize(): number {
    return this.decoder.out.outputSize;
  }

  get sourceVocabularySize(): number {
    return this.encoder.embedding.numEmbeddings;
  }

  /**
   * The logits of every target step [B, T, target vocabulary], the attention weights [B, T, S],
   * and the decoder's state after the last step ({ decoder }). Rows with a teacherForcing 0 at
   * a step read their own greedy prediction of the step before (see contract.ts).
   */
  override forward(inputs: ModelInputs, options: ForwardOptions = {}): ForwardResult {
    if (options.initialState !== undefined) {
      this.#fail(
        'initialState is not supported: the decoder starts from the encoder through the bridge',
      );
    }
    const checked = checkInputs(this.spec.name, this.inputs, inputs);
    const source = checked.tensors.get('source') as tf.Tensor2D;
    const target = checked.tensors.get('target') as tf.Tensor2D;
    const [B, S] = source.shape;
    const T = target.shape[1];
    const sourceLengths = checked.lengths.get('sourceLengths');
    this.#checkLengths('sourceLengths', sourceLengths, S);
    this.#checkLengths('targetLengths', checked.lengths.get('targetLengths'), T);
    const mask = checked.tensors.get('teacherForcing');
    const forced = mask ? this.#readTeacherForcing(mask, B, T) : undefined;
    const run: RunOptions = {
      training: options.training ?? false,
      random: options.random ?? this.random,
    };
    return tf.tidy(() => {
      const { encoded, initial } = this.#encode(source, sourceLengths, run);
      const decoded =
        forced && readsPredictions(forced, T)
          ? mixedSteps(this.decoder, target, forced, encoded, initial, run)
          : teacherForced(this.decoder, target, encoded, initial, run);
      const result: ForwardResult = {
        output: decoded.logits,
        attention: decoded.attention,
        states: { decoder: decoded.state.recurrent },
      };
      return result as unknown as tf.TensorContainer;
    }) as unknown as ForwardResult;
  }

  encode(
    source: tf.Tensor,
    lengths?: Lengths,
    options: StepOptions = {},
  ): { encoded: EncodedSource; initial: DecoderState } {
    const [sourceInput, lengthsDescription] = seq2seqInputs as [InputDescription, InputDescription];
    const checked = checkInputs(this.spec.name, [sourceInput, lengthsDescription], {
      source,
      sourceLengths: lengths,
    });
    const ids = checked.tensors.get('source') as tf.Tensor2D;
    const sourceLengths = checked.lengths.get('sourceLengths');
    this.#checkLengths('sourceLengths', sourceLengths, ids.shape[1]);
    const run = this.#runOptions(options);
    return tf.tidy(
      () => this.#encode(ids, sourceLengths, run) as unknown as tf.TensorContainer,
    ) as unknown as { encoded: EncodedSource; initial: DecoderState };
  }

  step(
    encoded: EncodedSource,
    tokens: tf.Tensor,
    state: DecoderState,
    options: StepOptions = {},
  ): DecoderStep {
    const rows = encoded.rows;
    if (tokens.rank !== 1 || tokens.dtype !== 'int32' || tokens.shape[0] !== rows) {
      this.#fail(
        `step: tokens must be int32 [${rows}] (one per row of the encoded source), got ${tokens.dtype} [${tokens.shape.join(', ')}]`,
      );
    }
    if (state.rows !== rows) {
      this.#fail(`step: the state has ${state.rows} rows but the encoded source ${rows}`);
    }
    const run = this.#runOptions(options);
    return tf.tidy(() => {
      const embedded = this.decoder.embed(tf.reshape(tokens, [rows, 1]) as tf.Tensor2D, run);
      const x = this.decoder.dropBefore(tf.reshape(embedded, [rows, -1]), run) as tf.Tensor2D;
      // One step: the context's projection per source position would cost S times its use.
      const call = this.decoder.prepare(encoded, false);
      const step = this.decoder.step({ embedded: x }, state, encoded, call, run);
      const result: DecoderStep = {
        logits: this.decoder.project(step.features, run) as tf.Tensor2D,
        attention: step.attention,
        state: step.state,
      };
      return result as unknown as tf.TensorContainer;
    }) as unknown as DecoderStep;
  }

  /** The encoder, its keys and mask, and the decoder's initial state (inside the caller's tidy). */
  #encode(
    source: tf.Tensor2D,
    lengths: Int32Array | undefined,
    run: RunOptions,
  ): { encoded: EncodedSource; initial: DecoderState } {
    const [B, S] = source.shape;
    const { memory, final } = this.encoder.run(source, lengths, run);
    const attention = this.decoder.attention;
    const encoded: EncodedSource = {
      rows: B,
      memory,
      keys: attention ? attention.keys(memory) : memory,
      mask: sourceMask(B, S, lengths),
    };
    return { encoded, initial: this.decoder.initialState(final as RecurrentState, B) };
  }

  #runOptions(options: StepOptions): RunOptions {
    return {
      training: options.training ?? false,
      random: options.random ?? (this.random as Random),
    };
  }

  #checkLengths(name: string, lengths: Int32Array | undefined, time: number): void {
    lengths?.forEach((length, row) => {
      if (!(Number.isInteger(length) && length >= 1 && length <= time)) {
        this.#fail(
          `input "${name}": row ${row} has length ${length}; each length must be between 1 and the padded length ${time}`,
        );
      }
    });
  }

  /** The mask's values, checked: 1 or 0, [B, T] as the target. */
  #readTeacherForcing(mask: tf.Tensor, B: number, T: number): Float32Array {
    if (mask.shape[1] !== T) {
      this.#fail(
        `input "teacherForcing" must be [${B}, ${T}] as the target, got [${mask.shape.join(', ')}]`,
      );
    }
    // Read before any kernel uses it: a batch's fresh tensor is still on the CPU on every backend.
    const values = mask.dataSync() as Float32Array;
    values.forEach((value, k) => {
      if (value !== 0 && value !== 1) {
        this.#fail(
          `input "teacherForcing" must hold 1 (read the reference token) or 0 (read the model's own prediction), got ${value} at row ${Math.floor(k / T)}, step ${k % T}`,
        );
      }
    });
    return values;
  }

  #fail(message: string): never {
    throw new Error(`model "${this.spec.name}": ${message}`);
  }

  override summary(): string {
    const S = '[B, S, ';
    const T = '[B, T, ';
    const rows: string[][] = [];
    for (const layer of this.encoder.layers) {
      rows.push([
        `${layer.name} (${layer.type})`,
        `${S}${layer.outputSize}]`,
        parameterCount(layer.parameters),
      ]);
    }
    const d = this.decoder;
    const sequence = [
      d.embedding,
      ...(d.before ? [d.before] : []),
      d.rnn,
      ...(d.after ? [d.after] : []),
    ];
    for (const layer of sequence) {
      rows.push([
        `${layer.name} (${layer.type})`,
        `${T}${layer.outputSize}]`,
        parameterCount(layer.parameters),
      ]);
    }
    if (d.attention) {
      rows.push([
        `decoder.attention (${d.attention.type})`,
        '[B, T, S]',
        parameterCount(d.attention.layers.flatMap((l) => l.parameters)),
      ]);
    }
    if (d.combineLayer) {
      const c = d.combineLayer;
      rows.push([`${c.name} (dense tanh)`, `${T}${c.outputSize}]`, parameterCount(c.parameters)]);
    }
    const L = d.rnn.numLayers;
    rows.push([
      `decoder.bridge (${d.bridge.type})`,
      `[${L}, B, ${d.hiddenSize}]`,
      parameterCount(d.bridge.layers.flatMap((l) => l.parameters)),
    ]);
    rows.push([
      `${d.out.name} (dense)`,
      `${T}${d.out.outputSize}]`,
      parameterCount(d.out.parameters),
    ]);
    return summaryTable(
      `Model "${this.spec.name}" (${this.spec.task}), backend ${this.backend}`,
      rows,
      this.parameters(),
    );
  }
}

/** Whether any row reads its own prediction at some step > 0 (step 0 always reads the target). */
function readsPredictions(forced: Float32Array, T: number): boolean {
  return forced.some((value, k) => value === 0 && k % T !== 0);
}
