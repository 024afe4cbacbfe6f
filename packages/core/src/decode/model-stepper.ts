// A compiled language model as a DecodeStepper (contract.ts). The prompt is read in one
// model.forward (whose recurrent layers run the backend's fused time loop when it has one); then
// each step reads one token per row, with the recurrent states carried as tensors. A step runs the
// backend's fused DecodeStep kernel (layers/recurrent/decode-step.ts) when the backend registered it
// and the model fits it (fused-step-plan.ts), and otherwise model.forward on one token per row,
// which gives the same results (the backend conformance suite checks it).
import * as tf from '@tensorflow/tfjs-core';
import { EmbeddingLayer } from '../layers/embedding.js';
import type { RecurrentState } from '../layers/layer.js';
import { decodeStepAvailable, runDecodeStep } from '../layers/recurrent/decode-step.js';
import { RecurrentLayer } from '../layers/recurrent/recurrent-layer.js';
import type { Model } from '../model/model.js';
import type { DecodeStepper, StepScores } from './contract.js';
import { type FusedStepPlan, fusedStepPlan } from './fused-step-plan.js';

/** A model stepper's state: every recurrent layer's state for each row. */
export interface ModelStepState {
  /** Rows (hypotheses). */
  readonly rows: number;
  /** Each recurrent layer's state by layer name: h (and c for LSTM) [numLayers, rows, hiddenSize]. */
  readonly layers: Readonly<Record<string, RecurrentState>>;
}

export interface ModelStepperOptions {
  /**
   * The fused decoding step: "auto" (default) uses it when the active backend registered the
   * DecodeStep kernel and the model fits it, else model.forward; true requires it (an error says
   * why it cannot be used); false always runs model.forward.
   */
  fused?: 'auto' | true | false;
}

export interface ModelStepper extends DecodeStepper<ModelStepState> {
  /** Whether a step on the active backend runs the fused DecodeStep kernel. */
  readonly fusedStep: boolean;
}

/** Decodes `model` (token ids in, scores at each position out) one token at a time. */
export function modelStepper(model: Model, options: ModelStepperOptions = {}): ModelStepper {
  return new ModelDecodeStepper(model, options.fused ?? 'auto');
}

class ModelDecodeStepper implements ModelStepper {
  readonly vocabularySize: number;
  readonly #model: Model;
  readonly #fused: 'auto' | boolean;
  readonly #plan: FusedStepPlan | undefined;
  /** Rows of the embedding table: token ids are checked against it. */
  readonly #tokenIds: number;

  constructor(model: Model, fused: 'auto' | boolean) {
    if (fused !== 'auto' && fused !== true && fused !== false) {
      throw new Error(
        `modelStepper: fused must be "auto", true or false, got ${JSON.stringify(fused)}`,
      );
    }
    this.#model = model;
    this.#fused = fused;
    const { vocabularySize, tokenIds } = decodableShape(model);
    this.vocabularySize = vocabularySize;
    this.#tokenIds = tokenIds;
    this.#plan = fused === false ? undefined : fusedStepPlan(model);
    if (fused === true) this.#fusedOrThrow();
  }

  get fusedStep(): boolean {
    if (this.#fused === true) return this.#fusedOrThrow();
    return this.#plan?.ok === true && decodeStepAvailable();
  }

  async prefill(prompt: Int32Array): Promise<StepScores<ModelStepState>> {
    if (prompt.length === 0) {
      throw new Error('modelStepper: prefill needs a prompt of at least one token');
    }
    this.#checkTokens(prompt);
    const tokens = tf.tensor2d(prompt, [1, prompt.length], 'int32');
    const result = (() => {
      try {
        return this.#model.forward({ tokens });
      } finally {
        tokens.dispose();
      }
    })();
    const state = { rows: 1, layers: result.states };
    const [, T, V] = result.output.shape as [number, number, number];
    const last = tf.tidy(() =>
      tf.reshape(tf.slice(result.output, [0, T - 1, 0], [1, 1, V]), [1, V]),
    );
    result.output.dispose();
    return { logits: await readLogits(last, state), state };
  }

  async step(tokens: Int32Array, state: ModelStepState): Promise<StepScores<ModelStepState>> {
    if (tokens.length !== state.rows) {
      throw new Error(
        `modelStepper: step got ${tokens.length} tokens for a state of ${state.rows} rows (one token per row)`,
      );
    }
    this.#checkTokens(tokens);
    return this.fusedStep ? this.#fusedStep(tokens, state) : this.#opsStep(tokens, state);
  }

  select(state: ModelStepState, rows: Int32Array): ModelStepState {
    if (rows.length === 0) throw new Error('modelStepper: select needs at least one row');
    rows.forEach((row, i) => {
      if (!(Number.isInteger(row) && row >= 0 && row < state.rows)) {
        throw new Error(
          `modelStepper: select rows[${i}] is ${row}; the state has rows 0 to ${state.rows - 1}`,
        );
      }
    });
    const layers = tf.tidy(() => {
      const index = tf.tensor1d(rows, 'int32');
      const pick = (t: tf.Tensor) => tf.gather(t, index, 1);
      return Object.fromEntries(
        Object.entries(state.layers).map(([name, s]) => [
          name,
          s.c ? { h: pick(s.h), c: pick(s.c) } : { h: pick(s.h) },
        ]),
      ) as unknown as tf.TensorContainer;
    }) as unknown as Record<string, RecurrentState>;
    return { rows: rows.length, layers };
  }

  release(state: ModelStepState): void {
    tf.dispose(stateTensors(state));
  }

  /** model.forward on one token per row, from the state. */
  async #opsStep(tokens: Int32Array, state: ModelStepState): Promise<StepScores<ModelStepState>> {
    const B = tokens.length;
    const input = tf.tensor2d(tokens, [B, 1], 'int32');
    const result = (() => {
      try {
        return this.#model.forward({ tokens: input }, { initialState: state.layers });
      } finally {
        input.dispose();
      }
    })();
    const next = { rows: B, layers: result.states };
    const logits = tf.reshape(result.output, [B, this.vocabularySize]);
    result.output.dispose();
    return { logits: await readLogits(logits, next), state: next };
  }

  /** The backend's DecodeStep kernel: every layer in one call. */
  async #fusedStep(tokens: Int32Array, state: ModelStepState): Promise<StepScores<ModelStepState>> {
    const plan = this.#plan as Extract<FusedStepPlan, { ok: true }>;
    const states = plan.recurrentLayers.map((name) => {
      const s = state.layers[name];
      if (!s) throw new Error(`modelStepper: the state has no entry for layer "${name}"`);
      return s;
    });
    const result = runDecodeStep(tokens, plan.weights, states);
    const next = {
      rows: tokens.length,
      layers: Object.fromEntries(plan.recurrentLayers.map((name, r) => [name, result.states[r]])),
    } as ModelStepState;
    return { logits: await readLogits(result.logits, next), state: next };
  }

  /** For fused: true: whether the fused step can run, or an error that says why not. */
  #fusedOrThrow(): true {
    const plan = this.#plan as FusedStepPlan;
    const name = this.#model.spec.name;
    if (!plan.ok) {
      throw new Error(
        `modelStepper: fused: true, but model "${name}" cannot run the fused decoding step: ${plan.reason}`,
      );
    }
    if (!decodeStepAvailable()) {
      throw new Error(
        `modelStepper: fused: true, but backend "${tf.getBackend()}" registers no DecodeStep kernel (use fused: "auto" to decode through model.forward)`,
      );
    }
    return true;
  }

  #checkTokens(tokens: Int32Array): void {
    tokens.forEach((id, i) => {
      if (!(id >= 0 && id < this.#tokenIds)) {
        throw new Error(
          `modelStepper: token id ${id} at position ${i} is outside the vocabulary of model "${this.#model.spec.name}" (ids 0 to ${this.#tokenIds - 1})`,
        );
      }
    });
  }
}

/** The vocabulary a model scores and reads, or an error saying why it cannot be decoded. */
function decodableShape(model: Model): { vocabularySize: number; tokenIds: number } {
  const name = model.spec.name;
  const first = model.layers[0];
  if (!(first instanceof EmbeddingLayer)) {
    throw new Error(
      `modelStepper: model "${name}" does not read token ids (its first layer is not an embedding)`,
    );
  }
  for (const layer of model.layers) {
    if (layer instanceof RecurrentLayer && layer.directions !== 1) {
      throw new Error(
        `modelStepper: layer "${layer.name}" of model "${name}" is bidirectional: its reverse direction reads the tokens after each position, which decoding has not made yet`,
      );
    }
  }
  const last = model.layers.at(-1) as (typeof model.layers)[number];
  if (last.outputKind !== 'sequence') {
    throw new Error(
      `modelStepper: model "${name}" gives one vector per sequence (layer "${last.name}", ${last.type}), not scores at each position: it is not a language model`,
    );
  }
  return { vocabularySize: last.outputSize, tokenIds: first.numEmbeddings };
}

function stateTensors(state: ModelStepState): tf.Tensor[] {
  return Object.values(state.layers).flatMap((s) => (s.c ? [s.h, s.c] : [s.h]));
}

/** Reads [rows, V] logits back and frees them (and, on failure, the state made with them). */
async function readLogits(logits: tf.Tensor, state: ModelStepState): Promise<Float32Array> {
  try {
    return (await logits.data()) as Float32Array;
  } catch (error) {
    tf.dispose(stateTensors(state));
    throw error;
  } finally {
    logits.dispose();
  }
}
