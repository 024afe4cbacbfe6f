// `recurrent generate` and `recurrent eval` on generation model folders built here (a char and a
// word model trained briefly on the first 4 KB of Tiny Shakespeare): the prompt cases the help
// documents (empty, characters the vocabulary lacks, --max-tokens 0), streamed text equal to the
// JSON text, the JSON shape, beam search's n-best sorted by score, stop texts, seeds across
// backends, flags refused by name, and eval's figures against a token-by-token computation.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTask, loadModel, saveTask } from '@recurrent/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'generate-'));
const slice = join(import.meta.dirname, '../../../core/test/fixtures/tinyshakespeare/slice.txt');
const text = readFileSync(slice, 'utf8');
const charModel = join(root, 'char');
const wordModel = join(root, 'word');

const charSpec = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../test/fixtures/tiny-char.json'), 'utf8'),
);
const wordSpec = {
  version: 1,
  name: 'tiny-word',
  task: 'generation',
  input: { tokenizer: { type: 'word', lowercase: true }, maxLength: 16 },
  layers: [
    { type: 'embedding', embeddingDim: 16 },
    { type: 'gru', hiddenSize: 24 },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 2, batchSize: 8, optimizer: { type: 'adam', lr: 0.01 }, seed: 5 },
};

beforeAll(async () => {
  for (const [spec, dir] of [
    [charSpec, charModel],
    [wordSpec, wordModel],
  ] as const) {
    const task = await createTask(spec, { task: 'generation', backend: 'cpu' });
    await task.train(text);
    await saveTask(task, dir);
    task.dispose();
  }
}, 120_000);

interface GenerateJson {
  text: string;
  tokens: number;
  stoppedBy: string;
  strategy: string;
  hypotheses: {
    text: string;
    tokens: number;
    score: number;
    logProbability: number;
    stoppedBy: string;
  }[];
  seconds: number;
  tokensPerSecond: number;
  seed?: number;
  backend: string;
}

async function generateJson(...args: string[]): Promise<GenerateJson> {
  const result = await runCli('generate', ...args, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as GenerateJson;
}

describe('recurrent generate', () => {
  it('--json gives one object: text, token count, stop reason, hypotheses with scores, speed', async () => {
    const json = await generateJson(
      charModel,
      '--prompt',
      'First',
      '--max-tokens',
      '40',
      '-b',
      'cpu',
    );
    expect(Object.keys(json).sort()).toEqual(
      [
        'backend',
        'hypotheses',
        'seconds',
        'stoppedBy',
        'strategy',
        'text',
        'tokens',
        'tokensPerSecond',
      ].sort(),
    );
    expect(json.strategy).toBe('greedy');
    expect(json.tokens).toBe(40);
    expect([...json.text]).toHaveLength(40); // one character per token
    expect(json.stoppedBy).toBe('maxTokens');
    expect(json.hypotheses).toHaveLength(1);
    expect(json.hypotheses[0]).toMatchObject({
      text: json.text,
      tokens: 40,
      stoppedBy: 'maxTokens',
    });
    const best = json.hypotheses[0] as GenerateJson['hypotheses'][number];
    expect(best.logProbability).toBeLessThan(0);
    expect(best.score).toBe(best.logProbability);
    expect(json.tokensPerSecond).toBeCloseTo(40 / json.seconds, 6);
    expect(json.backend).toBe('cpu');
  });

  it('streams the same text to stdout, with a timing line on stderr', async () => {
    const json = await generateJson(charModel, '--prompt', 'First', '-n', '40', '-b', 'cpu');
    const result = await runCli(
      'generate',
      charModel,
      '--prompt',
      'First',
      '-n',
      '40',
      '-b',
      'cpu',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(json.text.endsWith('\n') ? json.text : `${json.text}\n`);
    expect(result.stderr).toMatch(
      /^40 tokens in \d+\.\d\d s \(\d+\.\d tokens\/s\) on cpu; stopped by maxTokens\n$/,
    );
  });

  it('an empty prompt starts at a line break: the same text as the prompt "\\n"', async () => {
    const empty = await generateJson(charModel, '-n', '30', '-b', 'cpu');
    const newline = await generateJson(charModel, '--prompt', '\n', '-n', '30', '-b', 'cpu');
    expect(empty.text).toBe(newline.text);
    expect(empty.tokens).toBe(30);
  });

  it('refuses a prompt with characters the vocabulary lacks, naming them; --allow-unknown reads them as <unk>', async () => {
    const result = await runCli('generate', charModel, '--prompt', 'Zß€', '-b', 'cpu');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `recurrent: ${charModel}: --prompt has characters the model's vocabulary lacks: "Z", "ß", "€" (it knows only those of its training text; --allow-unknown reads them as <unk>)\n`,
    );
    const allowed = await generateJson(
      charModel,
      '--prompt',
      'Zß€',
      '--allow-unknown',
      '-n',
      '5',
      '-b',
      'cpu',
    );
    expect(allowed.tokens).toBe(5);
  });

  it('--max-tokens 0 prints nothing and stops by maxTokens', async () => {
    const result = await runCli('generate', charModel, '--max-tokens', '0', '-b', 'cpu');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^0 tokens in .* stopped by maxTokens\n$/);
    const json = await generateJson(charModel, '--max-tokens', '0', '-b', 'cpu');
    expect(json).toMatchObject({ text: '', tokens: 0, stoppedBy: 'maxTokens' });
  });

  it('beam search prints the n-best, best first, each with its length-penalised score', async () => {
    const json = await generateJson(
      charModel,
      '--prompt',
      'All',
      '--beam',
      '4',
      '--n-best',
      '3',
      '-n',
      '12',
      '-b',
      'cpu',
    );
    expect(json.strategy).toBe('beam');
    expect(json.hypotheses).toHaveLength(3);
    for (const h of json.hypotheses) {
      // lengthPenalty 1: the score is the log-probability per token.
      expect(h.score).toBeCloseTo(h.logProbability / h.tokens, 10);
    }
    const scores = json.hypotheses.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(json.hypotheses.map((h) => h.text)).size).toBe(3);

    const printed = await runCli(
      'generate',
      charModel,
      '--prompt',
      'All',
      '--beam',
      '4',
      '--n-best',
      '3',
      '-n',
      '12',
      '-b',
      'cpu',
    );
    expect(printed.code).toBe(0);
    const expected = json.hypotheses
      .map(
        (h, i) =>
          `[${i + 1}/3] score ${h.score.toFixed(4)}, log-probability ${h.logProbability.toFixed(4)}, ${h.tokens} tokens, stopped by ${h.stoppedBy}\n${h.text}${h.text.endsWith('\n') ? '' : '\n'}`,
      )
      .join('');
    expect(printed.stdout).toBe(expected);
  });

  it('--n-best alone chooses beam search (with the default width), as --temperature chooses sampling', async () => {
    const json = await generateJson(
      charModel,
      '--prompt',
      'All',
      '--n-best',
      '2',
      '-n',
      '8',
      '-b',
      'cpu',
    );
    expect(json.strategy).toBe('beam');
    expect(json.hypotheses).toHaveLength(2);
    const sampled = await generateJson(charModel, '--temperature', '0.9', '-n', '8', '-b', 'cpu');
    expect(sampled.strategy).toBe('sample');
    expect(Number.isInteger(sampled.seed)).toBe(true);
  });

  it('a seed repeats a sampled text, on cpu and on wasm', async () => {
    const args = ['--prompt', 'First', '--temperature', '1', '--seed', '42', '-n', '60'];
    const cpu = await generateJson(charModel, ...args, '-b', 'cpu');
    const again = await generateJson(charModel, ...args, '-b', 'cpu');
    const wasm = await generateJson(charModel, ...args, '-b', 'wasm');
    expect(cpu.strategy).toBe('sample');
    expect(cpu.seed).toBe(42);
    expect(again.text).toBe(cpu.text);
    expect(wasm.text).toBe(cpu.text);
    const other = await generateJson(
      charModel,
      ...args.slice(0, -4),
      '--seed',
      '43',
      '-n',
      '60',
      '-b',
      'cpu',
    );
    expect(other.text).not.toBe(cpu.text);
  });

  it('--stop ends the text before the stop text (the same sampled text up to there)', async () => {
    const args = [
      '--prompt',
      'First',
      '--temperature',
      '1.5',
      '--seed',
      '7',
      '-n',
      '200',
      '-b',
      'cpu',
    ];
    const free = await generateJson(charModel, ...args);
    // A stop character that first appears after the start, so the stopped text is not empty.
    const stop = [...free.text].find((c, i) => i > 0 && c !== '\n' && free.text.indexOf(c) === i);
    expect(stop).toBeDefined();
    const at = free.text.indexOf(stop as string);
    expect(free.text).not.toContain('zz');
    const stopped = await generateJson(
      charModel,
      ...args,
      '--stop',
      stop as string,
      '--stop',
      'zz',
    );
    expect(stopped.text).toBe(free.text.slice(0, at));
    expect(stopped.stoppedBy).toBe('stop');
    const streamed = await runCli('generate', charModel, ...args, '--stop', stop as string);
    expect(streamed.stdout).toBe(`${stopped.text}${stopped.text.endsWith('\n') ? '' : '\n'}`);
  });

  it('a word model joins words with spaces and prints <eos> as a line break', async () => {
    const json = await generateJson(
      wordModel,
      '--prompt',
      'First citizen',
      '-n',
      '30',
      '-b',
      'cpu',
    );
    expect(json.tokens).toBe(30);
    // After a prompt that ends inside a line, the continuation starts with a space.
    expect(json.text.startsWith(' ') || json.text.startsWith('\n')).toBe(true);
    expect(json.text).not.toMatch(/<eos>| {2}| \n|\n /);
    const unknown = await runCli('generate', wordModel, '--prompt', 'First xylophone', '-b', 'cpu');
    expect(unknown.stderr).toBe(
      `recurrent: ${wordModel}: --prompt has words the model's vocabulary lacks: "xylophone" (it knows only those of its training text; --allow-unknown reads them as <unk>)\n`,
    );
  });

  it.each([
    [
      ['--n-best', '2', '--strategy', 'greedy'],
      '--n-best applies to beam search, and the strategy is greedy decoding (asked for)',
    ],
    [
      ['--n-best', '2', '--temperature', '0.8'],
      '--n-best (beam search) and --temperature (sampling) do not go together: choose --strategy "sample" or "beam"',
    ],
    [
      ['--beam', '2', '--n-best', '3'],
      '--n-best 3 asks for more hypotheses than the 2 beams the search keeps (--beam)',
    ],
    [['--top-p', '1.5'], '--top-p must be a probability in (0, 1] (got 1.5)'],
    [
      ['--temperature', '0'],
      '--temperature must be a number above 0 (got 0; for the most probable token each step use greedy decoding)',
    ],
    [
      ['--seed', '3', '--strategy', 'beam'],
      '--seed applies to sampling, and the strategy is beam search (asked for)',
    ],
    [
      ['--beam', '3', '--strategy', 'sample'],
      '--beam applies to beam search, and the strategy is sampling (asked for)',
    ],
    [['--beam', '0'], '--beam must be a whole number, 1 or more (got 0)'],
    [
      ['--stop', 'Zebra'],
      '--stop "Zebra" can never match: the model\'s vocabulary lacks the characters "Z"',
    ],
    [
      ['--beam', '2', '--top-k', '3'],
      '--beam (beam search) and --top-k (sampling) do not go together: choose --strategy "sample" or "beam"',
    ],
  ])('refuses %j by flag name', async (flags, message) => {
    const result = await runCli('generate', charModel, ...flags, '-b', 'cpu');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`recurrent: ${charModel}: ${message}\n`);
  });

  it.each([
    [['--top-k', 'abc'], "option '--top-k <k>' argument 'abc' is invalid. expected a whole number"],
    [
      ['--max-tokens', '2.5'],
      "option '-n, --max-tokens <n>' argument '2.5' is invalid. expected a whole number",
    ],
    [
      ['--temperature', 'warm'],
      "option '-t, --temperature <t>' argument 'warm' is invalid. expected a number",
    ],
    [
      ['--strategy', 'nucleus'],
      "option '--strategy <name>' argument 'nucleus' is invalid. Allowed choices are greedy, sample, beam.",
    ],
  ])('refuses a malformed %j as a usage error', async (flags, message) => {
    const result = await runCli('generate', charModel, ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${message}`);
  });

  it('refuses a model whose task generates no text', async () => {
    const yelp = join(
      import.meta.dirname,
      '../../../../fixtures/datasets/sentiment-labelled-sentences/yelp_labelled.txt',
    );
    const data = join(root, 'yelp-80.txt');
    writeFileSync(data, `${readFileSync(yelp, 'utf8').split('\n').slice(0, 80).join('\n')}\n`);
    const classifier = join(root, 'classifier');
    const spec = join(import.meta.dirname, '../../test/fixtures/sentiment-small.json');
    const trained = await runCli(
      'train',
      spec,
      '--data',
      data,
      '--out',
      classifier,
      '--epochs',
      '1',
      '--threads',
      '1',
      '-b',
      'cpu',
    );
    expect(trained.code, trained.stderr).toBe(0);
    const result = await runCli('generate', classifier, '--prompt', 'good', '-b', 'cpu');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `recurrent: ${classifier} is a classification model: its task generates no text from a prompt\n`,
    );
  }, 60_000);

  it('documents the prompt and output rules in its help', async () => {
    const result = await runCli('generate', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'from a line break for a\ncharacter model, from <eos> for a word model',
    );
    expect(result.stdout).toContain('--max-tokens 0 prints nothing');
    expect(result.stdout).toContain(
      'a sampling flag\n(--temperature, --top-k, --top-p, --seed) chooses sampling',
    );
    expect(result.stdout).toContain('--allow-unknown');
  });
});

describe('recurrent eval on a generation model', () => {
  const evalText = text.slice(2000, 2600);
  const evalFile = join(root, 'eval.txt');
  writeFileSync(evalFile, evalText);

  /** Mean -ln p(next | everything before) read one token at a time, state carried (independent of eval's chunks). */
  async function tokenByToken(dir: string): Promise<{ loss: number; tokens: number }> {
    const model = await loadModel(dir, { backend: 'cpu' });
    const vocabulary = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).metadata.vocabulary
      .tokens as string[];
    const ids = [...evalText].map((ch) => vocabulary.indexOf(ch));
    expect(ids).not.toContain(-1);
    let states: Record<string, { h: tf.Tensor; c?: tf.Tensor }> | undefined;
    let nats = 0;
    for (let t = 0; t + 1 < ids.length; t++) {
      const out = model.forward(
        { tokens: tf.tensor2d([[ids[t] as number]], [1, 1], 'int32') },
        states ? { initialState: states } : {},
      );
      const logProbabilities = tf.logSoftmax(tf.reshape(out.output, [-1]));
      nats -= (await logProbabilities.data())[ids[t + 1] as number] as number;
      tf.dispose([out.output, logProbabilities]);
      if (states) tf.dispose(Object.values(states).flatMap((s) => (s.c ? [s.h, s.c] : [s.h])));
      states = out.states as typeof states;
    }
    if (states) tf.dispose(Object.values(states).flatMap((s) => (s.c ? [s.h, s.c] : [s.h])));
    model.dispose();
    return { loss: nats / (ids.length - 1), tokens: ids.length - 1 };
  }

  it('--json gives loss, bits per token, perplexity and tokens: the cross-entropy of the whole text as one stream', async () => {
    const result = await runCli('eval', charModel, '--data', evalFile, '--json', '-b', 'cpu');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual(['loss', 'bitsPerToken', 'perplexity', 'tokens', 'unknown']);
    const expected = await tokenByToken(charModel);
    expect(json.tokens).toBe(expected.tokens);
    expect(json.loss).toBeCloseTo(expected.loss, 4);
    expect(json.bitsPerToken).toBeCloseTo(json.loss / Math.LN2, 10);
    expect(json.perplexity).toBeCloseTo(Math.exp(json.loss), 8);
    expect(json.unknown).toBe(0);
  });

  it('prints loss in nats and bits per token, and perplexity', async () => {
    const json = JSON.parse(
      (await runCli('eval', charModel, '--data', evalFile, '--json', '-b', 'cpu')).stdout,
    );
    const result = await runCli('eval', charModel, '--data', evalFile, '-b', 'cpu');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${evalFile}: generation model evaluated on cpu\nloss ${json.loss.toFixed(4)} nats per token (${json.bitsPerToken.toFixed(4)} bits), perplexity ${json.perplexity.toFixed(3)}\n${json.tokens} tokens scored\n`,
    );
  });
});
