// The recurrent layer of a spec (rnn, lstm, gru): stacking, bidirectional passes, dropout between
// stacked layers, initial and final states and variable lengths, for every cell type, as
// torch.nn.RNN / LSTM / GRU with batch_first=True. The layer owns the parameters, checks its inputs
// and draws dropout masks; the stack of layers and directions runs as one custom-gradient op
// (stack-op.ts, stack.ts) whose time loops take the fused-kernel path (fused-path.ts) when the
// backend has one, else the tfjs-ops path (ops-path.ts).
import * as tf from '@tensorflow/tfjs-core';
import { type InitializerName, uniformValues } from '../../init/initializers.js';
import type { Random } from '../../init/random.js';
import type { LayerSpec } from '../../spec/types.generated.js';
import type { ForwardContext, Layer, Parameter } from '../layer.js';
import { createParameter } from '../params.js';
import { type Cell, cellFor } from './cells.js';
import type { DirectionPath } from './direction.js';
import { fusedKernelsAvailable } from './fused.js';
import { fusedPath } from './fused-path.js';
import { opsPath } from './ops-path.js';
import type { StackPlan } from './stack.js';
import { runStack } from './stack-op.js';

export type RecurrentLayerSpec = Extract<LayerSpec, { type: 'rnn' | 'lstm' | 'gru' }>;

interface DirectionParameters {
  weightIh: tf.Variable;
  weightHh: tf.Variable;
  biasIh: tf.Variable | undefined;
  biasHh: tf.Variable | undefined;
}

export class RecurrentLayer implements Layer {
  readonly type: string;
  readonly inputKind = 'sequence' as const;
  readonly outputKind: 'sequence' | 'vector';
  readonly outputSize: number;
  readonly parameters: Parameter[] = [];
  readonly cell: Cell;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly directions: 1 | 2;
  readonly dropout: number;
  /** [layer][direction] */
  readonly #weights: DirectionParameters[][] = [];

  constructor(
    readonly name: string,
    readonly spec: RecurrentLayerSpec,
    readonly inputSize: number,
    random: Random,
    /** "auto": use the backend's fused kernels (fused.ts) when it has them; "on" requires them. */
    readonly fusedKernels: 'auto' | 'on' | 'off' = 'auto',
  ) {
    this.type = spec.type;
    this.cell = cellFor(spec.type, spec.type === 'rnn' ? spec.nonlinearity : 'tanh');
    this.hiddenSize = spec.hiddenSize;
    this.numLayers = spec.numLayers;
    this.directions = spec.bidirectional ? 2 : 1;
    this.dropout = spec.dropout;
    this.outputSize = this.directions * this.hiddenSize;
    this.outputKind = spec.returnSequences ? 'sequence' : 'vector';
    this.#createParameters(random);
  }

  #createParameters(random: Random): void {
    const H = this.hiddenSize;
    const G = this.cell.gates;
    const bound = 1 / Math.sqrt(H); // PyTorch: every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H))
    const init: Partial<Record<'weightIh' | 'weightHh' | 'bias', InitializerName>> =
      this.spec.init ?? {};
    // Keras' unit_forget_bias: forget-gate rows of bias_ih = value, of bias_hh = 0.
    const forgetBias = this.spec.type === 'lstm' ? this.spec.init?.forgetGateBias : undefined;
    const make = (
      param: string,
      shape: number[],
      kind: 'weightIh' | 'weightHh' | 'bias',
    ): tf.Variable => {
      const forgetFill = param.startsWith('bias_ih') ? forgetBias : 0;
      const parameter = createParameter(
        this.name,
        param,
        shape,
        init[kind] ?? 'pytorch-default',
        random,
        () => uniformValues(shape, bound, random),
        true,
        kind === 'bias' && forgetBias !== undefined
          ? (values) => values.fill(forgetFill as number, H, 2 * H)
          : undefined,
      );
      this.parameters.push(parameter);
      return parameter.variable;
    };
    for (let l = 0; l < this.numLayers; l++) {
      const layerInput = l === 0 ? this.inputSize : this.outputSize;
      const perDirection: DirectionParameters[] = [];
      for (let d = 0; d < this.directions; d++) {
        const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const weightIh = make(`weight_ih${suffix}`, [G * H, layerInput], 'weightIh');
        const weightHh = make(`weight_hh${suffix}`, [G * H, H], 'weightHh');
        const biasIh = this.spec.bias ? make(`bias_ih${suffix}`, [G * H], 'bias') : undefined;
        const biasHh = this.spec.bias ? make(`bias_hh${suffix}`, [G * H], 'bias') : undefined;
        perDirection.push({ weightIh, weightHh, biasIh, biasHh });
      }
      this.#weights.push(perDirection);
    }
  }

  forward(input: tf.Tensor, context: ForwardContext): tf.Tensor {
    const [B, T] = this.#checkInput(input);
    return this.#run(input, B, T, context, undefined);
  }

  /**
   * forward(table[ids]) for an embedding table [V, inputSize] right before this layer (nothing in
   * between), the same equations with the first layer's input projection made once per table row
   * and picked by id (model.ts takes this way when the table has fewer rows than the batch has
   * tokens). Gradients flow to the table, none to row `paddingIdx` (as the embedding's lookup).
   */
  forwardTokens(
    ids: tf.Tensor2D,
    table: tf.Tensor,
    paddingIdx: number | null,
    context: ForwardContext,
  ): tf.Tensor {
    if (ids.dtype !== 'int32' || table.rank !== 2 || table.shape[1] !== this.inputSize) {
      throw new Error(
        `layer "${this.name}" (${this.type}) expects int32 ids [batch, time] and a table [rows, ${this.inputSize}], got ${ids.dtype} [${ids.shape.join(', ')}] and [${table.shape.join(', ')}]`,
      );
    }
    const [B, T] = ids.shape;
    if (T === 0)
      throw new Error(`layer "${this.name}" (${this.type}) got an empty sequence (time steps 0)`);
    return this.#run(table, B, T, context, { ids, paddingIdx });
  }

  #run(
    input: tf.Tensor,
    B: number,
    T: number,
    context: ForwardContext,
    tokens: StackPlan['tokens'],
  ): tf.Tensor {
    const L = this.numLayers;
    const D = this.directions;
    const H = this.hiddenSize;
    const initial = context.initialStates.get(this.name);
    const h0 = initial?.h ?? tf.zeros([L * D, B, H]);
    const c0 = this.cell.hasCellState ? (initial?.c ?? tf.zeros([L * D, B, H])) : undefined;
    this.#checkState('h', h0, B);
    if (c0) this.#checkState('c', c0, B);
    if (context.lengths) this.#checkLengths(context.lengths, B, T);
    const plan = { ...this.#plan(B, T, context), tokens };
    const path: DirectionPath<unknown> = this.#useFusedKernels() ? fusedPath : opsPath;
    const args = [input, h0, c0 ?? tf.zeros([1]), ...this.#parameterTensors()];
    const { output, h, c } = runStack(plan, path, args);
    context.finalStates.set(this.name, c ? { h, c } : { h });
    if (this.outputKind === 'sequence') return output;
    // Final hidden state of the top layer, both directions concatenated: [B, D*H].
    const top = tf.slice(h, [(L - 1) * D, 0, 0], [D, B, H]);
    return tf.reshape(tf.transpose(top, [1, 0, 2]), [B, D * H]);
  }

  /** This call's sizes, lengths and dropout masks (drawn here, from the context's generator). */
  #plan(B: number, T: number, context: ForwardContext): StackPlan {
    const L = this.numLayers;
    const dropoutMasks =
      context.training && this.dropout > 0 && L > 1
        ? Array.from({ length: L - 1 }, () =>
            dropoutMask([T * B, this.outputSize], this.dropout, context.random),
          )
        : [];
    return {
      cell: this.cell,
      numLayers: L,
      directions: this.directions,
      inputSize: this.inputSize,
      hasBias: this.spec.bias,
      sizes: { T, B, H: this.hiddenSize, G: this.cell.gates },
      lengths: context.lengths,
      dropoutMasks,
    };
  }

  /** weight_ih, weight_hh (and the biases) of each layer and direction, in order. */
  #parameterTensors(): tf.Variable[] {
    return this.#weights
      .flat()
      .flatMap((w) => [
        w.weightIh,
        w.weightHh,
        ...(w.biasIh && w.biasHh ? [w.biasIh, w.biasHh] : []),
      ]);
  }

  /** The fused kernels when asked for, or ("auto") when the active backend has them. */
  #useFusedKernels(): boolean {
    if (this.fusedKernels === 'off') return false;
    const available = fusedKernelsAvailable();
    if (this.fusedKernels === 'on' && !available) {
      throw new Error(
        `layer "${this.name}": fused recurrent kernels were requested but backend "${tf.getBackend()}" has none`,
      );
    }
    return available;
  }

  #checkInput(input: tf.Tensor): [number, number, number] {
    if (input.rank !== 3 || input.shape[2] !== this.inputSize) {
      throw new Error(
        `layer "${this.name}" (${this.type}) expects input [batch, time, ${this.inputSize}], got [${input.shape.join(', ')}]`,
      );
    }
    const [B, T, I] = input.shape as [number, number, number];
    if (T === 0)
      throw new Error(`layer "${this.name}" (${this.type}) got an empty sequence (time steps 0)`);
    return [B, T, I];
  }

  #checkState(which: 'h' | 'c', state: tf.Tensor, batch: number): void {
    const expected = [this.numLayers * this.directions, batch, this.hiddenSize];
    if (state.shape.join() !== expected.join()) {
      throw new Error(
        `initial state ${which}0 of layer "${this.name}" (${this.type}) must be [numLayers * directions, batch, hiddenSize] = [${expected.join(', ')}], got [${state.shape.join(', ')}]`,
      );
    }
  }

  #checkLengths(lengths: Int32Array, batch: number, time: number): void {
    if (lengths.length !== batch) {
      throw new Error(
        `lengths has ${lengths.length} entries but the batch has ${batch} rows (layer "${this.name}")`,
      );
    }
    lengths.forEach((length, row) => {
      if (!(length >= 1 && length <= time)) {
        throw new Error(
          `lengths[${row}] is ${length}; each length must be between 1 and the padded length ${time} (layer "${this.name}")`,
        );
      }
    });
  }
}

/** Inverted dropout mask: 0 with probability p, else 1/(1-p), from the seeded generator. */
export function dropoutMask(shape: [number, number], p: number, random: Random): tf.Tensor2D {
  const data = new Float32Array(shape[0] * shape[1]);
  const keep = 1 / (1 - p);
  for (let i = 0; i < data.length; i++) data[i] = random.next() < p ? 0 : keep;
  return tf.tensor2d(data, shape);
}
