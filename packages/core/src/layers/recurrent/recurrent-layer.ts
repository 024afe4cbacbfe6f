// The recurrent layer of a spec (rnn, lstm, gru): stacking, bidirectional passes, dropout between
// stacked layers, initial and final states and variable lengths, for every cell type, as
// torch.nn.RNN / LSTM / GRU with batch_first=True. Forward and backward run as one custom gradient:
// autograd sees one op, and the backward pass through time is the hand-written one in runner.ts.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../../grad/custom-op.js';
import { type InitializerName, uniformValues } from '../../init/initializers.js';
import type { Random } from '../../init/random.js';
import type { LayerSpec } from '../../spec/types.generated.js';
import type { ForwardContext, Layer, Parameter, RecurrentState } from '../layer.js';
import { createParameter } from '../params.js';
import { type Cell, type CellWeights, cellFor } from './cells.js';
import {
  fusedKernelsAvailable,
  recurrentBackwardKernel,
  recurrentForwardKernel,
  runFused,
} from './fused.js';
import {
  backwardDirection,
  type DirectionResult,
  type DirectionTape,
  forwardDirection,
} from './runner.js';

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
    const [B, T, I] = this.#checkInput(input);
    const L = this.numLayers;
    const D = this.directions;
    const H = this.hiddenSize;
    const initial = context.initialStates.get(this.name);
    const h0 = initial?.h ?? tf.zeros([L * D, B, H]);
    const c0 = this.cell.hasCellState ? (initial?.c ?? tf.zeros([L * D, B, H])) : undefined;
    this.#checkState('h', h0, B);
    if (c0) this.#checkState('c', c0, B);
    const lengths = context.lengths;
    if (lengths) this.#checkLengths(lengths, B, T);
    const dropoutMasks =
      context.training && this.dropout > 0 && L > 1
        ? Array.from({ length: L - 1 }, () =>
            dropoutMask([T * B, this.outputSize], this.dropout, context.random),
          )
        : [];
    const params = this.#weights
      .flat()
      .flatMap((w) => [
        w.weightIh,
        w.weightHh,
        ...(w.biasIh && w.biasHh ? [w.biasIh, w.biasHh] : []),
      ]);
    const op = this.#op(B, T, I, lengths, dropoutMasks);
    const args = [input, h0, c0 ?? tf.zeros([1]), ...params];
    let output: tf.Tensor;
    let h: tf.Tensor;
    let c: tf.Tensor | undefined;
    if (gradientsRecorded()) {
      // One custom-gradient op whose value packs [output, h_n, c_n] (an op has one output).
      const packed = op.custom(...args);
      const outputCount = B * T * D * H;
      const stateCount = L * D * B * H;
      output = tf.reshape(tf.slice(packed, [0], [outputCount]), [B, T, D * H]);
      h = tf.reshape(tf.slice(packed, [outputCount], [stateCount]), [L * D, B, H]);
      c = c0
        ? tf.reshape(tf.slice(packed, [outputCount + stateCount], [stateCount]), [L * D, B, H])
        : undefined;
    } else {
      // As the custom op's forward does, inside tidy: only the results outlive it.
      const result = tf.tidy(() => {
        const pass = op.forwardPass(args, false);
        return {
          output: pass.output,
          h: tf.stack(pass.hLast),
          ...(c0 ? { c: tf.stack(pass.cLast) } : {}),
        };
      });
      output = result.output;
      h = result.h;
      c = result.c;
    }
    const state: RecurrentState = c ? { h, c } : { h };
    context.finalStates.set(this.name, state);
    if (this.outputKind === 'sequence') return output;
    // Final hidden state of the top layer, both directions concatenated: [B, D*H].
    const top = tf.slice(h, [(L - 1) * D, 0, 0], [D, B, H]);
    return tf.reshape(tf.transpose(top, [1, 0, 2]), [B, D * H]);
  }

  /**
   * The custom-gradient op: (x, h0, c0, ...params) -> flat [output, h_n, c_n]. Closed over the
   * sizes, lengths and dropout masks of this call (none of which needs a gradient).
   */
  #op(
    B: number,
    T: number,
    I: number,
    lengths: Int32Array | undefined,
    dropoutMasks: tf.Tensor2D[],
  ) {
    const L = this.numLayers;
    const D = this.directions;
    const H = this.hiddenSize;
    const G = this.cell.gates;
    const cell = this.cell;
    const hasBias = this.spec.bias;
    const perDirection = hasBias ? 4 : 2;

    const fused = this.#useFusedKernels();
    /**
     * The forward computation. With `keepTape` false (no gradient is being recorded, e.g.
     * generation) fused kernels skip what only backpropagation needs.
     */
    const forwardPass = (args: tf.Tensor[], keepTape: boolean) => {
      const [x, h0, c0, ...params] = args;
      const cellWeights = (w: ReturnType<typeof weightsOf>): CellWeights => ({
        whh: gateBlocks(w.whh, G, H),
        bhh: !cell.foldsHiddenBias && w.bhh ? gateBlocks(w.bhh, G, H) : undefined,
      });
      const weightsOf = (l: number, d: number) => {
        const base = (l * D + d) * perDirection;
        return {
          wih: params[base] as tf.Tensor2D,
          whh: params[base + 1] as tf.Tensor2D,
          bih: hasBias ? (params[base + 2] as tf.Tensor1D) : undefined,
          bhh: hasBias ? (params[base + 3] as tf.Tensor1D) : undefined,
        };
      };
      const masks = lengths ? timeMasks(lengths, T) : undefined;
      const maskSteps = masks && !fused ? (tf.unstack(masks) as tf.Tensor2D[]) : undefined;
      // Time-major rows: row t*B + b is step t of sequence b.
      let layerInput = tf.reshape(swapBatchAndTime(x as tf.Tensor3D), [T * B, I]) as tf.Tensor2D;
      // Each layer and direction's initial state, [B, H], in one op per state.
      const statesOf = (s: tf.Tensor) =>
        L * D === 1 ? [tf.reshape(s, [B, H]) as tf.Tensor2D] : (tf.unstack(s) as tf.Tensor2D[]);
      const h0States = statesOf(h0 as tf.Tensor);
      const c0States = cell.hasCellState ? statesOf(c0 as tf.Tensor) : undefined;
      const layerInputs: tf.Tensor2D[] = [];
      const tapes: DirectionTape[] = [];
      const hLast: tf.Tensor[] = [];
      const cLast: tf.Tensor[] = [];
      let layerOutput: tf.Tensor3D | undefined;
      for (let l = 0; l < L; l++) {
        if (l > 0 && dropoutMasks[l - 1])
          layerInput = tf.mul(layerInput, dropoutMasks[l - 1] as tf.Tensor2D);
        layerInputs.push(layerInput);
        const outputs: tf.Tensor3D[] = [];
        for (let d = 0; d < D; d++) {
          const w = weightsOf(l, d);
          const bias =
            w.bih && w.bhh ? (cell.foldsHiddenBias ? tf.add(w.bih, w.bhh) : w.bih) : undefined;
          const index = l * D + d;
          const hInit = h0States[index] as tf.Tensor2D;
          const cInit = cell.hasCellState ? c0States?.[index] : undefined;
          let result: DirectionResult;
          if (fused) {
            const projection = tf.matMul(layerInput, w.wih, false, true);
            const xw = tf.reshape(bias ? tf.add(projection, bias) : projection, [T, B, G * H]);
            const bhh = cell.foldsHiddenBias ? undefined : w.bhh;
            const [out, hl, cl, gates, extra, hPrev, cPrev] = runFused(
              recurrentForwardKernel,
              {
                xw,
                whh: w.whh,
                bhh,
                h0: hInit,
                c0: cInit,
                mask: masks ? tf.reshape(masks, [T, B]) : undefined,
              },
              cell.fusedName,
              d === 1,
              keepTape,
            ) as tf.Tensor[];
            result = {
              output: out as tf.Tensor3D,
              hLast: hl as tf.Tensor,
              cLast: cell.hasCellState ? cl : undefined,
              tape: {
                hPrev: hPrev as tf.Tensor3D,
                cPrev: cell.hasCellState ? (cPrev as tf.Tensor3D) : undefined,
                stepSaved: [gates as tf.Tensor3D, extra as tf.Tensor3D],
              },
            };
          } else {
            const xw = gateBlocks(w.wih, G, H).map((wihGate, g) => {
              const projection = tf.matMul(layerInput, wihGate, false, true);
              const withBias = bias ? tf.add(projection, gateBlock(bias, g, H)) : projection;
              return tf.reshape(withBias, [T, B, H]) as tf.Tensor3D;
            });
            result = forwardDirection(cell, xw, hInit, cInit, cellWeights(w), maskSteps, d === 1);
          }
          outputs.push(result.output);
          tapes.push(result.tape);
          hLast.push(result.hLast);
          if (result.cLast) cLast.push(result.cLast);
        }
        layerOutput = (D === 2 ? tf.concat(outputs, 2) : outputs[0]) as tf.Tensor3D;
        layerInput = tf.reshape(layerOutput, [T * B, D * H]) as tf.Tensor2D;
      }
      const output = swapBatchAndTime(layerOutput as tf.Tensor3D);
      return { output, hLast, cLast, layerInputs, tapes, masks, weightsOf, cellWeights };
    };

    const custom = customOp((args, save) => {
      const { output, hLast, cLast, layerInputs, tapes, masks, weightsOf, cellWeights } =
        forwardPass(args, true);
      const pieces = [tf.reshape(output, [-1]), tf.reshape(tf.stack(hLast), [-1])];
      if (cell.hasCellState) pieces.push(tf.reshape(tf.stack(cLast), [-1]));
      save([
        ...layerInputs,
        ...tapes.flatMap((tape) => [
          tape.hPrev,
          ...(tape.cPrev ? [tape.cPrev] : []),
          ...tape.stepSaved,
        ]),
        ...(masks ? [masks] : []),
        ...dropoutMasks,
      ]);

      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        let cursor = 0;
        const take = () => saved[cursor++] as tf.Tensor;
        const inputs = Array.from({ length: L }, () => take() as tf.Tensor2D);
        const savedTapes: DirectionTape[] = Array.from({ length: L * D }, () => ({
          hPrev: take() as tf.Tensor3D,
          cPrev: cell.hasCellState ? (take() as tf.Tensor3D) : undefined,
          stepSaved: (tapes[0]?.stepSaved ?? []).map(() => take() as tf.Tensor3D),
        }));
        const savedMaskTensor = masks ? take() : undefined;
        const savedMasks =
          savedMaskTensor && !fused ? (tf.unstack(savedMaskTensor) as tf.Tensor2D[]) : undefined;
        const savedDropout = Array.from(
          { length: dropoutMasks.length },
          () => take() as tf.Tensor2D,
        );

        const outputCount = B * T * D * H;
        const stateCount = L * D * B * H;
        const dOutput = tf.reshape(tf.slice(dy, [0], [outputCount]), [B, T, D * H]);
        let dLayerOutput = tf.transpose(dOutput, [1, 0, 2]) as tf.Tensor3D;
        const dhN = tf.unstack(
          tf.reshape(tf.slice(dy, [outputCount], [stateCount]), [L * D, B, H]),
        ) as tf.Tensor2D[];
        const dcN = cell.hasCellState
          ? (tf.unstack(
              tf.reshape(tf.slice(dy, [outputCount + stateCount], [stateCount]), [L * D, B, H]),
            ) as tf.Tensor2D[])
          : undefined;
        const paramGrads: tf.Tensor[] = new Array(args.length - 3);
        const dh0: tf.Tensor[] = new Array(L * D);
        const dc0: tf.Tensor[] = new Array(L * D);
        let dInput: tf.Tensor2D | undefined;
        for (let l = L - 1; l >= 0; l--) {
          const input = inputs[l] as tf.Tensor2D;
          dInput = undefined;
          for (let d = 0; d < D; d++) {
            const index = l * D + d;
            const w = weightsOf(l, d);
            const dOut =
              D === 2
                ? (tf.slice(dLayerOutput, [0, 0, d * H], [T, B, H]) as tf.Tensor3D)
                : dLayerOutput;
            const tape = savedTapes[index] as DirectionTape;
            const base = index * perDirection;
            let g: { dh0: tf.Tensor; dc0: tf.Tensor | undefined };
            if (fused) {
              const [gates, extra] = tape.stepSaved as [tf.Tensor, tf.Tensor];
              const [dGatesX, , dh0Fused, dc0Fused, dWhh, dBhh, dBih] = runFused(
                recurrentBackwardKernel,
                {
                  dOut,
                  dhLast: dhN[index],
                  dcLast: dcN?.[index],
                  gates,
                  extra,
                  hPrev: tape.hPrev,
                  cPrev: tape.cPrev,
                  whh: w.whh,
                  mask: savedMaskTensor ? tf.reshape(savedMaskTensor, [T, B]) : undefined,
                },
                cell.fusedName,
                d === 1,
              ) as tf.Tensor[];
              const gx = tf.reshape(dGatesX as tf.Tensor, [T * B, G * H]) as tf.Tensor2D;
              paramGrads[base] = tf.matMul(gx, input, true, false);
              paramGrads[base + 1] = dWhh as tf.Tensor;
              if (hasBias) {
                paramGrads[base + 2] = dBih as tf.Tensor;
                paramGrads[base + 3] = dBhh as tf.Tensor;
              }
              g = { dh0: dh0Fused as tf.Tensor, dc0: cell.hasCellState ? dc0Fused : undefined };
              const term = tf.matMul(gx, w.wih) as tf.Tensor2D;
              dInput = dInput ? (tf.add(dInput, term) as tf.Tensor2D) : term;
            } else {
              const r = backwardDirection(
                cell,
                tape,
                dOut,
                dhN[index] as tf.Tensor2D,
                dcN?.[index],
                cellWeights(w),
                savedMasks,
                d === 1,
              );
              const flat = (t: tf.Tensor3D) => tf.reshape(t, [T * B, H]) as tf.Tensor2D;
              const gx = r.dGatesX.map(flat);
              const gh = r.dGatesH === r.dGatesX ? gx : r.dGatesH.map(flat);
              const hPrev = flat(tape.hPrev);
              // One large product per gate and weight, over every step at once.
              paramGrads[base] = tf.concat(gx.map((dg) => tf.matMul(dg, input, true, false)));
              paramGrads[base + 1] = tf.concat(gh.map((dg) => tf.matMul(dg, hPrev, true, false)));
              if (hasBias) {
                paramGrads[base + 2] = tf.concat(gx.map((dg) => tf.sum(dg, 0)));
                paramGrads[base + 3] = tf.concat(gh.map((dg) => tf.sum(dg, 0)));
              }
              const wihGates = gateBlocks(w.wih, G, H);
              for (const [k, dg] of gx.entries()) {
                const term = tf.matMul(dg, wihGates[k] as tf.Tensor2D) as tf.Tensor2D;
                dInput = dInput ? (tf.add(dInput, term) as tf.Tensor2D) : term;
              }
              g = { dh0: r.dh0, dc0: r.dc0 };
            }
            dh0[index] = g.dh0;
            if (g.dc0) dc0[index] = g.dc0;
          }
          if (l > 0 && savedDropout[l - 1])
            dInput = tf.mul(dInput as tf.Tensor2D, savedDropout[l - 1] as tf.Tensor2D);
          if (l > 0) dLayerOutput = tf.reshape(dInput as tf.Tensor2D, [T, B, D * H]) as tf.Tensor3D;
        }
        const dx = tf.transpose(tf.reshape(dInput as tf.Tensor2D, [T, B, I]), [1, 0, 2]);
        const dc0Grad = cell.hasCellState ? tf.stack(dc0) : tf.zeros([1]);
        return [dx, tf.stack(dh0), dc0Grad, ...paramGrads];
      };
      return { value: tf.concat(pieces), gradFunc };
    });
    return { custom, forwardPass };
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

/** Gate block g of a weight [G*H, ...] or bias [G*H]: rows g*H .. (g+1)*H (a contiguous slice). */
function gateBlock<R extends tf.Tensor>(t: R, g: number, H: number): R {
  return (
    t.rank === 1 ? tf.slice(t, [g * H], [H]) : tf.slice(t, [g * H, 0], [H, t.shape[1] as number])
  ) as R;
}

function gateBlocks<R extends tf.Tensor>(t: R, G: number, H: number): R[] {
  return G === 1 ? [t] : Array.from({ length: G }, (_, g) => gateBlock(t, g, H));
}

/** [T, B, 1] float mask: 1 where step t is inside row b's length. */
export function timeMasks(lengths: Int32Array, T: number): tf.Tensor3D {
  const B = lengths.length;
  const data = new Float32Array(T * B);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) data[t * B + b] = t < (lengths[b] as number) ? 1 : 0;
  return tf.tensor3d(data, [T, B, 1]);
}

/** Inverted dropout mask: 0 with probability p, else 1/(1-p), from the seeded generator. */
export function dropoutMask(shape: [number, number], p: number, random: Random): tf.Tensor2D {
  const data = new Float32Array(shape[0] * shape[1]);
  const keep = 1 / (1 - p);
  for (let i = 0; i < data.length; i++) data[i] = random.next() < p ? 0 : keep;
  return tf.tensor2d(data, shape);
}

/** Whether tfjs is recording operations for gradients (inside tf.grad / variableGrads). */
function gradientsRecorded(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

/**
 * x [P, Q, F] as [Q, P, F]: a transpose, or only a reshape when P or Q is 1 (one sequence or one
 * step, as in generation), where the order of the rows does not change.
 */
function swapBatchAndTime(x: tf.Tensor3D): tf.Tensor3D {
  const [P, Q, F] = x.shape;
  if (P === 1 || Q === 1) return tf.reshape(x, [Q, P, F]) as tf.Tensor3D;
  return tf.transpose(x, [1, 0, 2]) as tf.Tensor3D;
}
