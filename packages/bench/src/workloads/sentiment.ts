// W2: sentiment training step: vocab 20000, embedding 100, one bidirectional LSTM layer of 128,
// both directions' final hidden states concatenated -> linear -> 2 classes; batch 64, 200 steps
// (sizes and spec in specs.ts).
import { compile, crossEntropyWithLogits } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Competitor } from '../measure.js';
import { randomIds } from './data.js';
import { sentiment, sentimentSpec } from './specs.js';
import { layersTrainingStep, recurrentTrainingStep } from './training.js';
import type { Workload, WorkloadContext } from './workload.js';

const { vocab, embedding, hidden, batch, steps, classes } = sentiment;

function batchData(): { x: tf.Tensor; y: tf.Tensor } {
  return { x: randomIds([batch, steps], vocab, 2), y: randomIds([batch], classes, 3) };
}

async function recurrentTrainer(context: WorkloadContext): Promise<Competitor> {
  const model = await compile(sentimentSpec, { backend: context.backend });
  const { x, y } = batchData();
  return recurrentTrainingStep(
    model,
    () => crossEntropyWithLogits(model.forward({ tokens: x }, { training: true }).output, y),
    [x, y],
  );
}

async function layersTrainer(): Promise<Competitor> {
  const model = tfl.sequential();
  model.add(
    tfl.layers.embedding({
      inputDim: vocab,
      outputDim: embedding,
      batchInputShape: [batch, steps],
    }),
  );
  model.add(
    tfl.layers.bidirectional({
      layer: tfl.layers.lstm({
        units: hidden,
        recurrentActivation: 'sigmoid',
        // As in W1: the default orthogonal init is slow to build and does not change step time.
        recurrentInitializer: 'glorotUniform',
      }) as tfl.RNN,
      mergeMode: 'concat',
    }),
  );
  model.add(tfl.layers.dense({ units: classes }));
  const { x, y } = batchData();
  // Sparse categorical cross-entropy on logits (one-hot of the class ids, softmax cross-entropy).
  return layersTrainingStep(
    model,
    () =>
      tf.losses.softmaxCrossEntropy(
        tf.oneHot(y as tf.Tensor1D, classes),
        model.apply(x) as tf.Tensor,
      ) as tf.Scalar,
    [x, y],
  );
}

export const sentimentTraining: Workload = {
  id: 'W2',
  title: 'W2 BiLSTM sentiment train step',
  unit: 'sequences/s',
  higherIsBetter: true,
  metric: (seconds) => batch / seconds,
  ours: recurrentTrainer,
  layers: layersTrainer,
  layersTrainsEmbedding: true,
};
