// Runs decoding cases on one backend and returns plain numbers: one step of the model stepper from
// seeded states (fused or through model.forward), or a prompt and steps next to one model.forward
// over the whole sequence.
import {
  compile,
  type Model,
  type ModelStepState,
  modelStepper,
  Random,
  type RecurrentState,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { type DecodeCase, decodeSpec, decodeVocabulary } from './decode-cases.js';

export interface DecodeCaseResult {
  /** logits, then state.<layer>.h / .c of the new state. */
  values: Map<string, Float32Array>;
  /** Tensors alive after the run minus before. */
  leaked: number;
}

function compileCase(c: DecodeCase, backend: string, fusedKernels: 'auto' | 'off'): Promise<Model> {
  return compile(decodeSpec(c), {
    backend,
    fusedKernels,
    vocabularySize: decodeVocabulary,
    outputSize: decodeVocabulary,
  });
}

/** A state of `batch` rows with seeded values in (-1, 1), for every recurrent layer of the case. */
function seededState(c: DecodeCase, batch: number): ModelStepState {
  const random = new Random(23);
  const values = (n: number) => Float32Array.from({ length: n }, () => random.uniform(-1, 1));
  const layers: Record<string, RecurrentState> = {};
  for (const layer of c.layers) {
    if (layer.type === 'dropout') continue;
    const shape: [number, number, number] = [
      (layer.numLayers as number | undefined) ?? 1,
      batch,
      layer.hiddenSize as number,
    ];
    const h = tf.tensor3d(values(shape[0] * batch * shape[2]), shape);
    layers[layer.name as string] =
      layer.type === 'lstm' ? { h, c: tf.tensor3d(values(h.size), shape) } : { h };
  }
  return { rows: batch, layers };
}

function seededTokens(batch: number): Int32Array {
  const random = new Random(29);
  return Int32Array.from({ length: batch }, () =>
    Math.floor(random.uniform(0, decodeVocabulary - 1e-6)),
  );
}

/**
 * One step of `batch` rows from a seeded state. fused: the backend's DecodeStep kernel (required);
 * otherwise model.forward on one token, with the recurrent layers' fused kernels as given.
 */
export async function runDecodeStepCase(
  c: DecodeCase,
  batch: number,
  backend: string,
  path: { fused: boolean; fusedKernels?: 'auto' | 'off' },
): Promise<DecodeCaseResult> {
  const model = await compileCase(c, backend, path.fusedKernels ?? 'auto');
  const stepper = modelStepper(model, { fused: path.fused });
  const before = tf.memory().numTensors;
  const state = seededState(c, batch);
  const { logits, state: next } = await stepper.step(seededTokens(batch), state);
  const values = new Map<string, Float32Array>([['logits', logits]]);
  for (const [name, s] of Object.entries(next.layers)) {
    values.set(`state.${name}.h`, (await s.h.data()) as Float32Array);
    if (s.c) values.set(`state.${name}.c`, (await s.c.data()) as Float32Array);
  }
  stepper.release(state);
  stepper.release(next);
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  return { values, leaked };
}

export interface PromptRunResult {
  /** The stepper's scores after the prompt and after each step, position by position. */
  stepped: Float32Array[];
  /** One model.forward over the whole sequence: the scores at the same positions. */
  whole: Float32Array[];
  /** Whether the steps ran the fused DecodeStep kernel. */
  fusedStep: boolean;
  leaked: number;
}

/** Reads `sequence[0, prompt)` with prefill, then the rest one token per step. */
export async function runPromptCase(
  c: DecodeCase,
  backend: string,
  sequence: readonly number[],
  prompt: number,
): Promise<PromptRunResult> {
  const model = await compileCase(c, backend, 'auto');
  const stepper = modelStepper(model);
  const before = tf.memory().numTensors;
  const tokens = tf.tensor2d([...sequence], [1, sequence.length], 'int32');
  const full = model.forward({ tokens });
  const all = (await full.output.data()) as Float32Array;
  tf.dispose([
    tokens,
    full.output,
    ...Object.values(full.states).flatMap((s) => [s.h, s.c ?? []].flat()),
  ]);
  const V = decodeVocabulary;
  const whole = sequence.map((_, t) => all.slice(t * V, (t + 1) * V)).slice(prompt - 1);
  let { logits, state } = await stepper.prefill(Int32Array.from(sequence.slice(0, prompt)));
  const stepped = [logits];
  for (let t = prompt; t < sequence.length; t++) {
    const next = await stepper.step(Int32Array.of(sequence[t] as number), state);
    stepper.release(state);
    ({ logits, state } = next);
    stepped.push(logits);
  }
  stepper.release(state);
  const fusedStep = stepper.fusedStep;
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  return { stepped, whole, fusedStep, leaked };
}
