// A small task for core's own tests of the task platform (core never imports a task package):
// token sequences classified by whether token 3 occurs in them, built on the contract the task
// packages use (trainWithSpec, modelToFiles / modelFromFiles, a typed plug-in).
import * as tf from '@tensorflow/tfjs-core';
import {
  type Batch,
  compile,
  createTask,
  crossEntropy,
  type LossFunction,
  type Model,
  ModelFileError,
  type ModelFiles,
  type ModelSpec,
  modelFromFiles,
  modelToFiles,
  type ParallelFactory,
  Random,
  type Task,
  type TaskOptions,
  type TaskPlugin,
  type TaskTrainOptions,
  type TrainResult,
  trainWithSpec,
} from '../src/index.js';

declare module '../src/index.js' {
  interface TaskTypes {
    classification: ToyTask;
  }
}

export interface ToyData {
  /** Rows of token ids in [1, 8), all of the same length. */
  ids: number[][];
  labels: number[];
}

export const toySpec = {
  version: 1,
  name: 'toy',
  task: 'classification',
  input: { tokenizer: { type: 'word' } },
  layers: [
    { type: 'embedding', embeddingDim: 4 },
    { type: 'gru', hiddenSize: 6, returnSequences: false },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 2, batchSize: 8, optimizer: { type: 'adam', lr: 0.02 }, seed: 4 },
} as const;

export const toySizes = { vocabularySize: 8, outputSize: 2 };

/** `rows` seeded rows of 6 tokens; label 1 when token 3 occurs. */
export function toyData(rows: number, seed = 1): ToyData {
  const random = new Random(seed);
  const ids = Array.from({ length: rows }, () =>
    Array.from({ length: 6 }, () => 1 + Math.floor(random.next() * 7)),
  );
  return { ids, labels: ids.map((row) => (row.includes(3) ? 1 : 0)) };
}

export const toyLoss: LossFunction = (model, batch, random) =>
  crossEntropy(
    model.forward(batch.inputs, { training: random !== undefined, ...(random ? { random } : {}) })
      .output,
    batch.targets,
  ) as tf.Scalar;

function batches(data: ToyData, size: number) {
  return {
    batchCount: Math.ceil(data.ids.length / size),
    batch(i: number): Batch {
      const rows = data.ids.slice(i * size, (i + 1) * size);
      return {
        inputs: { tokens: tf.tensor2d(rows, [rows.length, 6], 'int32') },
        targets: tf.tensor1d(data.labels.slice(i * size, (i + 1) * size), 'int32'),
      };
    },
  };
}

export class ToyTask implements Task<ToyData, { accuracy: number }> {
  readonly task = 'classification';
  private constructor(
    readonly spec: ModelSpec,
    readonly model: Model,
  ) {}

  static async create(spec: ModelSpec, options: TaskOptions = {}): Promise<ToyTask> {
    return new ToyTask(spec, await compile(spec, { ...options, ...toySizes }));
  }

  static async load(files: ModelFiles, options: TaskOptions = {}): Promise<ToyTask> {
    const { model, metadata } = await modelFromFiles(files, options);
    if (metadata.toy !== true) {
      model.dispose();
      throw new ModelFileError('model.json: not a toy model');
    }
    return new ToyTask(model.spec, model);
  }

  train(data: ToyData, options: TaskTrainOptions<ToyData> = {}): Promise<TrainResult> {
    const { validation, ...run } = options;
    return trainWithSpec(
      this.model,
      batches(data, this.spec.training.batchSize),
      {
        spec: this.spec,
        loss: toyLoss,
        ...(validation ? { validation: batches(validation, 16) } : {}),
        parallel: { task: 'classification', config: { spec: this.spec } },
      },
      run,
    );
  }

  async evaluate(data: ToyData): Promise<{ accuracy: number }> {
    const predicted = tf.tidy(() =>
      tf.argMax(
        this.model.forward({ tokens: tf.tensor2d(data.ids, undefined, 'int32') }).output,
        1,
      ),
    );
    const values = await predicted.data();
    predicted.dispose();
    return { accuracy: data.labels.filter((l, i) => values[i] === l).length / data.labels.length };
  }

  save(metadata: Record<string, unknown> = {}): Promise<ModelFiles> {
    return modelToFiles(this.model, { ...metadata, task: 'classification', toy: true });
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** The worker side lives in test/fixtures/toy-task.mjs (built core, as worker threads need). */
export const toyPlugin: TaskPlugin<'classification', ToyTask> = {
  name: 'classification',
  module: new URL('./fixtures/toy-task.mjs', import.meta.url).href,
  create: (spec, options) => ToyTask.create(spec, options),
  load: (files, options) => ToyTask.load(files, options),
  trainingTarget: async () => {
    throw new Error('the toy task trains its workers from test/fixtures/toy-task.mjs');
  },
};

/** Weights of a model by parameter name, as plain arrays. */
export function weightsOf(model: Model): Map<string, Float32Array> {
  return new Map(model.parameters().map((p) => [p.name, p.variable.dataSync() as Float32Array]));
}

/**
 * The toy task (created through the task registry: register a plug-in first) trained on `data` on
 * cpu, data-parallel with `parallel`: its weights by name.
 */
export async function trainedWeights(
  data: ToyData,
  parallel?: ParallelFactory,
): Promise<Map<string, Float32Array>> {
  const task: ToyTask = await createTask(toySpec, { backend: 'cpu' });
  try {
    await task.train(data, parallel ? { parallel } : {});
    return weightsOf(task.model);
  } finally {
    task.dispose();
  }
}

/** The largest absolute difference between two sets of weights (by parameter name). */
export function maxWeightDifference(
  a: Map<string, Float32Array>,
  b: Map<string, Float32Array>,
): number {
  let worst = 0;
  for (const [name, values] of a) {
    const other = b.get(name) as Float32Array;
    for (let i = 0; i < values.length; i++)
      worst = Math.max(worst, Math.abs((values[i] as number) - (other[i] as number)));
  }
  return worst;
}
