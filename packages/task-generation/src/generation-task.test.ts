// The generation task end to end on real text (the first 16 KB of Tiny Shakespeare): the loss
// falls well below the unigram entropy, the held-out end of the text is what validates, save/load
// keeps evaluate() identical, bad inputs get clear errors, truncated BPTT takes its steps, a run
// stopped by the time budget or an AbortSignal resumes to the uninterrupted run's weights, and no
// tensor leaks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@recurrent/backend-cpu';
import '@recurrent/backend-wasm';
import {
  disposeTrainingState,
  type EpochRecord,
  type TrainEvent,
  useBackend,
} from '@recurrent/core';
import { loadCheckpoint, saveCheckpoint } from '@recurrent/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { charSpec, shakespeare, unigramEntropy } from '../test/shakespeare.js';
import { GenerationTask } from './generation-task.js';

beforeAll(async () => {
  await useBackend('wasm');
});

/** The held-out end of a char text, as the task splits it (ASCII: one token per character). */
function heldOutOf(text: string, maxLength: number, batchSize: number): string {
  const windows = Math.floor((text.length - 1) / maxLength);
  const train = windows - Math.max(batchSize, Math.floor(windows / 10));
  return text.slice(train * maxLength);
}

describe('GenerationTask on Tiny Shakespeare', () => {
  it('learns the text: held-out loss well below the unigram entropy, validated on the end of the text, saved and loaded exactly', async () => {
    const before = tf.memory().numTensors;
    const task = GenerationTask.create(charSpec({ training: { epochs: 10 } }));
    const result = await task.train(shakespeare);
    expect(result.stoppedBy).toBe('epochs');
    expect(result.history).toHaveLength(10);

    // The best unigram model scores the slice at its character entropy (3.25 nats); a recurrent
    // model that learned anything about spelling does much better on text it has not seen.
    const unigram = unigramEntropy(shakespeare);
    expect(unigram).toBeCloseTo(3.249, 3);
    const heldOut = heldOutOf(shakespeare, 64, 16);
    expect(heldOut.length).toBeGreaterThan(1600);
    const evaluation = await task.evaluate(heldOut);
    expect(evaluation.loss).toBeLessThan(unigram - 0.8);
    expect(evaluation.tokens).toBe(heldOut.length - 1);
    expect(evaluation.unknown).toBe(0);
    expect(evaluation.bitsPerToken).toBeCloseTo(evaluation.loss / Math.LN2, 12);
    expect(evaluation.perplexity).toBeCloseTo(Math.exp(evaluation.loss), 10);
    // The validation loss of each epoch is evaluate() of the held-out end of the text.
    const last = result.history.at(-1);
    expect(last?.validationLoss).toBe(evaluation.loss);
    expect(last?.metrics?.perplexity).toBe(evaluation.perplexity);
    // The validation losses fall as training goes on.
    expect(result.history[0]?.validationLoss).toBeGreaterThan(evaluation.loss + 0.5);
    // Why evaluate() carries the state: the same model reset every 64 characters scores worse.
    let resetLoss = 0;
    for (let start = 0; start < heldOut.length - 1; start += 64) {
      const window = await task.evaluate(heldOut.slice(start, start + 65));
      resetLoss += window.loss * window.tokens;
    }
    expect(resetLoss / evaluation.tokens).toBeGreaterThan(evaluation.loss);

    const files = await task.save({ note: 'round trip' });
    const json = JSON.parse(files['model.json']);
    expect(json.metadata.task).toBe('generation');
    expect(json.metadata.note).toBe('round trip');
    expect(json.metadata.tokenizer).toEqual({
      type: 'char',
      lowercase: false,
      normalize: 'NFC',
      splitPunctuation: true,
      rules: 'basic',
    });
    expect(json.metadata.vocabulary.tokens.slice(0, 4)).toEqual([
      '<pad>',
      '<unk>',
      '<bos>',
      '<eos>',
    ]);
    expect(json.metadata.vocabulary.tokens.length).toBe(task.vocabulary.size);
    const loaded = await GenerationTask.load(files);
    expect(await loaded.evaluate(heldOut)).toEqual(evaluation);
    expect(await loaded.evaluate(shakespeare.slice(0, 500))).toEqual(
      await task.evaluate(shakespeare.slice(0, 500)),
    );
    task.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('validates on a separate text when given one, training on all of the text', async () => {
    const task = GenerationTask.create(charSpec({ training: { epochs: 1 } }));
    const train = shakespeare.slice(0, 8000);
    const validation = shakespeare.slice(8000, 9000);
    const batches: TrainEvent[] = [];
    const result = await task.train(train, {
      validation,
      onProgress: (e) => batches.push(e),
    });
    // All floor(7999 / 64) = 124 windows train, in ceil(124 / 16) = 8 batches.
    expect(batches.filter((e) => e.type === 'batch')).toHaveLength(8);
    expect(batches.filter((e) => e.type === 'epoch')).toHaveLength(1);
    expect(result.history[0]?.validationLoss).toBe((await task.evaluate(validation)).loss);
    task.dispose();
  });

  it('takes one optimizer step per chunk of training.truncatedBptt, per gradientAccumulation batches', async () => {
    const text = shakespeare.slice(0, 4000);
    const steps = async (spec: ReturnType<typeof charSpec>) => {
      const task = GenerationTask.create(spec);
      const result = await task.train(text);
      task.dispose();
      return result.step;
    };
    // floor(3999 / 64) = 62 windows, 16 held out: 46 windows in ceil(46 / 16) = 3 batches.
    expect(await steps(charSpec())).toBe(3);
    // 64-token windows in chunks of 16: 4 steps per batch.
    expect(await steps(charSpec({ training: { truncatedBptt: 16 } }))).toBe(12);
    // Chunks of 24 cut 64 into 24 + 24 + 16.
    expect(await steps(charSpec({ training: { truncatedBptt: 24 } }))).toBe(9);
    // Two batches per step; the epoch's odd batch steps alone.
    expect(await steps(charSpec({ training: { gradientAccumulation: 2 } }))).toBe(2);
  });

  it('trains with training.labelSmoothing: the first loss moves linearly with it', async () => {
    // The smoothed loss is (1 - e) CE + e U (U: the mean of -log p over the vocabulary), linear in
    // e: from the same weights and batch, the step from e = 0 to 0.1 equals the step from 0.1 to
    // 0.2. A trained model (CE well below U) makes the step large; untrained, CE is close to U.
    const text = shakespeare.slice(0, 4000);
    const trained = GenerationTask.create(charSpec({ training: { epochs: 3 } }));
    await trained.train(text);
    const files = await trained.save();
    trained.dispose();
    const firstLoss = async (labelSmoothing: number) => {
      const json = JSON.parse(files['model.json']);
      json.spec.training.labelSmoothing = labelSmoothing;
      const task = await GenerationTask.load({ ...files, 'model.json': JSON.stringify(json) });
      const controller = new AbortController();
      let loss = Number.NaN;
      await task.train(text, {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.type === 'batch' && e.step === 1) {
            loss = e.loss;
            controller.abort();
          }
        },
      });
      task.dispose();
      return loss;
    };
    const [l0, l1, l2] = [await firstLoss(0), await firstLoss(0.1), await firstLoss(0.2)];
    expect(l1 - l0).toBeGreaterThan(0.05);
    expect(l2 - l1).toBeCloseTo(l1 - l0, 4);
  });

  it('refuses bad input with a clear message', async () => {
    const task = GenerationTask.create(charSpec());
    await expect(task.evaluate('To be')).rejects.toThrow(
      'the generation task is not trained: train it or load a trained one',
    );
    await expect(task.train('')).rejects.toThrow(
      'the training text is empty: there is nothing to train on',
    );
    await expect(task.train('To be, or not to be, that is the question.')).rejects.toThrow(
      'the training text has 42 tokens, 0 windows of 64 (input.maxLength); training needs at least 32 windows, 2049 tokens: one batch of 16 (training.batchSize) to train on and one held out for validation',
    );
    // 31 windows: one short of a batch to train on beside the held-out batch.
    await expect(task.train(shakespeare.slice(0, 31 * 64 + 1))).rejects.toThrow(
      'training needs at least 32 windows, 2049 tokens',
    );
    await expect(task.train(shakespeare.slice(0, 2000), { validation: 'x' })).rejects.toThrow(
      'the validation text has 1 token: at least 2 are needed (the first is context for the second)',
    );
    await expect(task.train(42 as unknown as string)).rejects.toThrow(
      'the training text must be a string, got number',
    );
    // Sizes the spec fixes must fit the vocabulary: the special tokens and the characters of the
    // training part (all but the held-out end).
    const trainPart = shakespeare.slice(
      0,
      shakespeare.length - heldOutOf(shakespeare, 64, 16).length + 1,
    );
    const V = 4 + new Set(trainPart).size;
    const fixed = GenerationTask.create(
      charSpec({
        layers: [
          { type: 'embedding', embeddingDim: 8, numEmbeddings: 40 },
          { type: 'gru', hiddenSize: 8 },
          { type: 'dense', units: 50 },
        ],
      }),
    );
    await expect(fixed.train(shakespeare)).rejects.toThrow(
      `the spec does not fit the vocabulary of the text:\n  /layers/0/numEmbeddings: 40 rows cannot hold the vocabulary's ${V} tokens (remove numEmbeddings, or limit input.vocabulary.maxSize)\n  /layers/2/units: the head scores every token of the vocabulary, which has ${V} (use "auto")`,
    );
    // A checkpoint of another model (here: another vocabulary size) is refused before training.
    const other = tf.zeros([70, 16]);
    const state = {
      epoch: 0,
      position: 1,
      step: 1,
      weights: new Map([['embedding.weight', other]]),
      optimizer: { step: 1, slots: new Map() },
      badEpochs: 0,
      history: [],
    };
    const fresh = GenerationTask.create(charSpec());
    await expect(fresh.train(shakespeare, { resume: state })).rejects.toThrow(
      `resume: the checkpoint does not fit this model ("embedding.weight" is [70, 16], the model's is [${V}, 16]; no weights for "lstm.weight_ih_l0";`,
    );
    other.dispose();
    fresh.dispose();
    const chunked = GenerationTask.create(charSpec({ training: { truncatedBptt: 16 } }));
    await expect(
      chunked.train(shakespeare, { parallel: () => Promise.reject(new Error('not reached')) }),
    ).rejects.toThrow(
      'cannot train on several threads:\n  /training/truncatedBptt: truncated BPTT carries the recurrent state from chunk to chunk of each batch, which data-parallel threads cannot split by rows: train on one thread or remove truncatedBptt',
    );
    task.dispose();
    chunked.dispose();
    await expect(task.train(shakespeare)).rejects.toThrow(
      'the generation task was disposed: create or load another',
    );
  });
});

describe('exact resume', () => {
  // Dropout, truncated BPTT, a cosine schedule with warm-up and checkpoints every 4 steps: every
  // piece of state a resumed run must restore.
  const spec = charSpec({
    layers: [
      { type: 'embedding', embeddingDim: 16 },
      { type: 'dropout', rate: 0.1 },
      { type: 'lstm', hiddenSize: 32, numLayers: 2, dropout: 0.2 },
      { type: 'dense', units: 'auto' },
    ],
    training: {
      epochs: 2,
      truncatedBptt: 32,
      lrSchedule: { type: 'cosine', warmupSteps: 5 },
      checkpoint: { everySteps: 4 },
    },
  });
  const text = shakespeare.slice(0, 6000);

  async function weights(task: GenerationTask): Promise<Uint8Array> {
    return (await task.save())['weights.safetensors'];
  }

  /** Trains with a stop condition, then resumes in a fresh task from the checkpoint file. */
  async function stopAndResume(
    stopOptions: (checkpointPath: string) => Parameters<GenerationTask['train']>[1],
  ) {
    const path = join(mkdtempSync(join(tmpdir(), 'generation-resume-')), 'checkpoint.safetensors');
    const first = GenerationTask.create(spec);
    const stopped = await first.train(text, stopOptions(path));
    first.dispose();
    const { state } = await loadCheckpoint(path);
    const second = GenerationTask.create(spec);
    const resumed = await second.train(text, { resume: state });
    disposeTrainingState(state);
    const result = await weights(second);
    second.dispose();
    return { stopped, resumed, weights: result };
  }

  let uninterrupted: { weights: Uint8Array; step: number; history: EpochRecord[] };
  beforeAll(async () => {
    const task = GenerationTask.create(spec);
    const result = await task.train(text);
    uninterrupted = { weights: await weights(task), step: result.step, history: result.history };
    task.dispose();
  }, 60_000);

  it('an AbortSignal stops at a batch boundary; resuming ends on the same weights', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const {
      stopped,
      resumed,
      weights: w,
    } = await stopAndResume((path) => ({
      signal: controller.signal,
      checkpoint: { save: (state) => saveCheckpoint(path, state) },
      onProgress: (e) => {
        // 77 training windows make 5 batches of 2 chunks: 10 steps an epoch. Step 11 is the
        // first chunk of the second epoch's first batch; the run stops after its second.
        if (e.type === 'batch' && e.step === 11) controller.abort();
      },
    }));
    expect(stopped.stoppedBy).toBe('aborted');
    expect(stopped.step).toBe(12);
    expect(resumed.step).toBe(uninterrupted.step);
    // The same validation after each epoch. (Not the same trainLoss for the resumed epoch: fit's
    // checkpoint does not carry the epoch's running loss, so it averages the batches after the
    // resume only.)
    const validation = (history: { validationLoss?: number; lr: number }[]) =>
      history.map((r) => [r.validationLoss, r.lr]);
    expect(validation(resumed.history)).toEqual(validation(uninterrupted.history));
    expect(w).toEqual(uninterrupted.weights);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('the time budget stops the run; resuming ends on the same weights', async () => {
    const {
      stopped,
      resumed,
      weights: w,
    } = await stopAndResume((path) => ({
      maxTimeMs: 300,
      checkpoint: { save: (state) => saveCheckpoint(path, state) },
      onProgress: (e) => {
        // Spend the budget at step 6 at the latest, however fast the machine is.
        if (e.type === 'batch' && e.step === 6) {
          const until = performance.now() + 400;
          while (performance.now() < until) {}
        }
      },
    }));
    expect(stopped.stoppedBy).toBe('time-budget');
    expect(stopped.step).toBeLessThanOrEqual(6);
    expect(resumed.step).toBe(uninterrupted.step);
    expect(w).toEqual(uninterrupted.weights);
  }, 60_000);
});
