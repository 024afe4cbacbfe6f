// W1 (LSTM), W4 (GRU) and W6 (small GRU) char-LM training steps and W3 greedy generation with the
// W1 model: vocab 65, embedding -> recurrent layers -> linear -> 65, batch 32, 64 steps,
// cross-entropy (sizes in specs.ts). W3 decodes with core's model stepper, as the generation task
// does.
import { compile, crossEntropyWithLogits, modelStepper } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Competitor } from '../measure.js';
import { nextTokenBatch } from './data.js';
import { type CharLmSizes, charLmSpec, w1, w4, w6 } from './specs.js';
import { layersTrainingStep, recurrentTrainingStep } from './training.js';
import type { Workload, WorkloadContext } from './workload.js';

const generatedTokens = 200;

// ---- Recurrent

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

export const charLmTraining: Workload[] = [
  { id: 'W1', sizes: w1, title: 'W1 LSTM char-LM train step' },
  { id: 'W4', sizes: w4, title: 'W4 GRU char-LM train step' },
  { id: 'W6', sizes: w6, title: 'W6 small GRU train step' },
].map(({ id, sizes, title }) => ({
  id: id as 'W1' | 'W4' | 'W6',
  title,
  unit: 'tokens/s',
  higherIsBetter: true,
  metric: (seconds: number) => (sizes.batch * sizes.steps) / seconds,
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
