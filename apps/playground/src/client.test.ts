// The page's client against the worker's handler run in-process (messages cloned as postMessage
// clones them): each call settles with its own answer, progress and streamed pieces reach their
// callbacks, stop ends a run, errors reject with the spec pointer; model files from picked files.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modelFilesFrom, PlaygroundClient, PlaygroundError, type WorkerLike } from './client.js';
import type { Experiment, WorkerEvent, WorkerRequest } from './protocol.js';
import { Backends, defaultLoaders } from './worker/backends.js';
import { MemoryCheckpointStore } from './worker/checkpoints.js';
import { Handler } from './worker/handler.js';

/** A Worker stand-in: requests go to a Handler after a task turn, events come back cloned. */
function inProcessWorker(): WorkerLike & { requests: WorkerRequest[] } {
  const handler = new Handler({
    store: new MemoryCheckpointStore(),
    backends: new Backends({ cpu: defaultLoaders.cpu as never }, false),
  });
  const listeners: ((event: MessageEvent<WorkerEvent>) => void)[] = [];
  const requests: WorkerRequest[] = [];
  return {
    requests,
    postMessage(message) {
      requests.push(message);
      const request = structuredClone(message);
      setTimeout(() => {
        void handler.handle(request, (event) => {
          const data = structuredClone(event);
          for (const l of listeners) l({ data } as MessageEvent<WorkerEvent>);
        });
      }, 0);
    },
    addEventListener(_type, listener) {
      listeners.push(listener);
    },
    terminate() {
      handler.dispose();
    },
  };
}

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '../public/data');
const sentences = readFileSync(join(dataDir, 'sentiment/uci-sentences.txt'), 'utf8')
  .split('\n')
  .slice(0, 200)
  .join('\n');

const spec = {
  version: 1,
  name: 'client-test',
  task: 'classification',
  input: { tokenizer: { type: 'word', lowercase: true }, maxLength: 16 },
  layers: [
    { type: 'embedding', embeddingDim: 8 },
    { type: 'gru', hiddenSize: 8 },
    { type: 'pool', mode: 'mean' },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 3, batchSize: 16, optimizer: { type: 'adam', lr: 0.01 }, seed: 1 },
};
const experiment: Experiment = {
  specText: JSON.stringify(spec),
  data: { kind: 'bundled', id: 'uci-sentiment' },
  backend: 'cpu',
};

describe('PlaygroundClient', () => {
  it('lists backends, trains with progress, tries, saves and loads', async () => {
    const client = new PlaygroundClient(inProcessWorker());
    const { backends, isolated } = await client.backends();
    expect(backends.map((b) => b.name)).toContain('cpu');
    expect(isolated).toBe(false);

    const seen: string[] = [];
    const run = client.train({ experiment, dataText: sentences, resume: false }, (event) => {
      seen.push(event.type === 'progress' ? `progress:${event.kind}` : event.type);
    });
    expect(client.training).toBe(true);
    const trained = await run;
    expect(client.training).toBe(false);
    expect(trained.stoppedBy).toBe('epochs');
    expect(seen[0]).toBe('started');
    expect(seen.filter((s) => s === 'progress:epoch')).toHaveLength(3);
    expect(seen.filter((s) => s === 'progress:batch').length).toBeGreaterThan(3);

    const input = { task: 'classification' as const, texts: ['great phone', 'awful'] };
    const tried = await client.tryModel(input);
    expect(tried.output.task).toBe('classification');
    expect(tried.milliseconds).toBeGreaterThanOrEqual(0);
    const files = await client.save();
    expect(files['weights.safetensors']).toBeInstanceOf(Uint8Array);

    const other = new PlaygroundClient(inProcessWorker());
    expect(await other.load(files, 'cpu')).toMatchObject({ task: 'classification' });
    expect((await other.tryModel(input)).output).toEqual(tried.output);
    client.dispose();
    other.dispose();
  }, 60_000);

  it('stop() ends the run at a batch boundary with stoppedBy "aborted"', async () => {
    const worker = inProcessWorker();
    const client = new PlaygroundClient(worker);
    let stopped = false;
    const trained = await client.train(
      { experiment, dataText: sentences, resume: false },
      (event) => {
        if (event.type === 'progress' && !stopped) {
          stopped = true;
          client.stop();
        }
      },
    );
    expect(trained.stoppedBy).toBe('aborted');
    expect(trained.checkpointKept).toBe(true);
    expect(worker.requests.map((r) => r.type)).toEqual(['train', 'stop']);
    client.dispose();
  }, 60_000);

  it('a second train() stops the first and starts once it has ended', async () => {
    const worker = inProcessWorker();
    const client = new PlaygroundClient(worker);
    let firstProgress: () => void = () => {};
    const progressed = new Promise<void>((resolve) => {
      firstProgress = resolve;
    });
    const first = client.train({ experiment, dataText: sentences, resume: false }, (event) => {
      if (event.type === 'progress') firstProgress();
    });
    await progressed;
    const second = client.train({ experiment, dataText: sentences, resume: false });
    expect((await first).stoppedBy).toBe('aborted');
    expect((await second).stoppedBy).toBe('epochs');
    expect(worker.requests.map((r) => r.type)).toEqual(['train', 'stop', 'train']);
    expect(client.training).toBe(false);
    client.dispose();
  }, 60_000);

  it('rejects with a PlaygroundError carrying the spec pointer', async () => {
    const client = new PlaygroundClient(inProcessWorker());
    const bad = { ...spec, layers: [{ type: 'embeding', embeddingDim: 8 }] };
    const error = await client
      .train({
        experiment: { ...experiment, specText: JSON.stringify(bad) },
        dataText: sentences,
        resume: false,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlaygroundError);
    expect((error as PlaygroundError).pointer).toBe('/layers/0/type');
    await expect(client.save()).rejects.toThrow(/no model yet/);
    client.dispose();
  });

  it('says when a failed run left the worker without a model (modelDropped)', async () => {
    const client = new PlaygroundClient(inProcessWorker());
    await client.train({ experiment, dataText: sentences, resume: false });
    const bad = { ...spec, layers: [{ type: 'embeding', embeddingDim: 8 }] };
    const early = await client
      .train({
        experiment: { ...experiment, specText: JSON.stringify(bad) },
        dataText: sentences,
        resume: false,
      })
      .catch((e: unknown) => e);
    expect((early as PlaygroundError).modelDropped).toBe(false);
    // Lines without a label parse, but give no examples: the run fails after it replaced the model.
    const late = await client
      .train({ experiment, dataText: 'no tab here\n', resume: false })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(PlaygroundError);
    expect((late as PlaygroundError).modelDropped).toBe(true);
    await expect(client.save()).rejects.toThrow(/no model yet/);
    client.dispose();
  });

  it('dispose() rejects the calls still waiting', async () => {
    const client = new PlaygroundClient(inProcessWorker());
    const pending = client.train({ experiment, dataText: sentences, resume: false });
    client.dispose();
    await expect(pending).rejects.toThrow(/worker was closed/);
  });
});

describe('modelFilesFrom', () => {
  it('finds the two files by name among the picked ones (a folder made by recurrent train)', async () => {
    const files = await modelFilesFrom([
      new File(['{"format":"x"}'], 'model.json'),
      new File(['log'], 'train.log.jsonl'),
      new File([new Uint8Array([1, 2, 3])], 'weights.safetensors'),
    ]);
    expect(files['model.json']).toBe('{"format":"x"}');
    expect(Array.from(files['weights.safetensors'])).toEqual([1, 2, 3]);
  });

  it('names the missing file', async () => {
    await expect(modelFilesFrom([new File(['{}'], 'model.json')])).rejects.toThrow(
      /weights\.safetensors not among the files opened/,
    );
  });
});
