// Runs one conformance case on one backend and returns plain numbers: the output, final states,
// a loss over all of them and the gradient of every parameter (and of float inputs), so results
// from different backends can be compared after the tensors are gone.
import { compile, type Model, type ModelInputs, Random } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ConformanceCase } from './cases.js';

export interface CaseResult {
  values: Map<string, Float32Array>;
  /** Tensors alive after the run minus before (0 when nothing leaked). */
  leaked: number;
}

function seeded(count: number, seed: number, scale = 1): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: count }, () => random.uniform(-scale, scale));
}

function inputs(c: ConformanceCase): tf.Tensor {
  const random = new Random(5);
  if (c.vocabulary !== undefined) {
    const ids = Int32Array.from({ length: c.batch * c.steps }, () =>
      Math.floor(random.uniform(1, c.vocabulary as number)),
    );
    return tf.tensor2d(ids, [c.batch, c.steps], 'int32');
  }
  const size = c.batch * c.steps * (c.features as number);
  // Inside tidy, so the tensor the variable copies is freed.
  return tf.tidy(() =>
    tf.variable(tf.tensor3d(seeded(size, 6), [c.batch, c.steps, c.features as number]), true),
  );
}

export async function runCase(
  c: ConformanceCase,
  backend: string,
  fusedKernels: 'auto' | 'off' = 'auto',
): Promise<CaseResult> {
  const model = await compile(c.spec, {
    backend,
    fusedKernels,
    ...(c.vocabulary !== undefined ? { vocabularySize: c.vocabulary, outputSize: 3 } : {}),
  });
  const before = tf.memory().numTensors;
  const x = inputs(c);
  const initial = c.initialStateOf;
  const stateShape = initial ? [initial.size, c.batch, 5] : [];
  const h0 = initial
    ? tf.tensor3d(
        seeded(
          stateShape.reduce((a, b) => a * b),
          7,
        ),
        stateShape as [number, number, number],
      )
    : undefined;
  const c0 = initial?.withCell
    ? tf.tensor3d(seeded(h0?.size ?? 0, 8), stateShape as [number, number, number])
    : undefined;
  const variables = model.parameters().map((p) => p.variable);
  if (x instanceof tf.Variable) variables.push(x);
  const values = new Map<string, Float32Array>();
  const kept: tf.Tensor[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const result = model.forward(
      sequenceInputs(model, x, c.lengths),
      initial && h0 ? { initialState: { [initial.layer]: c0 ? { h: h0, c: c0 } : { h: h0 } } } : {},
    );
    kept.push(tf.keep(result.output));
    const probe = tf.tensor(seeded(result.output.size, 9), result.output.shape);
    let loss = tf.sum(tf.mul(result.output, probe));
    for (const [name, state] of Object.entries(result.states)) {
      kept.push(tf.keep(state.h));
      values.set(`state.${name}.h`, new Float32Array(0));
      loss = tf.add(loss, tf.sum(tf.square(state.h)));
      if (state.c) {
        kept.push(tf.keep(state.c));
        values.set(`state.${name}.c`, new Float32Array(0));
        loss = tf.add(loss, tf.sum(state.c));
      }
    }
    return loss as tf.Scalar;
  }, variables);
  values.set('loss', (await value.data()) as Float32Array);
  const [output, ...states] = kept;
  values.set('output', (await (output as tf.Tensor).data()) as Float32Array);
  const stateNames = [...values.keys()].filter((k) => k.startsWith('state.'));
  for (const [i, name] of stateNames.entries()) {
    values.set(name, (await (states[i] as tf.Tensor).data()) as Float32Array);
  }
  for (const parameter of model.parameters()) {
    const grad = grads[parameter.variable.name];
    values.set(
      `grad.${parameter.name}`,
      grad ? ((await grad.data()) as Float32Array) : new Float32Array(0),
    );
  }
  if (x instanceof tf.Variable) {
    values.set('grad.input', (await (grads[x.name] as tf.Tensor).data()) as Float32Array);
  }
  tf.dispose([
    x,
    value,
    ...kept,
    ...Object.values(grads),
    ...(h0 ? [h0] : []),
    ...(c0 ? [c0] : []),
  ]);
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  return { values, leaked };
}

/**
 * The case's forward pass outside any gradient recording (as in generation and prediction, where
 * layers skip what backpropagation needs): output and final states only.
 */
export async function runInference(c: ConformanceCase, backend: string): Promise<CaseResult> {
  const model = await compile(c.spec, {
    backend,
    ...(c.vocabulary !== undefined ? { vocabularySize: c.vocabulary, outputSize: 3 } : {}),
  });
  const before = tf.memory().numTensors;
  const x = inputs(c);
  const initial = c.initialStateOf;
  const stateShape = initial ? ([initial.size, c.batch, 5] as [number, number, number]) : undefined;
  const h0 = stateShape
    ? tf.tensor3d(seeded(stateShape[0] * stateShape[1] * 5, 7), stateShape)
    : undefined;
  const c0 =
    stateShape && initial?.withCell ? tf.tensor3d(seeded(h0?.size ?? 0, 8), stateShape) : undefined;
  const result = model.forward(
    sequenceInputs(model, x, c.lengths),
    initial && h0 ? { initialState: { [initial.layer]: c0 ? { h: h0, c: c0 } : { h: h0 } } } : {},
  );
  const values = new Map<string, Float32Array>();
  values.set('output', (await result.output.data()) as Float32Array);
  for (const [name, state] of Object.entries(result.states)) {
    values.set(`state.${name}.h`, (await state.h.data()) as Float32Array);
    if (state.c) values.set(`state.${name}.c`, (await state.c.data()) as Float32Array);
  }
  const states = Object.values(result.states).flatMap((s) => (s.c ? [s.h, s.c] : [s.h]));
  tf.dispose([x, result.output, ...states, ...(h0 ? [h0] : []), ...(c0 ? [c0] : [])]);
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  return { values, leaked };
}

/** The model's sequence input (token ids or features, as it describes) and its lengths. */
function sequenceInputs(
  model: Model,
  x: tf.Tensor,
  lengths: readonly number[] | undefined,
): ModelInputs {
  const sequence = model.inputs[0]?.name ?? 'tokens';
  return { [sequence]: x, lengths };
}
