// The generation task end to end on real text (the first 16 KB of Tiny Shakespeare): the loss
// falls well below the unigram entropy, the held-out end of the text is what validates, save/load
// keeps evaluate() identical, bad inputs get clear errors, the streams take their steps, several
// texts train as one stream, the state carried from batch to batch lets the model learn what no
// chunk alone shows, a run stopped by the time budget or an AbortSignal mid-epoch resumes (carried
// states included) to the uninterrupted run's weights, and no tensor leaks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@recurrent/backend-cpu';
import '@recurrent/backend-wasm';
import {
  disposeTrainingState,
  type EpochRecord,
  Random,
  type TrainEvent,
  type TrainingState,
  useBackend,
} from '@recurrent/core';
import { loadCheckpoint, saveCheckpoint } from '@recurrent/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { charSpec, shakespeare, unigramEntropy } from '../test/shakespeare.js';
import { GenerationTask } from './generation-task.js';
import { splitStreams } from './streams.js';

beforeAll(async () => {
  await useBackend('wasm');
});

/** The held-out end of a char text, as the task splits it (ASCII: one token per character). */
function heldOutOf(text: string): string {
  return text.slice(text.length - Math.max(2, Math.floor(text.length / 10)));
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
    const heldOut = heldOutOf(shakespeare);
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
      lettersOnly: false,
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
    // All 7999 inputs train: 16 streams of 499 in ceil(499 / 64) = 8 batches.
    expect(batches.filter((e) => e.type === 'batch')).toHaveLength(8);
    expect(batches.filter((e) => e.type === 'epoch')).toHaveLength(1);
    expect(result.history[0]?.validationLoss).toBe((await task.evaluate(validation)).loss);
    task.dispose();
  });

  it('takes one optimizer step per chunk of every stream, per gradientAccumulation batches', async () => {
    const text = shakespeare.slice(0, 4000);
    const steps = async (spec: ReturnType<typeof charSpec>) => {
      const task = GenerationTask.create(spec);
      const result = await task.train(text);
      task.dispose();
      return result.step;
    };
    // 400 tokens held out, 3600 inputs: 16 streams of 225, chunks of 64 + 64 + 64 + 33.
    expect(await steps(charSpec())).toBe(4);
    // Chunks of 16: ceil(225 / 16) = 15.
    expect(await steps(charSpec({ input: { maxLength: 16 } }))).toBe(15);
    // Two batches per step.
    expect(await steps(charSpec({ training: { gradientAccumulation: 2 } }))).toBe(2);
  });

  it('trains on several texts as one stream, joined with nothing between them', async () => {
    const text = shakespeare.slice(0, 4000);
    const parts = [text.slice(0, 1234), text.slice(1234, 2900), text.slice(2900)];
    const train = async (data: string | string[], validation?: string | string[]) => {
      const task = GenerationTask.create(charSpec({ training: { epochs: 2 } }));
      const result = await task.train(data, validation === undefined ? {} : { validation });
      const weights = (await task.save())['weights.safetensors'];
      task.dispose();
      return { result, weights };
    };
    const whole = await train(text);
    const joined = await train(parts);
    expect(joined.weights).toEqual(whole.weights);
    expect(joined.result.history).toEqual(
      whole.result.history.map((r) => ({ ...r, seconds: expect.any(Number) })),
    );
    // Validation texts join the same way.
    const validation = shakespeare.slice(4000, 5000);
    const a = await train(text, validation);
    const b = await train(text, [validation.slice(0, 300), validation.slice(300)]);
    expect(b.result.history.map((r) => r.validationLoss)).toEqual(
      a.result.history.map((r) => r.validationLoss),
    );
  });

  it('carries the state from batch to batch: learns a cycle longer than a chunk below the floor of chunks read alone', async () => {
    // A seeded random cycle of 24 letters of 6, repeated: the next letter follows from the 3 or so
    // before it. In chunks of 4, a model started from zeros at every chunk sees 0 to 3 of them, so
    // on the training tokens it cannot score below the conditional entropy of each target given
    // the chunk's tokens before it (computed below from the task's own layout). Carried, the state
    // holds everything before the chunk.
    const random = new Random(12);
    const cycle = Array.from({ length: 24 }, () => 'abcdef'[Math.floor(random.next() * 6)]).join(
      '',
    );
    const text = cycle.repeat(Math.ceil(4000 / 24)).slice(0, 4000);
    const T = 4;
    const streams = 8;
    const layout = splitStreams(text.length, T, streams, true, 'text');
    // Group each training target by (the chunk's tokens before it): the entropy of the groups.
    const groups = new Map<string, Map<string, number>>();
    for (let s = 0; s < streams; s++) {
      for (let t = 0; t < layout.streamLength; t++) {
        const at = s * layout.streamLength + t;
        const context = text.slice(at - (t % T), at + 1);
        const next = text[at + 1] as string;
        const counts = groups.get(context) ?? new Map<string, number>();
        counts.set(next, (counts.get(next) ?? 0) + 1);
        groups.set(context, counts);
      }
    }
    let floor = 0;
    for (const counts of groups.values()) {
      const n = [...counts.values()].reduce((a, b) => a + b, 0);
      for (const c of counts.values()) floor -= c * Math.log(c / n);
    }
    floor /= streams * layout.streamLength;
    expect(floor).toBeGreaterThan(0.2);

    const task = GenerationTask.create(
      charSpec({
        input: { maxLength: T },
        layers: [
          { type: 'embedding', embeddingDim: 8 },
          { type: 'lstm', hiddenSize: 32 },
          { type: 'dense', units: 'auto' },
        ],
        training: { epochs: 4, batchSize: streams, optimizer: { type: 'adam', lr: 0.01 } },
      }),
    );
    const result = await task.train(text);
    task.dispose();
    const last = result.history.at(-1) as EpochRecord;
    expect(result.step).toBe(4 * layout.batches);
    expect(last.trainLoss).toBeLessThan(floor / 4);
  }, 60_000);

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
      'the training text has 42 tokens; training needs at least 1137: 16 streams (training.batchSize) of 64 tokens (input.maxLength) or more, each token followed by the one it predicts, and the last tenth of the text held out for validation',
    );
    // 1136 tokens hold out 113 and leave 1023 inputs: one short of 16 streams of 64.
    await expect(task.train(shakespeare.slice(0, 1136))).rejects.toThrow(
      'the training text has 1136 tokens; training needs at least 1137',
    );
    await expect(task.train([])).rejects.toThrow(
      'the training text is an empty array: no text to read',
    );
    await expect(task.train(['To be', 7 as unknown as string])).rejects.toThrow(
      'the training text [1] must be a string, got number',
    );
    await expect(task.train(shakespeare.slice(0, 2000), { validation: 'x' })).rejects.toThrow(
      'the validation text has 1 token: at least 2 are needed (the first is context for the second)',
    );
    await expect(task.train(42 as unknown as string)).rejects.toThrow(
      'the training text must be a string or an array of strings, got number',
    );
    // Sizes the spec fixes must fit the vocabulary: the special tokens and the characters of the
    // training part (all but the held-out end).
    // 16384 characters: 1638 held out, 14746 inputs in 16 streams of 921 (10 dropped).
    const trainPart = shakespeare.slice(0, 16 * 921 + 1);
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
    // (and carried states of 8 streams where the spec has 16, of a layer the model lacks).
    const h = tf.zeros([1, 8, 64]);
    const state: TrainingState = {
      epoch: 0,
      position: 1,
      step: 1,
      weights: new Map([['embedding.weight', other]]),
      optimizer: { step: 1, slots: new Map() },
      badEpochs: 0,
      history: [],
      states: { lstm: { h, c: h }, gru: { h } },
    };
    const fresh = GenerationTask.create(charSpec());
    const error = await fresh.train(shakespeare, { resume: state }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      `resume: the checkpoint does not fit this model ("embedding.weight" is [70, 16], the model's is [${V}, 16]; no weights for "lstm.weight_ih_l0";`,
    );
    expect((error as Error).message).toContain(
      'carried state "lstm" has 8 streams, training.batchSize is 16; carried state "gru" is not a layer of the model)',
    );
    tf.dispose([other, h]);
    fresh.dispose();
    task.dispose();
    await expect(task.train(shakespeare)).rejects.toThrow(
      'the generation task was disposed: create or load another',
    );
  });
});

describe('exact resume', () => {
  // Dropout, states carried from batch to batch, a cosine schedule with warm-up and checkpoints
  // every 4 steps: every piece of state a resumed run must restore.
  const spec = charSpec({
    input: { maxLength: 32 },
    layers: [
      { type: 'embedding', embeddingDim: 16 },
      { type: 'dropout', rate: 0.1 },
      { type: 'lstm', hiddenSize: 32, numLayers: 2, dropout: 0.2 },
      { type: 'dense', units: 'auto' },
    ],
    training: {
      epochs: 2,
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
    const states = Object.fromEntries(
      Object.entries(state.states ?? {}).map(([name, s]) => [
        name,
        { h: s.h.shape, ...(s.c ? { c: s.c.shape } : {}) },
      ]),
    );
    const second = GenerationTask.create(spec);
    const resumed = await second.train(text, { resume: state });
    disposeTrainingState(state);
    const result = await weights(second);
    second.dispose();
    return { stopped, resumed, weights: result, states };
  }

  let uninterrupted: { weights: Uint8Array; step: number; history: EpochRecord[] };
  beforeAll(async () => {
    const task = GenerationTask.create(spec);
    const result = await task.train(text);
    uninterrupted = { weights: await weights(task), step: result.step, history: result.history };
    task.dispose();
  }, 60_000);

  it('an AbortSignal stops at a batch boundary mid-epoch; resuming from the carried states ends on the same weights', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const {
      stopped,
      resumed,
      weights: w,
      states,
    } = await stopAndResume((path) => ({
      signal: controller.signal,
      checkpoint: { save: (state) => saveCheckpoint(path, state) },
      onProgress: (e) => {
        // 5400 inputs make 16 streams of 337 in chunks of 32: 11 steps an epoch. Step 14 is the
        // third batch of the second epoch.
        if (e.type === 'batch' && e.step === 14) controller.abort();
      },
    }));
    expect(stopped.stoppedBy).toBe('aborted');
    expect(stopped.step).toBe(14);
    expect(uninterrupted.step).toBe(22);
    // The checkpoint held the states the fourth batch starts from: both layers, 16 streams.
    expect(states).toEqual({ lstm: { h: [2, 16, 32], c: [2, 16, 32] } });
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
