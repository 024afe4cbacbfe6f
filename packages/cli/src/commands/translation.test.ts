// Translation from the command line on real data (the repository's Tatoeba and Multi30k slices),
// in this process (runCli) except where stdin is read (child processes of the built command):
// train from tab-separated pairs and from parallel files (the same pairs either way give the same
// weights), evaluate (BLEU, against BLEU computed here from the translations `translate` prints),
// translate from arguments and from stdin (in order, streamed), the JSON shape, the attention
// heatmap, beam search's n-best, and the flags and files refused with clear messages.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusBleu, readSafetensors } from '@recurrent/core';
import { createTask, saveTask } from '@recurrent/core/node';
import { createTokenizer } from '@recurrent/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';
import { attentionHeatmap } from '../translate/attention-heatmap.js';

const bin = join(import.meta.dirname, '../../bin/recurrent.js');
const fixtures = join(import.meta.dirname, '../../test/fixtures');
const spec = join(fixtures, 'tiny-translation.json');
const datasets = join(import.meta.dirname, '../../../../fixtures/datasets');
const tatoeba = join(datasets, 'tatoeba-eng-fra/eng-fra-every15.txt');
const multi30k = (file: string) => join(datasets, 'multi30k', file);
const backend = ['--backend', 'wasm'];
/** The built command in a child process, for what reads stdin. */
const spawnCli = (args: string[], input: string) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input });
const lines = (text: string) => text.split('\n').slice(0, -1);

interface Hypothesis {
  translation: string;
  tokens: string[];
  score: number;
  logProbability: number;
  stoppedBy: string;
}
interface TranslationJson extends Hypothesis {
  source: string;
  nBest: Hypothesis[];
  attention: { sourceTokens: string[]; outputTokens: string[]; weights: number[][] };
}

async function translateJson(...args: string[]): Promise<TranslationJson[]> {
  const result = await runCli('translate', ...args, ...backend, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return lines(result.stdout).map((l) => JSON.parse(l) as TranslationJson);
}

const root = mkdtempSync(join(tmpdir(), 'translation-'));
const model = join(root, 'tatoeba');

/** Lines `from`..`to` of the Multi30k slice (German to English) as a TSV. */
function multi30kTsv(name: string): string {
  const de = lines(readFileSync(multi30k(`${name}.de`), 'utf8'));
  const en = lines(readFileSync(multi30k(`${name}.en`), 'utf8'));
  const path = join(root, `${name}.de-en.tsv`);
  writeFileSync(path, de.map((line, i) => `${line}\t${en[i]}\n`).join(''));
  return path;
}

describe('translation from the CLI', () => {
  let trained: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    trained = await runCli(
      'train',
      spec,
      '--data',
      tatoeba,
      '--out',
      model,
      '--threads',
      '1',
      ...backend,
    );
  }, 120_000);

  it('trains on tab-separated pairs (the attribution column ignored), validating with BLEU', () => {
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toContain('data: 270 training and 30 validation pairs');
    const epochs = [
      ...trained.stdout.matchAll(
        /^epoch (\d)\/3: loss (\d+\.\d{4}), validation loss \d+\.\d{4}, validation BLEU \d+\.\d\d/gm,
      ),
    ];
    expect(epochs.map((e) => Number(e[1]))).toEqual([1, 2, 3]);
    // It learns: the training loss falls from the first epoch to the last.
    expect(Number(epochs[2]?.[2])).toBeLessThan(Number(epochs[0]?.[2]));
    expect(trained.stdout).toMatch(/^validation: BLEU \d+\.\d\d \(greedy; /m);
    const saved = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    expect(saved.metadata.task).toBe('translation');
  });

  it('inspect shows both vocabularies, the sizes of the embedding and output layers', async () => {
    const result = await runCli('inspect', model, ...backend);
    expect(result.code, result.stderr).toBe(0);
    const source = Number(result.stdout.match(/^Source vocabulary: (\d+) entries$/m)?.[1]);
    const target = Number(result.stdout.match(/^Target vocabulary: (\d+) entries$/m)?.[1]);
    const params = (layer: string) =>
      Number(
        result.stdout
          .match(new RegExp(`^${layer.replace('.', '\\.')} .* ([\\d,]+)$`, 'm'))?.[1]
          ?.replaceAll(',', ''),
      );
    // Embeddings of 16 per source word; the output projection from 24 to every target word.
    expect(params('encoder.embedding')).toBe(16 * source);
    expect(params('decoder.out')).toBe(25 * target);
    expect(result.stdout).toMatch(/^Metrics: bleu \d+\.\d{4}, .*pairs 30(, |$)/m);
  });

  it('trains on parallel files to the weights the same pairs give as a TSV', async () => {
    const common = ['--epochs', '1', '--threads', '1', ...backend];
    const parallel = join(root, 'parallel');
    const fromFiles = await runCli(
      'train',
      spec,
      '--source',
      multi30k('train-head-300.de'),
      '--target',
      multi30k('train-head-300.en'),
      '--val-source',
      multi30k('val-head-100.de'),
      '--val-target',
      multi30k('val-head-100.en'),
      '--out',
      parallel,
      ...common,
    );
    expect(fromFiles.code, fromFiles.stderr).toBe(0);
    expect(fromFiles.stdout).toContain('data: 300 training pairs');
    const tsv = join(root, 'tsv');
    const fromTsv = await runCli(
      'train',
      spec,
      '--data',
      multi30kTsv('train-head-300'),
      '--val',
      multi30kTsv('val-head-100'),
      '--out',
      tsv,
      ...common,
    );
    expect(fromTsv.code, fromTsv.stderr).toBe(0);
    const weights = (dir: string) => readFileSync(join(dir, 'weights.safetensors'));
    expect(readSafetensors(weights(parallel)).names().length).toBeGreaterThan(5);
    expect(weights(parallel).equals(weights(tsv))).toBe(true);
  }, 120_000);

  it('evaluates: BLEU as computed here from the greedy translations, accuracy, perplexity', async () => {
    const pairs = lines(readFileSync(tatoeba, 'utf8'))
      .slice(0, 40)
      .map((l) => l.split('\t') as [string, string]);
    const data = join(root, 'eval.tsv');
    writeFileSync(data, pairs.map(([source, target]) => `${source}\t${target}\n`).join(''));
    const result = await runCli('eval', model, '--data', data, ...backend);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${data}: translation model evaluated on wasm\n`);
    expect(result.stdout).toMatch(/^BLEU \d+\.\d\d \(greedy; /m);
    const json = JSON.parse(
      (await runCli('eval', model, '--data', data, ...backend, '--json')).stdout,
    );
    expect(json).toMatchObject({ pairs: 40, strategy: 'greedy' });
    expect(json.tokenAccuracy).toBeGreaterThan(0);
    expect(json.perplexity).toBeCloseTo(Math.exp(json.loss), 6);
    // The same sentences translated one by one, scored with core's sacrebleu against the
    // references as the target tokenizer reads them.
    const translated = await translateJson(model, ...pairs.map(([source]) => source));
    const target = createTokenizer(JSON.parse(readFileSync(spec, 'utf8')).target.tokenizer);
    const bleu = corpusBleu(
      translated.map((t) => t.tokens.join(' ')),
      [pairs.map(([, reference]) => target.tokenize(reference).join(' '))],
    );
    expect(json.bleu).toBeCloseTo(bleu.score, 6);
    expect(json.bleuDetails.hypothesisLength).toBe(bleu.hypothesisLength);
  }, 60_000);

  it('evaluates parallel files, and with beam search (--beam)', async () => {
    const result = await runCli(
      'eval',
      model,
      '--source',
      multi30k('val-head-100.en'),
      '--target',
      multi30k('val-head-100.fr'),
      '--beam',
      '3',
      ...backend,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `--source ${multi30k('val-head-100.en')} --target ${multi30k('val-head-100.fr')}: translation model evaluated on wasm\n`,
    );
    expect(result.stdout).toMatch(/^BLEU \d+\.\d\d \(beam search, width 3; /m);
    expect(result.stdout).toMatch(/^100 pairs; /m);
  }, 60_000);

  it('translates stdin line by line, in order, as the same texts given as arguments', async () => {
    const inputs = ['Go!', 'Tom is alone.', '', 'I am here.', 'Go!'];
    const fromStdin = spawnCli(['translate', model, ...backend], `${inputs.join('\n')}\n`);
    expect(fromStdin.status, fromStdin.stderr).toBe(0);
    const fromArgs = await runCli('translate', model, ...inputs, ...backend);
    expect(fromArgs.code, fromArgs.stderr).toBe(0);
    expect(lines(fromArgs.stdout)).toHaveLength(5);
    expect(fromStdin.stdout).toBe(fromArgs.stdout);
  }, 60_000);

  it('streams: prints a line’s translation before the next line comes', async () => {
    const child = spawn(process.execPath, [bin, 'translate', model, ...backend], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    /** Resolves when stdout has `count` lines (or the child exits first). */
    const linesOut = async (count: number) => {
      while (lines(out).length < count && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return lines(out);
    };
    child.stdin.write('Tom is alone.\n');
    const first = await linesOut(1); // stdin is still open
    expect(first).toHaveLength(1);
    child.stdin.write('Go!\n');
    const both = await linesOut(2);
    child.stdin.end();
    expect(await exited).toBe(0);
    const fromArgs = await runCli('translate', model, 'Tom is alone.', 'Go!', ...backend);
    expect(both).toEqual(lines(fromArgs.stdout));
  }, 60_000);

  it('--json gives one object per line: translation, scores, n-best, attention over the source', async () => {
    const objects = await translateJson(model, 'Tom is alone.', 'Go!');
    expect(objects.map((o) => o.source)).toEqual(['Tom is alone.', 'Go!']);
    for (const o of objects) {
      expect(Object.keys(o).sort()).toEqual(
        [
          'attention',
          'logProbability',
          'nBest',
          'score',
          'source',
          'stoppedBy',
          'tokens',
          'translation',
        ].sort(),
      );
      expect(o.translation).toBe(o.tokens.join(' '));
      expect(o.nBest).toEqual([
        {
          translation: o.translation,
          tokens: o.tokens,
          score: o.score,
          logProbability: o.logProbability,
          stoppedBy: o.stoppedBy,
        },
      ]);
      expect(o.attention.outputTokens).toEqual(
        o.stoppedBy === 'end' ? [...o.tokens, '<eos>'] : o.tokens,
      );
      expect(o.attention.weights).toHaveLength(o.attention.outputTokens.length);
      for (const row of o.attention.weights) {
        expect(row).toHaveLength(o.attention.sourceTokens.length);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    }
    expect(objects.map((o) => o.attention.sourceTokens)).toEqual([
      ['tom', 'is', 'alone', '.', '<eos>'],
      ['go', '!', '<eos>'],
    ]);
  });

  it('beam search: --n-best lists the best hypotheses by score; width 1 is greedy', async () => {
    const sentence = 'I am here.';
    const [beam] = (await translateJson(model, sentence, '--beam', '4', '--n-best', '3')) as [
      TranslationJson,
    ];
    expect(beam.nBest).toHaveLength(3);
    expect(beam.nBest[0]).toMatchObject({ translation: beam.translation, score: beam.score });
    const scores = beam.nBest.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const [one] = await translateJson(model, sentence, '--beam', '1');
    const [greedy] = await translateJson(model, sentence);
    expect(one?.translation).toBe(greedy?.translation);
    const plain = await runCli(
      'translate',
      model,
      sentence,
      ...backend,
      '--beam',
      '4',
      '--n-best',
      '3',
    );
    expect(lines(plain.stdout)).toEqual([
      ...beam.nBest.map((h, i) => `${i + 1}\t${h.score.toFixed(4)}\t${h.translation}`),
      '',
    ]);
  });

  it('--show-attention prints the heatmap of the attention after each translation', async () => {
    const sentences = ['Tom is alone.', 'Go!'];
    const json = await translateJson(model, ...sentences);
    const result = await runCli('translate', model, ...sentences, ...backend, '--show-attention');
    expect(result.code, result.stderr).toBe(0);
    const maps = json.map((t) => attentionHeatmap(t.attention));
    expect(lines(result.stdout)).toEqual([
      json[0]?.translation,
      ...(maps[0] as string[]),
      '',
      'weights: ░ ≥ 0.125  ▒ ≥ 0.375  ▓ ≥ 0.625  █ ≥ 0.875',
      '',
      json[1]?.translation,
      ...(maps[1] as string[]),
      '',
    ]);
    // Each source token heads a column; each output token (and <eos>) is a row.
    for (const token of ['tom', 'is', 'alone', '.', '<eos>']) {
      expect(maps[0]?.some((line) => line.includes(token))).toBe(true);
    }
    const rows = json[0]?.attention.outputTokens ?? [];
    expect(maps[0]?.slice(-rows.length).map((l) => l.split(' ')[0])).toEqual(rows);
  });

  it('--max-length caps the translation (the end token counted)', async () => {
    const [capped] = await translateJson(model, 'Tom is alone.', '--max-length', '2');
    expect(capped?.tokens.length).toBeLessThanOrEqual(2);
    expect(
      (capped?.tokens.length ?? 0) + (capped?.stoppedBy === 'end' ? 1 : 0),
    ).toBeLessThanOrEqual(2);
  });

  it.each([
    [['--n-best', '2'], '--n-best applies to beam search: give --beam <width> with it'],
    [
      ['--length-penalty', '0.6'],
      '--length-penalty applies to beam search: give --beam <width> with it',
    ],
    [
      ['--beam', '2', '--n-best', '3'],
      '--n-best 3 is more than --beam 2: beam search keeps 2 hypotheses',
    ],
    [['--beam', '2', '--length-penalty', '-1'], '--length-penalty must be a number, 0 or more'],
  ])('refuses %j with a clear message', async (flags, message) => {
    const result = await runCli('translate', model, 'Go!', ...backend, ...flags);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it.each([
    [
      ['--beam', '0'],
      "option '--beam <width>' argument '0' is invalid. expected a positive integer",
    ],
    [['--max-length', 'x'], "option '--max-length <n>' argument 'x' is invalid"],
    [['--length-penalty', 'x'], "option '--length-penalty <a>' argument 'x' is invalid"],
  ])('refuses %j as a usage error', async (flags, message) => {
    const result = await runCli('translate', model, 'Go!', ...backend, ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('translation: what is refused', () => {
  const other = join(root, 'generation');
  beforeAll(async () => {
    const charSpec = JSON.parse(readFileSync(join(fixtures, 'tiny-char.json'), 'utf8'));
    const task = await createTask(
      { ...charSpec, training: { ...charSpec.training, epochs: 1 } },
      { task: 'generation', backend: 'cpu' },
    );
    await task.train('to be or not to be, that is the question. '.repeat(20));
    await saveTask(task, other);
    task.dispose();
  }, 60_000);

  it('a model of another task, naming its task', async () => {
    const result = await runCli('translate', other, 'hello', ...backend);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `recurrent: ${other} is a generation model: recurrent translate needs a translation model\n`,
    );
  });

  it('training without data, saying what the task reads', async () => {
    const result = await runCli('train', spec, '--out', join(root, 'none'), ...backend);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^recurrent: --data <file> is required: the translation task reads tab-separated sentence pairs .*, or --source and --target\n$/,
    );
  });

  it.each([
    ['generation', join(fixtures, 'tiny-char.json'), '--source'],
    ['classification', join(fixtures, 'sentiment-small.json'), '--val-source'],
  ])('translation options for the %s task, by name', async (task, taskSpec, flag) => {
    const result = await runCli(
      'train',
      taskSpec,
      '--data',
      tatoeba,
      flag,
      tatoeba,
      '--out',
      join(root, 'x'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`recurrent: ${flag} is not used by the ${task} task`);
  });

  it('eval --beam that is no width, naming the flag', async () => {
    const result = await runCli('eval', model, '--data', tatoeba, '--beam', '0', ...backend);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'recurrent: --beam 0: expected a whole number of beams, 1 or more\n',
    );
  });

  it('--beam for eval of another task, by name', async () => {
    const result = await runCli('eval', other, '--data', tatoeba, '--beam', '2', ...backend);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('recurrent: --beam is not used by the generation task');
  });

  it.each([
    [
      'a line without a tab',
      () => {
        const path = join(root, 'no-tab.tsv');
        writeFileSync(path, 'Go.\tVa !\nHello there\nRun.\tCours !\n');
        return ['--data', path];
      },
      /no-tab\.tsv:2: no tab: each line is source<TAB>target/,
    ],
    [
      'a non-UTF-8 file',
      () => {
        const path = join(root, 'latin1.tsv');
        writeFileSync(
          path,
          Buffer.concat([Buffer.from('Go.\tVa !\nCoffee.\tCaf'), Buffer.from([0xe9, 0x0a])]),
        );
        return ['--data', path];
      },
      /latin1\.tsv:2: invalid UTF-8/,
    ],
    [
      'parallel files of different lengths',
      () => {
        const source = join(root, 'short.en');
        writeFileSync(source, 'Go.\nRun.\n');
        return ['--source', source, '--target', multi30k('val-head-100.fr')];
      },
      /short\.en: 2 lines, but .*val-head-100\.fr has 100/,
    ],
    [
      'an empty line in a parallel file',
      () => {
        const source = join(root, 'gap.en');
        writeFileSync(source, 'Go.\n\nRun.\n');
        const target = join(root, 'gap.fr');
        writeFileSync(target, 'Va !\nSalut !\nCours !\n');
        return ['--source', source, '--target', target];
      },
      /gap\.en:2: an empty line/,
    ],
    [
      'a missing file',
      () => ['--data', join(root, 'nowhere.tsv')],
      /nowhere\.tsv: cannot read the file/,
    ],
  ])('an unreadable file (%s), naming the file and line', async (_name, args, message) => {
    const result = await runCli('eval', model, ...args(), ...backend);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
