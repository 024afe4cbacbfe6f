// GenerationTask.generate / stream on a char model trained briefly on the first 16 KB of Tiny
// Shakespeare, and a small word model: tokens checked against the model's own forward pass over
// the whole text (greedy picks the argmax, a sampled text's log-probability is the model's), the
// prompt cases, refused settings, stream == generate (seeded sampling, stop texts, beam search),
// stop texts against the unstopped text, abort, the same seed on cpu and wasm, and no tensor leaks
// over 1,000 generated tokens.
import '@recurrent/backend-cpu';
import '@recurrent/backend-wasm';
import {
  type GeneratedText,
  GenerationOptionError,
  TaskError,
  type TextGenerationOptions,
  useBackend,
} from '@recurrent/core';
import { eosId } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { charSpec, shakespeare } from '../test/shakespeare.js';
import { teacherForced } from '../test/teacher-forced.js';
import { GenerationTask } from './generation-task.js';

let files: Awaited<ReturnType<GenerationTask['save']>>;
let task: GenerationTask;

beforeAll(async () => {
  await useBackend('cpu');
  const trained = GenerationTask.create(charSpec({ training: { epochs: 2 } }), { backend: 'cpu' });
  await trained.train(shakespeare);
  files = await trained.save();
  trained.dispose();
  task = await GenerationTask.load(files, { backend: 'cpu' });
}, 120_000);

afterAll(() => task?.dispose());

async function collect(
  stream: AsyncGenerator<{ token: number; text: string }, GeneratedText>,
): Promise<{ pieces: { token: number; text: string }[]; result: GeneratedText }> {
  const pieces: { token: number; text: string }[] = [];
  for (;;) {
    const next = await stream.next();
    if (next.done) return { pieces, result: next.value };
    pieces.push(next.value);
  }
}

const vocabularyOf = () => task.vocabulary.tokens;

describe('generate', () => {
  it('greedy: each token is the argmax of the model reading the prompt and the tokens before it', async () => {
    const prompt = 'First Citizen:\n';
    const result = await task.generate(prompt, { maxTokens: 60 });
    expect(result.strategy).toBe('greedy');
    expect(result.stoppedBy).toBe('maxTokens');
    expect(result.tokens).toHaveLength(60);
    expect(result.text).toBe(result.tokens.map((id) => vocabularyOf()[id]).join(''));
    const ids = [...task.encode(prompt), ...result.tokens];
    const rows = await teacherForced(files, ids);
    let logProbability = 0;
    for (let i = 0; i < 60; i++) {
      const row = rows[prompt.length - 1 + i] as Float32Array;
      const token = result.tokens[i] as number;
      // The argmax, up to float rounding between the two ways of running the model.
      expect(row[token]).toBeGreaterThanOrEqual(Math.max(...row) - 1e-4);
      logProbability += row[token] as number;
    }
    expect(result.hypotheses).toHaveLength(1);
    expect(result.hypotheses[0]?.logProbability).toBeCloseTo(logProbability, 3);
  });

  it("sampling: the log-probability is the model's at the temperature, and a seed repeats the text", async () => {
    const options: TextGenerationOptions = {
      strategy: 'sample',
      temperature: 0.7,
      seed: 5,
      maxTokens: 50,
    };
    const result = await task.generate('ROMEO:', options);
    expect(result.seed).toBe(5);
    expect((await task.generate('ROMEO:', options)).text).toBe(result.text);
    expect((await task.generate('ROMEO:', { ...options, seed: 6 })).text).not.toBe(result.text);
    const rows = await teacherForced(files, [...task.encode('ROMEO:'), ...result.tokens], 0.7);
    let expected = 0;
    result.tokens.forEach((token, i) => {
      expected += (rows[5 + i] as Float32Array)[token] as number;
    });
    expect(result.hypotheses[0]?.logProbability).toBeCloseTo(expected, 3);
  });

  it('beam width 1 is greedy; wider beams return nBest hypotheses by length-penalised score', async () => {
    const greedy = await task.generate('All:', { maxTokens: 20 });
    const one = await task.generate('All:', { strategy: 'beam', beamWidth: 1, maxTokens: 20 });
    expect(one.text).toBe(greedy.text);
    const beams = await task.generate('All:', {
      strategy: 'beam',
      beamWidth: 5,
      nBest: 4,
      lengthPenalty: 0.5,
      maxTokens: 20,
    });
    expect(beams.hypotheses).toHaveLength(4);
    for (const h of beams.hypotheses) {
      expect(h.score).toBeCloseTo(h.logProbability / h.tokens.length ** 0.5, 9);
    }
    const scores = beams.hypotheses.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // The best beam is at least as probable as the greedy text of the same length.
    expect(beams.hypotheses[0]?.logProbability).toBeGreaterThanOrEqual(
      (greedy.hypotheses[0]?.logProbability as number) - 1e-4,
    );
  });

  it('an empty prompt starts at a line break', async () => {
    const empty = await task.generate('', { maxTokens: 30 });
    const newline = await task.generate('\n', { maxTokens: 30 });
    expect(empty.tokens).toEqual(newline.tokens);
  });

  it('refuses a prompt with characters the vocabulary lacks, naming them, unless allowed', async () => {
    await expect(task.generate('Ωmega ZZ', { maxTokens: 5 })).rejects.toThrow(
      new GenerationOptionError(
        'prompt',
        'has characters the model\'s vocabulary lacks: "Ω", "Z" (it knows only those of its training text; {allowUnknown} reads them as <unk>)',
      ),
    );
    const allowed = await task.generate('Ωmega ZZ', { maxTokens: 5, allowUnknown: true });
    expect(allowed.tokens).toHaveLength(5);
  });

  it('maxTokens 0 gives an empty text, stopped by maxTokens', async () => {
    const result = await task.generate('First', { maxTokens: 0 });
    expect(result).toMatchObject({ text: '', tokens: [], stoppedBy: 'maxTokens' });
    expect((await collect(task.stream('First', { maxTokens: 0 }))).pieces).toEqual([]);
  });

  it('refuses settings that do not apply, at the call, by name', async () => {
    await expect(task.generate('a', { strategy: 'greedy', topK: 3 })).rejects.toBeInstanceOf(
      GenerationOptionError,
    );
    await expect(task.generate('a', { strategy: 'greedy', topK: 3 })).rejects.toThrow(
      'topK applies to sampling, and the strategy is greedy decoding (asked for)',
    );
    await expect(task.generate('a', { topK: 3, beamWidth: 2 })).rejects.toThrow(
      'beamWidth (beam search) and topK (sampling) do not go together: choose strategy "sample" or "beam"',
    );
    expect(() => task.stream('a', { strategy: 'sample', nBest: 2 })).toThrow(
      'nBest applies to beam search, and the strategy is sampling (asked for)',
    );
  });

  it('stop texts end the text just before them', async () => {
    const options: TextGenerationOptions = { strategy: 'sample', seed: 3, maxTokens: 300 };
    const free = await task.generate('First', options);
    // Two characters the model did write, and where they first appear.
    const stop = free.text.slice(40, 42);
    const at = free.text.indexOf(stop);
    expect(at).toBeLessThanOrEqual(40);
    // A second stop text that the unstopped text never reaches changes nothing.
    expect(free.text).not.toContain('zzz');
    const stopped = await task.generate('First', { ...options, stop: [stop, 'zzz'] });
    expect(stopped.text).toBe(free.text.slice(0, at));
    expect(stopped.stoppedBy).toBe('stop');
    expect(stopped.tokens).toEqual(free.tokens.slice(0, at));
  });

  it("a sampling setting chooses sampling; the spec's decoding block is the default", async () => {
    expect(task.strategyFor({})).toBe('greedy');
    expect(task.strategyFor({ topK: 5 })).toBe('sample');
    const sampled = await task.generate('First', { topK: 5, seed: 8, maxTokens: 30 });
    expect(sampled.strategy).toBe('sample');
    expect(sampled.text).toBe(
      (await task.generate('First', { strategy: 'sample', topK: 5, seed: 8, maxTokens: 30 })).text,
    );
    // The same settings written in the spec's decoding block, stop text included.
    const free = await task.generate('First', { strategy: 'sample', seed: 8, maxTokens: 300 });
    const stop = free.text.slice(30, 32);
    const json = JSON.parse(files['model.json']);
    json.spec.decoding = { strategy: 'sample', seed: 8, maxLength: 300, stop: [stop] };
    const decoding = await GenerationTask.load(
      { ...files, 'model.json': JSON.stringify(json) },
      { backend: 'cpu' },
    );
    try {
      const bySpec = await decoding.generate('First');
      expect(bySpec.text).toBe(free.text.slice(0, free.text.indexOf(stop)));
      expect(bySpec.stoppedBy).toBe('stop');
      // An option replaces the spec's stop texts.
      expect((await decoding.generate('First', { stop: [] })).text).toBe(free.text);
      json.spec.decoding.stop = ['QQ'];
      const never = await GenerationTask.load(
        { ...files, 'model.json': JSON.stringify(json) },
        { backend: 'cpu' },
      );
      await expect(never.generate('First')).rejects.toThrow(
        new TaskError(
          'the spec\'s decoding.stop "QQ" can never match: the model\'s vocabulary lacks the characters "Q"',
        ),
      );
      never.dispose();
    } finally {
      decoding.dispose();
    }
  });

  it('aborting ends the text with stoppedBy "aborted"', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await task.generate('First', { maxTokens: 50, signal: controller.signal });
    expect(result.stoppedBy).toBe('aborted');
    expect(result.tokens.length).toBeLessThan(50);
  });

  it('a timer can abort a long generation (the decoding gives the event loop turns)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const before = tf.memory().numTensors;
    const result = await task.generate('First', {
      maxTokens: 1_000_000,
      signal: controller.signal,
    });
    expect(result.stoppedBy).toBe('aborted');
    expect(result.tokens.length).toBeGreaterThan(0);
    expect(result.tokens.length).toBeLessThan(1_000_000);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an untrained task says so', async () => {
    const untrained = GenerationTask.create(charSpec(), { backend: 'cpu' });
    await expect(untrained.generate('a')).rejects.toThrow(
      new TaskError('the generation task is not trained: train it or load a trained one'),
    );
  });
});

describe('stream', () => {
  const cases: [string, string, TextGenerationOptions][] = [
    ['greedy', 'First', { maxTokens: 80 }],
    [
      'seeded sampling with top-k, top-p and a repetition penalty',
      'ROMEO:',
      {
        strategy: 'sample',
        seed: 9,
        temperature: 0.9,
        topK: 20,
        topP: 0.9,
        repetitionPenalty: 1.2,
        maxTokens: 120,
      },
    ],
    [
      'sampling with stop texts',
      'All:',
      { strategy: 'sample', seed: 1, stop: ['\n\n', 'e '], maxTokens: 300 },
    ],
    ['beam search', 'All:', { strategy: 'beam', beamWidth: 3, nBest: 2, maxTokens: 25 }],
    ['an empty prompt', '', { strategy: 'sample', seed: 2, maxTokens: 40 }],
  ];

  it.each(cases)('yields exactly what generate returns: %s', async (_, prompt, options) => {
    const generated = await task.generate(prompt, options);
    const { pieces, result } = await collect(task.stream(prompt, options));
    expect(pieces.map((p) => p.text).join('')).toBe(generated.text);
    expect(pieces.map((p) => p.token)).toEqual(generated.tokens);
    expect(result).toEqual(generated);
    if (options.stop) expect(result.stoppedBy).toBe('stop');
  });

  it('a consumer that stops early frees the decoding', async () => {
    const before = tf.memory().numTensors;
    let n = 0;
    for await (const _ of task.stream('First', { maxTokens: 100 })) {
      if (++n === 10) break;
    }
    expect(n).toBe(10);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('resources and backends', () => {
  it('leaves no tensor behind over 1,000 generated tokens (generate, stream, beam)', async () => {
    const before = tf.memory().numTensors;
    const sampled = await task.generate('First', { strategy: 'sample', seed: 4, maxTokens: 1000 });
    expect(sampled.tokens).toHaveLength(1000);
    const { pieces } = await collect(task.stream('', { maxTokens: 1000 }));
    expect(pieces).toHaveLength(1000);
    await task.generate('All', { strategy: 'beam', beamWidth: 3, maxTokens: 100 });
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('the same seed gives the same text on cpu and wasm', async () => {
    const options: TextGenerationOptions = {
      strategy: 'sample',
      seed: 77,
      temperature: 1,
      maxTokens: 200,
    };
    const onCpu = await task.generate('First Citizen:', options);
    await useBackend('wasm');
    const wasmTask = await GenerationTask.load(files, { backend: 'wasm' });
    try {
      const onWasm = await wasmTask.generate('First Citizen:', options);
      expect(onWasm.text).toBe(onCpu.text);
      expect(onWasm.hypotheses[0]?.logProbability).toBeCloseTo(
        onCpu.hypotheses[0]?.logProbability as number,
        2,
      );
    } finally {
      wasmTask.dispose();
      await useBackend('cpu');
    }
  }, 60_000);
});

describe('a word model', () => {
  it('joins words with spaces, ends lines at <eos>, and continues a prompt inside its line', async () => {
    const words = GenerationTask.create(
      charSpec({
        input: { tokenizer: { type: 'word', lowercase: true }, maxLength: 16 },
        training: { epochs: 2, batchSize: 8 },
      }),
      { backend: 'cpu' },
    );
    try {
      await words.train(shakespeare.slice(0, 6000));
      const result = await words.generate('first citizen', { maxTokens: 60 });
      const vocabulary = words.vocabulary.tokens;
      let expected = '';
      let previous = words.vocabulary.id('citizen');
      for (const id of result.tokens) {
        const text = id === eosId ? '\n' : (vocabulary[id] as string);
        expected += (id === eosId || previous === eosId ? '' : ' ') + text;
        previous = id;
      }
      expect(result.text).toBe(expected);
      expect(result.text).not.toContain('<eos>');
      // The empty prompt starts a line: the same as a prompt that ends one.
      const empty = await words.generate('', { maxTokens: 20 });
      expect(empty.tokens).toEqual((await words.generate('\n', { maxTokens: 20 })).tokens);
      expect(empty.text.startsWith(' ')).toBe(false);
      await expect(words.generate('first xylophone')).rejects.toThrow(
        'prompt has words the model\'s vocabulary lacks: "xylophone"',
      );
      await expect(words.generate('the', { stop: ['  '] })).rejects.toThrow(
        'stop "  " has no tokens (a word model matches words and line breaks, not spaces)',
      );
    } finally {
      words.dispose();
    }
  }, 60_000);
});
