// Runs one encoder-decoder case on one backend and returns plain numbers: the logits, attention
// and final decoder state of the forward pass, its loss (seq2seqLoss) and the gradient of every
// parameter, and the logits of the same batch decoded one step at a time (encode + step, as
// decoding runs), so results from different backends can be compared after the tensors are gone.
import {
  compile,
  type DecoderState,
  Random,
  type Seq2seqModel,
  seq2seqLoss,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import type { CaseResult } from './run-case.js';
import { type Seq2seqCase, seq2seqSizes, seq2seqSpec } from './seq2seq-cases.js';

function ids(rows: number, steps: number, vocabulary: number, seed: number): tf.Tensor2D {
  const random = new Random(seed);
  const values = Int32Array.from(
    { length: rows * steps },
    () => 1 + Math.floor(random.next() * (vocabulary - 1)),
  );
  return tf.tensor2d(values, [rows, steps], 'int32');
}

export async function runSeq2seqCase(
  c: Seq2seqCase,
  backend: string,
  fusedKernels: 'auto' | 'off' = 'auto',
): Promise<CaseResult> {
  const { sourceVocabulary, targetVocabulary, batch, sourceSteps, targetSteps } = seq2seqSizes;
  const model = (await compile(seq2seqSpec(c), {
    backend,
    fusedKernels,
    vocabularySize: sourceVocabulary,
    outputSize: targetVocabulary,
  })) as Seq2seqModel;
  const before = tf.memory().numTensors;
  const source = ids(batch, sourceSteps, sourceVocabulary, 31);
  const target = ids(batch, targetSteps, targetVocabulary, 32);
  const labels = ids(batch, targetSteps, targetVocabulary, 33);
  // A fresh mask for each use: the model reads it on the CPU before any kernel sees it.
  const mask = () => (c.teacherForcing ? tf.tensor2d(c.teacherForcing) : undefined);
  const inputs = () => ({
    source,
    sourceLengths: c.sourceLengths,
    target,
    targetLengths: c.targetLengths,
    teacherForcing: mask(),
  });
  const values = new Map<string, Float32Array>();

  const forwardInputs = inputs();
  const result = model.forward(forwardInputs);
  const state = result.states.decoder as { h: tf.Tensor; c?: tf.Tensor };
  values.set('logits', (await result.output.data()) as Float32Array);
  values.set('attention', (await (result.attention as tf.Tensor).data()) as Float32Array);
  values.set('state.h', (await state.h.data()) as Float32Array);
  if (state.c) values.set('state.c', (await state.c.data()) as Float32Array);
  tf.dispose([
    result.output,
    result.attention as tf.Tensor,
    state.h,
    ...(state.c ? [state.c] : []),
    ...(forwardInputs.teacherForcing ? [forwardInputs.teacherForcing] : []),
  ]);

  const lossInputs = inputs();
  const parameters = model.parameters();
  const { value, grads } = tf.variableGrads(
    () => seq2seqLoss(model, { inputs: lossInputs, targets: labels }, undefined),
    parameters.map((p) => p.variable),
  );
  values.set('loss', (await value.data()) as Float32Array);
  for (const parameter of parameters) {
    const grad = grads[parameter.variable.name];
    values.set(
      `grad.${parameter.name}`,
      grad ? ((await grad.data()) as Float32Array) : new Float32Array(0),
    );
  }
  tf.dispose([
    value,
    ...Object.values(grads),
    ...(lossInputs.teacherForcing ? [lossInputs.teacherForcing] : []),
  ]);

  // Teacher-forced, one step at a time.
  const { encoded, initial } = model.encode(source, c.sourceLengths);
  const columns = (await target.array()) as number[][];
  let current: DecoderState = initial;
  const release = (s: DecoderState) =>
    tf.dispose([
      s.recurrent.h,
      ...(s.recurrent.c ? [s.recurrent.c] : []),
      ...(s.feed ? [s.feed] : []),
    ]);
  for (let i = 0; i < targetSteps; i++) {
    const tokens = tf.tensor1d(
      columns.map((row) => row[i] as number),
      'int32',
    );
    const step = model.step(encoded, tokens, current);
    values.set(`step ${i} logits`, (await step.logits.data()) as Float32Array);
    tf.dispose([tokens, step.logits, step.attention]);
    release(current);
    current = step.state;
  }
  release(current);
  tf.dispose([encoded.memory, encoded.keys, encoded.mask, source, target, labels]);
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  return { values, leaked };
}
