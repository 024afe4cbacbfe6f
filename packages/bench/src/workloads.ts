// The benchmark workloads of shared/design/BENCHMARKS.md, for Recurrent and for tfjs-layers.

import {
  Adam,
  compile,
  crossEntropyWithLogits,
  type Model,
  parameterGradients,
} from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface CharLmSizes {
  cell: 'lstm' | 'gru';
  vocab: number;
  embedding: number;
  hidden: number;
  layers: number;
  batch: number;
  steps: number;
}

export const w1: CharLmSizes = {
  cell: 'lstm',
  vocab: 65,
  embedding: 64,
  hidden: 256,
  layers: 2,
  batch: 32,
  steps: 64,
};
export const w4: CharLmSizes = { ...w1, cell: 'gru' };

/** Random token data of the workload's size (inputs and next-token targets). */
export function tokenBatch(s: CharLmSizes, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const ids = tf.cast(
      tf.floor(tf.randomUniform([s.batch, s.steps + 1], 0, s.vocab, 'float32', seed)),
      'int32',
    );
    return {
      x: tf.slice(ids, [0, 0], [s.batch, s.steps]) as tf.Tensor2D,
      y: tf.slice(ids, [0, 1], [s.batch, s.steps]) as tf.Tensor2D,
    };
  });
}

// ---- Recurrent

export function charLmSpec(s: CharLmSizes): Record<string, unknown> {
  return {
    version: 1,
    name: `bench-${s.cell}`,
    task: 'generation',
    input: { tokenizer: { type: 'char' } },
    layers: [
      { type: 'embedding', embeddingDim: s.embedding, numEmbeddings: s.vocab, paddingIdx: null },
      { type: s.cell, hiddenSize: s.hidden, numLayers: s.layers },
      { type: 'dense', units: s.vocab },
    ],
    training: { optimizer: { type: 'adam', lr: 1e-3 } },
  };
}

export async function recurrentTrainer(
  s: CharLmSizes,
): Promise<{ step: (x: tf.Tensor, y: tf.Tensor) => void; model: Model; dispose: () => void }> {
  const model = await compile(charLmSpec(s));
  const adam = new Adam({ lr: 1e-3 });
  const step = (x: tf.Tensor, y: tf.Tensor) => {
    const { value, grads } = parameterGradients(model.parameters(), () => {
      const logits = model.forward(x, { training: true }).output;
      return crossEntropyWithLogits(tf.reshape(logits, [-1, s.vocab]), tf.reshape(y, [-1]));
    });
    adam.step(grads);
    value.dataSync(); // wait for the step to finish
    tf.dispose([value, ...grads.values()]);
  };
  return {
    step,
    model,
    dispose: () => {
      adam.dispose();
      model.dispose();
    },
  };
}

/** W3: greedy generation, batch 1, state carried, each next token read back. */
export function recurrentGenerator(model: Model, s: CharLmSizes): (tokens: number) => void {
  return (tokens) => {
    let states: ReturnType<Model['forward']>['states'] | undefined;
    let token = 1;
    for (let i = 0; i < tokens; i++) {
      const next = tf.tidy(() => {
        const { output, states: nextStates } = model.forward(
          tf.tensor2d([[token]], [1, 1], 'int32'),
          states ? { initialState: states } : {},
        );
        const kept = Object.fromEntries(
          Object.entries(nextStates).map(([k, v]) => [
            k,
            { h: tf.keep(v.h), ...(v.c ? { c: tf.keep(v.c) } : {}) },
          ]),
        );
        return { id: tf.argMax(tf.reshape(output, [s.vocab])), kept };
      });
      if (states) tf.dispose(Object.values(states).flatMap((v) => [v.h, ...(v.c ? [v.c] : [])]));
      states = next.kept;
      token = next.id.dataSync()[0] as number;
      next.id.dispose();
    }
    if (states) tf.dispose(Object.values(states).flatMap((v) => [v.h, ...(v.c ? [v.c] : [])]));
  };
}

// ---- tfjs-layers, the same model (recurrentActivation sigmoid, as PyTorch)

function layersModel(
  s: CharLmSizes,
  batchInputShape: [number, number],
  stateful: boolean,
): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.embedding({ inputDim: s.vocab, outputDim: s.embedding, batchInputShape }));
  for (let l = 0; l < s.layers; l++) {
    // glorotUniform rather than the default orthogonal: tfjs-layers' orthogonal init takes minutes here and does not change step time.
    const options = {
      units: s.hidden,
      returnSequences: true,
      recurrentActivation: 'sigmoid',
      recurrentInitializer: 'glorotUniform',
      stateful,
    } as const;
    // Porting note: tfjs-layers' GRU applies the reset gate before W_hh (Cho et al.), PyTorch's after;
    // the cost is the same.
    model.add(s.cell === 'lstm' ? tfl.layers.lstm(options) : tfl.layers.gru(options));
  }
  model.add(tfl.layers.dense({ units: s.vocab }));
  return model;
}

export function layersTrainer(s: CharLmSizes): {
  step: (x: tf.Tensor, y: tf.Tensor) => void;
  model: tfl.Sequential;
  dispose: () => void;
} {
  const model = layersModel(s, [s.batch, s.steps], false);
  const optimizer = tf.train.adam(1e-3);
  const step = (x: tf.Tensor, y: tf.Tensor) => {
    const loss = optimizer.minimize(() => {
      const logits = tf.reshape(model.apply(x) as tf.Tensor, [-1, s.vocab]);
      return tf.losses.softmaxCrossEntropy(
        tf.oneHot(tf.reshape(y, [-1]) as tf.Tensor1D, s.vocab),
        logits,
      ) as tf.Scalar;
    }, true);
    loss?.dataSync();
    loss?.dispose();
  };
  return {
    step,
    model,
    dispose: () => {
      optimizer.dispose();
      model.dispose();
    },
  };
}

export function layersGenerator(
  trained: tfl.Sequential,
  s: CharLmSizes,
): { generate: (tokens: number) => void; dispose: () => void } {
  const model = layersModel(s, [1, 1], true);
  model.setWeights(trained.getWeights());
  const generate = (tokens: number) => {
    model.resetStates();
    let token = 1;
    for (let i = 0; i < tokens; i++) {
      const id = tf.tidy(() =>
        tf.argMax(
          tf.reshape(model.predict(tf.tensor2d([[token]], [1, 1])) as tf.Tensor, [s.vocab]),
        ),
      );
      token = id.dataSync()[0] as number;
      id.dispose();
    }
  };
  return { generate, dispose: () => model.dispose() };
}
