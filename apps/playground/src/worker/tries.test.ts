// "Try the model" for the other four tasks, each trained briefly in the handler on its bundled
// data (cpu backend): generation streams pieces that add up to its text (and stops when
// cancelled), translation returns one attention row per output token over the source tokens,
// tagging one tag per token, forecasting continues the dates beside the naive baseline.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ForecastingTask } from '@recurrent/task-forecasting';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Experiment, TryInput, TryOutput, WorkerEvent } from '../protocol.js';
import { Backends, defaultLoaders } from './backends.js';
import { MemoryCheckpointStore } from './checkpoints.js';
import { Handler } from './handler.js';
import { warmUp } from './try.js';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '../../public/data');
const bundled = (file: string) => readFileSync(join(dataDir, file), 'utf8');

let nextId = 1;

function newHandler(): Handler {
  return new Handler({
    store: new MemoryCheckpointStore(),
    backends: new Backends({ cpu: defaultLoaders.cpu as never }, false),
  });
}

async function trainOn(handler: Handler, spec: object, id: string, dataText: string) {
  const experiment: Experiment = {
    specText: JSON.stringify(spec),
    data: { kind: 'bundled', id },
    backend: 'cpu',
  };
  const events: WorkerEvent[] = [];
  await handler.handle({ type: 'train', id: nextId++, experiment, dataText, resume: false }, (e) =>
    events.push(e),
  );
  const errors = events.filter((e) => e.type === 'error');
  expect(errors).toEqual([]);
  return events.find((e) => e.type === 'trained') as Extract<WorkerEvent, { type: 'trained' }>;
}

async function tryModel(
  handler: Handler,
  input: TryInput,
  during?: (event: WorkerEvent, id: number) => void,
): Promise<{ output: TryOutput; tokens: string[] }> {
  const id = nextId++;
  const events: WorkerEvent[] = [];
  await handler.handle({ type: 'try', id, input }, (e) => {
    events.push(e);
    during?.(e, id);
  });
  const error = events.find((e) => e.type === 'error');
  if (error) throw new Error(JSON.stringify(error));
  const result = events.find((e) => e.type === 'try-result') as Extract<
    WorkerEvent,
    { type: 'try-result' }
  >;
  const tokens = events.flatMap((e) => (e.type === 'try-token' ? [e.text] : []));
  return { output: result.output, tokens };
}

const training = (epochs: number, batchSize: number) => ({
  epochs,
  batchSize,
  optimizer: { type: 'adam', lr: 0.01 },
  seed: 1,
});

let baseline: number;
beforeAll(async () => {
  const handler = newHandler();
  await handler.handle({ type: 'backends' }, () => {});
  await handler.handle(
    {
      type: 'load',
      id: 0,
      files: { 'model.json': '{}', 'weights.safetensors': new Uint8Array() },
      backend: 'cpu',
    },
    () => {},
  ); // activates cpu (the files themselves are refused)
  baseline = tf.memory().numTensors;
});
afterAll(() => {
  expect(tf.memory().numTensors).toBe(baseline);
});

describe('generation', () => {
  const handler = newHandler();
  afterAll(() => handler.dispose());
  const spec = {
    version: 1,
    name: 'tiny-char',
    task: 'generation',
    input: { tokenizer: { type: 'char' }, maxLength: 32 },
    layers: [
      { type: 'embedding', embeddingDim: 8 },
      { type: 'lstm', hiddenSize: 16 },
      { type: 'dense', units: 'auto' },
    ],
    training: training(1, 8),
    // A try's top-k left off must not fall back to this (it would make sampling greedy).
    decoding: { strategy: 'sample', topK: 1 },
  };

  it('streams pieces that add up to the text; the same seed gives the same text', async () => {
    await trainOn(
      handler,
      spec,
      'tiny-shakespeare',
      bundled('shakespeare/tiny-shakespeare-100k.txt').slice(0, 4000),
    );
    const input: TryInput = {
      task: 'generation',
      prompt: 'First',
      maxTokens: 30,
      temperature: 0.8,
      topK: 10,
      seed: 5,
    };
    const a = await tryModel(handler, input);
    const text = (a.output as Extract<TryOutput, { task: 'generation' }>).text;
    expect(a.tokens.join('')).toBe(text);
    expect(a.tokens).toHaveLength(30); // a character model: one piece per character
    const b = await tryModel(handler, input);
    expect(b.output).toEqual(a.output);
  }, 60_000);

  it('top-k and top-p left off are off, not the spec’s decoding settings', async () => {
    const prompt = { task: 'generation', prompt: 'First', maxTokens: 30 } as const;
    const greedy = await tryModel(handler, { ...prompt, temperature: 0 });
    const sampled = await tryModel(handler, { ...prompt, temperature: 1.5, seed: 7 });
    // With the spec's topK 1, sampling would pick the most likely token each time, as greedy does.
    expect(sampled.output).not.toEqual(greedy.output);
    const limited = await tryModel(handler, { ...prompt, temperature: 1.5, seed: 7, topK: 1 });
    expect(limited.output).toEqual(greedy.output);
  }, 60_000);

  it('a saved model, loaded in another worker, generates the same text from the same seed', async () => {
    const input: TryInput = {
      task: 'generation',
      prompt: 'Citizen',
      maxTokens: 20,
      temperature: 1,
      seed: 9,
    };
    const here = await tryModel(handler, input);
    const saved: WorkerEvent[] = [];
    await handler.handle({ type: 'save', id: nextId++ }, (e) => saved.push(e));
    const files = (saved[0] as Extract<WorkerEvent, { type: 'saved' }>).files;
    const other = newHandler();
    const loaded: WorkerEvent[] = [];
    await other.handle({ type: 'load', id: nextId++, files, backend: 'cpu' }, (e) =>
      loaded.push(e),
    );
    expect(loaded.map((e) => e.type)).toEqual(['loaded']);
    expect((await tryModel(other, input)).output).toEqual(here.output);
    other.dispose();
  }, 60_000);

  it('opening a model during a streaming try ends the try first, then replaces the model', async () => {
    const saved: WorkerEvent[] = [];
    await handler.handle({ type: 'save', id: nextId++ }, (e) => saved.push(e));
    const files = (saved[0] as Extract<WorkerEvent, { type: 'saved' }>).files;
    const loaded: WorkerEvent[] = [];
    let loading: Promise<void> | undefined;
    const streamed = await tryModel(
      handler,
      { task: 'generation', prompt: 'First', maxTokens: 500, temperature: 1, seed: 3 },
      (event) => {
        if (event.type === 'try-token' && loading === undefined) {
          loading = handler.handle({ type: 'load', id: nextId++, files, backend: 'cpu' }, (e) =>
            loaded.push(e),
          );
        }
      },
    );
    await loading;
    expect(streamed.tokens.length).toBeLessThan(500);
    expect((streamed.output as Extract<TryOutput, { task: 'generation' }>).text).toBe(
      streamed.tokens.join(''),
    );
    expect(loaded.map((e) => e.type)).toEqual(['loaded']);
  }, 60_000);

  it('temperature 0 decodes greedily (the seed does not matter); cancelling stops the stream', async () => {
    const greedy = (seed: number): TryInput => ({
      task: 'generation',
      prompt: 'First',
      maxTokens: 12,
      temperature: 0,
      seed,
    });
    expect((await tryModel(handler, greedy(1))).output).toEqual(
      (await tryModel(handler, greedy(2))).output,
    );
    let pieces = 0;
    const cancelled = await tryModel(
      handler,
      { task: 'generation', prompt: 'First', maxTokens: 500, temperature: 1, seed: 1 },
      (event, id) => {
        if (event.type === 'try-token' && ++pieces === 3) {
          void handler.handle({ type: 'cancel-try', id }, () => {});
        }
      },
    );
    const text = (cancelled.output as Extract<TryOutput, { task: 'generation' }>).text;
    expect(cancelled.tokens.length).toBeLessThan(10);
    expect(text).toBe(cancelled.tokens.join(''));
  }, 60_000);
});

describe('translation', () => {
  const handler = newHandler();
  afterAll(() => handler.dispose());
  const side = { tokenizer: { type: 'word', lowercase: true }, maxLength: 10 };
  const layers = [
    { type: 'embedding', embeddingDim: 8 },
    { type: 'gru', hiddenSize: 8 },
  ];
  const spec = {
    version: 1,
    name: 'tiny-mt',
    task: 'translation',
    input: side,
    target: side,
    encoder: { layers },
    decoder: { layers, attention: { type: 'bahdanau' }, bridge: 'copy' },
    training: training(1, 16),
    decoding: { strategy: 'greedy', maxLength: 8 },
  };

  it('gives one attention row per output token, over the source tokens, each summing to 1', async () => {
    const trained = await trainOn(
      handler,
      spec,
      'tatoeba-eng-fra',
      bundled('tatoeba/eng-fra-every15.txt'),
    );
    expect((trained.evaluation as { bleu: number }).bleu).toBeGreaterThanOrEqual(0);
    const { output } = await tryModel(handler, {
      task: 'translation',
      texts: ['I am cold.', 'Go.'],
    });
    const { translations } = output as Extract<TryOutput, { task: 'translation' }>;
    expect(translations).toHaveLength(2);
    for (const t of translations) {
      expect(t.sourceTokens.at(-1)).toBe('<eos>');
      expect(t.attention).toHaveLength(t.outputTokens.length);
      for (const row of t.attention ?? []) {
        expect(row).toHaveLength(t.sourceTokens.length);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    }
  }, 60_000);
});

describe('tagging', () => {
  const handler = newHandler();
  afterAll(() => handler.dispose());
  const conllu = bundled('atis/en_atis-ud-train-700.conllu')
    .split('\n\n')
    .slice(0, 120)
    .join('\n\n');
  const spec = {
    version: 1,
    name: 'tiny-pos',
    task: 'tagging',
    input: { tokenizer: { type: 'word', lowercase: true, splitPunctuation: false } },
    layers: [
      { type: 'embedding', embeddingDim: 8 },
      { type: 'lstm', hiddenSize: 8, bidirectional: true },
      { type: 'dense', units: 'auto' },
    ],
    tagging: { output: 'softmax' },
    training: training(1, 16),
  };

  it('tags each token with a UPOS tag of the data and its probability', async () => {
    const trained = await trainOn(handler, spec, 'ud-english-atis', conllu);
    expect((trained.evaluation as { accuracy: number }).accuracy).toBeGreaterThan(0);
    const upos = new Set(
      conllu.split('\n').flatMap((l) => (/^\d+\t/.test(l) ? [l.split('\t')[3]] : [])),
    );
    const tokens = ['show', 'me', 'flights', 'from', 'boston', 'to', 'denver'];
    const { output } = await tryModel(handler, { task: 'tagging', sentences: [tokens] });
    const [result] = (output as Extract<TryOutput, { task: 'tagging' }>).results;
    expect(result?.tokens).toEqual(tokens);
    expect(result?.tags).toHaveLength(tokens.length);
    for (const tag of result?.tags ?? []) expect(upos.has(tag)).toBe(true);
    for (const p of result?.confidence ?? []) expect(p > 0 && p <= 1).toBe(true);
    expect(result?.confidence).toHaveLength(tokens.length);
  }, 60_000);
});

describe('forecasting', () => {
  const handler = newHandler();
  afterAll(() => handler.dispose());
  const spec = {
    version: 1,
    name: 'tiny-airline',
    task: 'forecasting',
    forecasting: {
      window: 12,
      horizon: 3,
      features: ['Passengers'],
      scaling: 'standard',
      differencing: 'first',
    },
    layers: [
      { type: 'lstm', hiddenSize: 8, returnSequences: false },
      { type: 'dense', units: 'auto' },
    ],
    training: { ...training(2, 16), loss: 'mse' },
  };

  it('forecasts the months after the series beside the naive baseline and the history', async () => {
    const csv = bundled('airline/airline-passengers.csv');
    await trainOn(handler, spec, 'airline-passengers', csv);
    const { output } = await tryModel(handler, { task: 'forecasting', csvText: csv });
    const f = output as Extract<TryOutput, { task: 'forecasting' }>;
    expect(f.forecast.dates).toEqual(['1961-01', '1961-02', '1961-03']);
    expect(f.forecast.values.Passengers).toHaveLength(3);
    for (const v of f.forecast.values.Passengers ?? []) expect(Number.isFinite(v)).toBe(true);
    // Naive: "next month equals the last", 432 thousand in 1960-12.
    expect(f.naive).toEqual({ Passengers: [432, 432, 432] });
    expect(f.history.values.Passengers).toHaveLength(120);
    expect(f.history.values.Passengers?.at(-1)).toBe(432);
    expect(f.history.dates?.at(-1)).toBe('1960-12');
    expect(f.history.dates?.[0]).toBe('1951-01'); // the last 120 of 144 months
  }, 60_000);

  it('an opened forecaster (no series of its own) is warmed up by a forecast too', async () => {
    const task = handler.task as ForecastingTask;
    const forecast = vi.spyOn(task, 'forecast');
    try {
      await warmUp({ kind: 'forecasting', task });
      expect(forecast).toHaveBeenCalledOnce();
      const [series] = forecast.mock.calls[0] ?? [];
      // Window 12 + 1 row for first differencing.
      expect(series?.columns.Passengers).toHaveLength(13);
      const result = await forecast.mock.results[0]?.value;
      expect(result.values.Passengers).toHaveLength(3);
    } finally {
      forecast.mockRestore();
    }
  }, 60_000);
});
