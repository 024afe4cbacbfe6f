// The worker's request handler run in-process on the cpu backend, with checkpoints in memory:
// train → trained (with the validation evaluation) → try → save → load → the same predictions;
// stop → checkpoint → resume ends on the uninterrupted run's weights; a try per task; spec errors
// with their pointer; and no tensor left behind.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelFiles } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Experiment, TryInput, WorkerEvent, WorkerRequest } from '../protocol.js';
import { Backends, defaultLoaders } from './backends.js';
import { MemoryCheckpointStore } from './checkpoints.js';
import { Handler } from './handler.js';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '../../public/data');
const bundled = (file: string) => readFileSync(join(dataDir, file), 'utf8');

/** The first `n` lines of the UCI sentences (both labels occur in each source's lines). */
const sentiment = bundled('sentiment/uci-sentences.txt').split('\n').slice(0, 400).join('\n');

const classificationSpec = {
  version: 1,
  name: 'tiny-sentiment',
  task: 'classification',
  input: { tokenizer: { type: 'word', lowercase: true }, maxLength: 24 },
  layers: [
    { type: 'embedding', embeddingDim: 12 },
    { type: 'dropout', rate: 0.2 },
    { type: 'gru', hiddenSize: 12 },
    { type: 'pool', mode: 'mean' },
    { type: 'dense', units: 'auto' },
  ],
  training: {
    epochs: 2,
    batchSize: 32,
    optimizer: { type: 'adam', lr: 0.01 },
    seed: 3,
    checkpoint: { everySteps: 4 },
  },
};

function experiment(spec: object, data: Experiment['data'], seed?: number): Experiment {
  return {
    specText: JSON.stringify(spec, null, 2),
    data,
    backend: 'cpu',
    ...(seed !== undefined && { seed }),
  };
}

const sentimentExperiment = experiment(classificationSpec, {
  kind: 'bundled',
  id: 'uci-sentiment',
});

/** Sends one request and collects every event it causes, until it is answered. */
async function send(
  handler: Handler,
  request: WorkerRequest,
  onEvent?: (event: WorkerEvent) => void,
): Promise<WorkerEvent[]> {
  const events: WorkerEvent[] = [];
  await handler.handle(request, (event) => {
    events.push(event);
    onEvent?.(event);
  });
  return events;
}

function only<T extends WorkerEvent['type']>(
  events: WorkerEvent[],
  type: T,
): Extract<WorkerEvent, { type: T }> {
  const found = events.filter((e) => e.type === type);
  if (found.length !== 1) {
    throw new Error(
      `expected one "${type}" event, got ${JSON.stringify(events.map((e) => (e.type === 'error' ? e : e.type)))}`,
    );
  }
  return found[0] as Extract<WorkerEvent, { type: T }>;
}

let nextId = 1;
const train = (exp: Experiment, dataText: string, resume = false): WorkerRequest => ({
  type: 'train',
  id: nextId++,
  experiment: exp,
  dataText,
  resume,
});

function newHandler(store = new MemoryCheckpointStore()): Handler {
  return new Handler({
    store,
    backends: new Backends({ cpu: defaultLoaders.cpu as never }, false),
  });
}

async function weightsOf(handler: Handler): Promise<Uint8Array> {
  const events = await send(handler, { type: 'save', id: nextId++ });
  return only(events, 'saved').files['weights.safetensors'];
}

describe('the worker handler (cpu backend)', () => {
  let baseline: number;
  beforeAll(async () => {
    const handler = newHandler();
    const events = await send(handler, { type: 'backends' });
    const list = only(events, 'backends');
    expect(list.backends.find((b) => b.name === 'cpu')).toMatchObject({ available: true });
    expect(list.isolated).toBe(false);
    const warm = await send(handler, train(sentimentExperiment, sentiment)); // activates cpu, warms kernels
    expect(warm.filter((e) => e.type === 'error')).toEqual([]);
    handler.dispose();
    baseline = tf.memory().numTensors;
  }, 60_000);

  it('trains, reports progress and the evaluation, tries, saves and loads the same model', async () => {
    const handler = newHandler();
    const events = await send(handler, train(sentimentExperiment, sentiment));
    const started = only(events, 'started');
    expect(started).toMatchObject({ backend: 'cpu', task: 'classification', threads: 1 });
    expect(started.notes[0]).toMatch(/360 training and 40 validation examples/);

    const batches = events.filter((e) => e.type === 'progress' && e.kind === 'batch');
    const epochs = events.filter((e) => e.type === 'progress' && e.kind === 'epoch');
    // 360 training texts in batches of 32: 12 batches an epoch, 2 epochs.
    expect(batches).toHaveLength(24);
    expect(epochs).toHaveLength(2);
    const last = batches.at(-1) as Extract<WorkerEvent, { type: 'progress' }>;
    expect(last.point.at).toBeCloseTo(2, 10);
    expect(last.tokensPerSecond).toBeGreaterThan(0);
    expect(last.etaSeconds).toBe(0);
    const firstEpoch = epochs[0] as Extract<WorkerEvent, { type: 'progress' }>;
    expect(firstEpoch.point).toMatchObject({ epoch: 1, at: 1 });
    expect(firstEpoch.point.validationLoss).toBeGreaterThan(0);
    expect(firstEpoch.point.metrics?.accuracy).toBeGreaterThanOrEqual(0);

    const trained = only(events, 'trained');
    expect(trained.stoppedBy).toBe('epochs');
    expect(trained.checkpointKept).toBe(false);
    const evaluation = trained.evaluation as { accuracy: number; perClass: object };
    // The evaluation is the last epoch's validation: the same accuracy as its record.
    const lastEpoch = epochs[1] as Extract<WorkerEvent, { type: 'progress' }>;
    expect(evaluation.accuracy).toBeCloseTo(lastEpoch.point.metrics?.accuracy as number, 10);
    expect(Object.keys(evaluation.perClass).sort()).toEqual(['0', '1']);

    const input: TryInput = {
      task: 'classification',
      texts: ['The food was great and the staff friendly.', 'Terrible, it broke after a day.'],
    };
    const tried = only(await send(handler, { type: 'try', id: nextId++, input }), 'try-result');
    expect(tried.output.task).toBe('classification');
    const predictions = (tried.output as Extract<typeof tried.output, { task: 'classification' }>)
      .predictions;
    expect(predictions).toHaveLength(2);
    for (const p of predictions) {
      const sum = Object.values(p.probabilities).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
      expect(p.probabilities[p.label]).toBe(Math.max(...Object.values(p.probabilities)));
    }

    const files = only(await send(handler, { type: 'save', id: nextId++ }), 'saved').files;
    expect(JSON.parse(files['model.json']).task ?? JSON.parse(files['model.json']).spec?.task).toBe(
      'classification',
    );
    const other = newHandler();
    const loaded = only(
      await send(other, { type: 'load', id: nextId++, files: files as ModelFiles, backend: 'cpu' }),
      'loaded',
    );
    expect(loaded.task).toBe('classification');
    const again = only(await send(other, { type: 'try', id: nextId++, input }), 'try-result');
    expect(again.output).toEqual(tried.output);
    handler.dispose();
    other.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  }, 60_000);

  it('refuses data-parallel workers where they cannot run, saying why; one thread reports 1', async () => {
    const parallel = { ...sentimentExperiment, dataParallel: 2 };
    const notIsolated = newHandler();
    const refused = only(await send(notIsolated, train(parallel, sentiment)), 'error');
    expect(refused.message).toMatch(
      /^data-parallel training needs a cross-origin-isolated page \(COOP\/COEP headers/,
    );
    expect(refused.modelDropped).toBeUndefined();
    const noSpawn = new Handler({
      store: new MemoryCheckpointStore(),
      backends: new Backends({ cpu: defaultLoaders.cpu as never }, false),
      isolated: true,
    });
    expect(only(await send(noSpawn, train(parallel, sentiment)), 'error').message).toBe(
      'this worker cannot start gradient workers (no spawnGradientWorker)',
    );
    expect(notIsolated.task).toBeUndefined();
    expect(noSpawn.task).toBeUndefined();
  });

  it('stop checkpoints mid-epoch; resuming after a "reload" ends on the uninterrupted weights', async () => {
    const store = new MemoryCheckpointStore();
    const uninterrupted = newHandler();
    const uninterruptedEvents = await send(uninterrupted, train(sentimentExperiment, sentiment));
    const expected = await weightsOf(uninterrupted);
    uninterrupted.dispose();

    const first = newHandler(store);
    const request = train(sentimentExperiment, sentiment);
    const stopped = await send(first, request, (event) => {
      // Stop after the 17th of 24 batches: mid-epoch, after the checkpoint of step 16.
      if (event.type === 'progress' && event.kind === 'batch' && event.point.at > 1.4) {
        void first.handle({ type: 'stop', id: (request as { id: number }).id }, () => {});
      }
    });
    const stop = only(stopped, 'trained');
    expect(stop.stoppedBy).toBe('aborted');
    expect(stop.checkpointKept).toBe(true);
    expect(store.entries.size).toBe(1);
    first.dispose();
    expect(tf.memory().numTensors).toBe(baseline);

    // A reload: a new handler (a new worker) with the same IndexedDB.
    const second = newHandler(store);
    const resumed = await send(second, train(sentimentExperiment, sentiment, true));
    expect(only(resumed, 'started').notes.join(' ')).toMatch(
      /resuming from the checkpoint of step 17/,
    );
    // Only the batches left run: 24 − 17.
    expect(resumed.filter((e) => e.type === 'progress' && e.kind === 'batch')).toHaveLength(7);
    // The curves start from the beginning: epoch 1's record (from the checkpoint), then epoch 2's.
    const epochPoints = resumed.flatMap((e) =>
      e.type === 'progress' && e.kind === 'epoch' ? [e.point] : [],
    );
    expect(epochPoints.map((p) => p.epoch)).toEqual([1, 2]);
    const uninterruptedEpochs = uninterruptedEvents.flatMap((e) =>
      e.type === 'progress' && e.kind === 'epoch' ? [e.point] : [],
    );
    expect(epochPoints[0]).toEqual(uninterruptedEpochs[0]);
    expect(epochPoints[1]?.validationLoss).toBe(uninterruptedEpochs[1]?.validationLoss);
    const done = only(resumed, 'trained');
    expect(done.stoppedBy).toBe('epochs');
    expect(done.checkpointKept).toBe(false);
    expect(store.entries.size).toBe(0); // a finished run's checkpoint is dropped
    expect(await weightsOf(second)).toEqual(expected);
    second.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  }, 90_000);

  it('resuming an experiment with no checkpoint says so and trains from the start', async () => {
    const handler = newHandler();
    const events = await send(handler, train(sentimentExperiment, sentiment, true));
    expect(only(events, 'started').notes.join(' ')).toMatch(/no checkpoint is kept/);
    expect(only(events, 'trained').stoppedBy).toBe('epochs');
    handler.dispose();
  }, 60_000);

  it('reports spec problems with their pointer and the suggestion, and a try before a model', async () => {
    const handler = newHandler();
    const misspelled = {
      ...classificationSpec,
      layers: [
        { type: 'embedding', embeddingDim: 8 },
        { type: 'gruu', hiddenSize: 8 },
      ],
    };
    const id = nextId;
    const error = only(
      await send(handler, train(experiment(misspelled, sentimentExperiment.data), sentiment)),
      'error',
    );
    expect(error.id).toBe(id);
    expect(error.pointer).toBe('/layers/1/type');
    expect(error.message).toMatch(/unknown layer type "gruu".*did you mean "gru"/);

    const syntax = only(
      await send(handler, {
        type: 'train',
        id: nextId++,
        experiment: { ...sentimentExperiment, specText: '{ "version": 1,, }' },
        dataText: sentiment,
        resume: false,
      }),
      'error',
    );
    expect(syntax.message).toMatch(/invalid JSON/);
    expect(syntax.message).toMatch(/^invalid spec: 1:\d+: /);

    // A task's own spec check (tagging: tokens are never split) also names its pointer.
    const tagging = {
      version: 1,
      name: 'split-tokens',
      task: 'tagging',
      input: { tokenizer: { type: 'word', splitPunctuation: true } },
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'gru', hiddenSize: 4 },
        { type: 'dense', units: 'auto' },
      ],
      training: { epochs: 1, batchSize: 4, optimizer: { type: 'adam', lr: 0.01 }, seed: 1 },
    };
    const taskError = only(
      await send(
        handler,
        train(experiment(tagging, { kind: 'file', name: 'a.conllu', text: '' }), '1\ta\t_\tX\n'),
      ),
      'error',
    );
    expect(taskError.message).toMatch(/splitPunctuation.*never splits/);
    expect(taskError.pointer).toBe('/input/tokenizer/splitPunctuation');

    const noModel = only(
      await send(handler, {
        type: 'try',
        id: nextId++,
        input: { task: 'classification', texts: ['a'] },
      }),
      'error',
    );
    expect(noModel.message).toMatch(/no model yet/);
  });

  it('a train sent while a model is being opened is refused, and the opened model stays', async () => {
    const maker = newHandler();
    await send(maker, train(sentimentExperiment, sentiment));
    const files = only(await send(maker, { type: 'save', id: nextId++ }), 'saved').files;
    maker.dispose();

    const handler = newHandler();
    const opening = send(handler, { type: 'load', id: nextId++, files, backend: 'cpu' });
    const refused = only(await send(handler, train(sentimentExperiment, sentiment)), 'error');
    expect(refused.message).toMatch(/a model is being opened/);
    only(await opening, 'loaded');
    const input: TryInput = { task: 'classification', texts: ['a fine film'] };
    only(await send(handler, { type: 'try', id: nextId++, input }), 'try-result');
    handler.dispose();
  }, 60_000);

  it('a train that fails before it starts keeps the model; one that fails after says it dropped it', async () => {
    const handler = newHandler();
    await send(handler, train(sentimentExperiment, sentiment));
    const before = await weightsOf(handler);
    const misspelled = { ...classificationSpec, layers: [{ type: 'gruu', hiddenSize: 8 }] };
    const specError = only(
      await send(handler, train(experiment(misspelled, sentimentExperiment.data), sentiment)),
      'error',
    );
    expect(specError.modelDropped).toBeUndefined();
    const dataError = only(await send(handler, train(sentimentExperiment, '')), 'error');
    expect(dataError.message).toMatch(/no rows/);
    expect(dataError.modelDropped).toBeUndefined();
    const backendError = only(
      await send(handler, train({ ...sentimentExperiment, backend: 'nope' }, sentiment)),
      'error',
    );
    expect(backendError.modelDropped).toBeUndefined();
    // The model the worker held still answers, with the same weights.
    const input: TryInput = { task: 'classification', texts: ['a fine film'] };
    only(await send(handler, { type: 'try', id: nextId++, input }), 'try-result');
    expect(await weightsOf(handler)).toEqual(before);

    // A failure once training has begun: the half-trained model is gone, and the error says so.
    const failing = await send(handler, train(sentimentExperiment, sentiment), (event) => {
      if (event.type === 'started') throw new Error('the page went away');
    });
    const dropped = only(failing, 'error');
    expect(dropped.modelDropped).toBe(true);
    expect(handler.task).toBeUndefined();
  }, 60_000);

  it('a seed in the experiment overrides the spec’s, so another seed trains other weights', async () => {
    const a = newHandler();
    await send(a, train(experiment(classificationSpec, sentimentExperiment.data, 3), sentiment));
    const b = newHandler();
    await send(b, train(experiment(classificationSpec, sentimentExperiment.data, 4), sentiment));
    const same = newHandler();
    await send(same, train(sentimentExperiment, sentiment)); // the spec's seed is 3
    expect(await weightsOf(a)).toEqual(await weightsOf(same));
    expect(await weightsOf(a)).not.toEqual(await weightsOf(b));
    for (const h of [a, b, same]) h.dispose();
  }, 60_000);
});
