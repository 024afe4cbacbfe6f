// W1 (LSTM) and W4 (GRU) char-LM training steps and W3 greedy generation with the W1 model: vocab
// 65, embedding 64, 2 recurrent layers of 256, linear -> 65, batch 32, 64 steps, cross-entropy.
// W3 decodes with core's model stepper, as the generation task does.
import { compile, crossEntropyWithLogits, modelStepper } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Competitor } from '../measure.js';
import { nextTokenBatch } from './data.js';
import { layersTrainingStep, recurrentTrainingStep } from './training.js';
import type { Workload, WorkloadContext } from './workload.js';

interface CharLmSizes {
  cell: 'lstm' | 'gru';
  vocab: number;
  embedding: number;
  hidden: number;
  layers: number;
  batch: number;
  steps: number;
}

const w1: CharLmSizes = {
  cell: 'lstm',
  vocab: 65,
  embedding: 64,
  hidden: 256,
  layers: 2,
  batch: 32,
  steps: 64,
};
const w4: CharLmSizes = { ...w1, cell: 'gru' };
const generatedTokens = 200;

// ---- Recurrent

function charLmSpec(s: CharLmSizes): Record<string, unknown> {
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

async function recurrentTrainer(s: CharLmSizes, context: WorkloadContext): Promise<Competitor> {
  const model = await compile(charLmSpec(s), { backend: context.backend });
  const { x, y } = nextTokenBatch(s.batch, s.steps, s.vocab, 1);
  return recurrentTrainingStep(model, () => {
    const logits = model.forward({ tokens: x }, { training: true }).output;
    return crossEntropyWithLogits(tf.reshape(logits, [-1, s.vocab]), tf.reshape(y, [-1]));
  }, [x, y]);
}

/** The most probable token: greedy decoding's choice, made in JavaScript on the read-back scores. */
function argmax(scores: Float32Array): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++)
    if ((scores[i] as number) > (scores[best] as number)) best = i;
  return best;
}

/**
 * W3: batch 1, greedy, 200 tokens through core's model stepper (the backend's fused DecodeStep
 * kernel where it has one), each token's scores read back before the next step.
 */
async function recurrentGenerator(context: WorkloadContext): Promise<Competitor> {
  const model = await compile(charLmSpec(w1), { backend: context.backend });
  const stepper = modelStepper(model);
  const run = async () => {
    let { logits, state } = await stepper.prefill(Int32Array.of(1));
    for (let i = 1; i < generatedTokens; i++) {
      const next = await stepper.step(Int32Array.of(argmax(logits)), state);
      stepper.release(state);
      ({ logits, state } = next);
    }
    argmax(logits); // the 200th token
    stepper.release(state);
  };
  return { run, dispose: () => model.dispose() };
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
    // glorotUniform rather than the default orthogonal: tfjs-layers' orthogonal init takes minutes
    // here and does not change step time.
    const options = {
      units: s.hidden,
      returnSequences: true,
      recurrentActivation: 'sigmoid',
      recurrentInitializer: 'glorotUniform',
      stateful,
    } as const;
    // Porting note: tfjs-layers' GRU applies the reset gate before W_hh (Cho et al.), PyTorch's
    // after; the cost is the same.
    model.add(s.cell === 'lstm' ? tfl.layers.lstm(options) : tfl.layers.gru(options));
  }
  model.add(tfl.layers.dense({ units: s.vocab }));
  return model;
}

async function layersTrainer(s: CharLmSizes): Promise<Competitor> {
  const model = layersModel(s, [s.batch, s.steps], false);
  const { x, y } = nextTokenBatch(s.batch, s.steps, s.vocab, 1);
  return layersTrainingStep(
    model,
    () =>
      tf.losses.softmaxCrossEntropy(
        tf.oneHot(tf.reshape(y, [-1]) as tf.Tensor1D, s.vocab),
        tf.reshape(model.apply(x) as tf.Tensor, [-1, s.vocab]),
      ) as tf.Scalar,
    [x, y],
  );
}

async function layersGenerator(): Promise<Competitor> {
  const model = layersModel(w1, [1, 1], true);
  const run = async () => {
    model.resetStates();
    let token = 1;
    for (let i = 0; i < generatedTokens; i++) {
      const id = tf.tidy(() =>
        tf.argMax(
          tf.reshape(model.predict(tf.tensor2d([[token]], [1, 1])) as tf.Tensor, [w1.vocab]),
        ),
      );
      token = (await id.data())[0] as number;
      id.dispose();
    }
  };
  return { run, dispose: () => model.dispose() };
}

// ---- the workloads

const tokensPerStep = w1.batch * w1.steps;

export const charLmTraining: Workload[] = [
  { id: 'W1', sizes: w1 },
  { id: 'W4', sizes: w4 },
].map(({ id, sizes }) => ({
  id: id as 'W1' | 'W4',
  title: `${id} ${sizes.cell.toUpperCase()} char-LM train step`,
  unit: 'tokens/s',
  higherIsBetter: true,
  metric: (seconds: number) => tokensPerStep / seconds,
  ours: (context: WorkloadContext) => recurrentTrainer(sizes, context),
  layers: () => layersTrainer(sizes),
  layersTrainsEmbedding: true,
}));

export const generation: Workload = {
  id: 'W3',
  title: 'W3 generation (W1 model)',
  unit: 'ms/token',
  higherIsBetter: false,
  metric: (seconds) => (seconds / generatedTokens) * 1000,
  ours: recurrentGenerator,
  layers: layersGenerator,
  layersTrainsEmbedding: false,
};
