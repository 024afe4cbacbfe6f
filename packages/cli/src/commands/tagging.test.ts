// Tagging from the command line on slices of UD English-Atis (the repository's fixtures, CC BY-SA
// 4.0): train on CoNLL-U and on column files (the same sentences give the same weights either way),
// evaluate (accuracy as computed here from what `tag --conll` prints), and `recurrent tag`: the
// "token/TAG" lines, --json, stdin (in order, streamed, through the built command), --conll on
// CoNLL-U (only the tag field changes) and on column files (a predicted column appended), and the
// folders, files and flags it refuses with clear messages.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTask, saveTask } from '@recurrent/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

const bin = join(import.meta.dirname, '../../bin/recurrent.js');
const fixtures = join(import.meta.dirname, '../../test/fixtures');
const spec = join(fixtures, 'tiny-tagger.json');
const atis = join(import.meta.dirname, '../../../../fixtures/datasets/ud-english-atis');
const backend = ['--backend', 'wasm'];
const lines = (text: string) => text.split('\n').slice(0, -1);
const spawnCli = (args: string[], input: string) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input });

interface TaggedJson {
  tokens: string[];
  tags: string[];
  confidence?: number[];
  unknown: number;
  line?: number;
}

const root = mkdtempSync(join(tmpdir(), 'tagging-'));

/** The first `count` sentences of an Atis CoNLL-U file, as written there (comments included). */
function atisBlocks(file: string, count: number): string[] {
  const text = readFileSync(join(atis, file), 'utf8');
  return text.split(/\n\n/).slice(0, count);
}

interface Slice {
  conllu: string;
  /** "FORM UPOS" per token, space-separated. */
  columns: string;
  /** "ID<TAB>FORM<TAB>UPOS" per token (tokens in column 2). */
  idColumns: string;
  tokens: string[][];
  upos: string[][];
}

function writeSlice(name: string, file: string, count: number): Slice {
  const blocks = atisBlocks(file, count);
  const words = blocks.map((block) =>
    block
      .split('\n')
      .filter((line) => /^\d+\t/.test(line))
      .map((line) => line.split('\t')),
  );
  const slice: Slice = {
    conllu: join(root, `${name}.conllu`),
    columns: join(root, `${name}.txt`),
    idColumns: join(root, `${name}-ids.tsv`),
    tokens: words.map((w) => w.map((f) => f[1] as string)),
    upos: words.map((w) => w.map((f) => f[3] as string)),
  };
  writeFileSync(slice.conllu, `${blocks.join('\n\n')}\n\n`);
  const columnText = (row: (f: string[]) => string) =>
    words.map((w) => `${w.map(row).join('\n')}\n`).join('\n');
  writeFileSync(
    slice.columns,
    columnText((f) => `${f[1]} ${f[3]}`),
  );
  writeFileSync(
    slice.idColumns,
    columnText((f) => `${f[0]}\t${f[1]}\t${f[3]}`),
  );
  return slice;
}

const train = writeSlice('train', 'en_atis-ud-train.conllu', 300);
const dev = writeSlice('dev', 'en_atis-ud-dev.conllu', 60);
const model = join(root, 'upos');

async function tagJson(...args: string[]): Promise<TaggedJson[]> {
  const result = await runCli('tag', model, ...args, ...backend, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return lines(result.stdout).map((l) => JSON.parse(l) as TaggedJson);
}

describe('tagging from the CLI', () => {
  let trained: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    trained = await runCli(
      'train',
      spec,
      '--data',
      train.conllu,
      '--val',
      dev.conllu,
      '--out',
      model,
      '--threads',
      '1',
      ...backend,
    );
  }, 120_000);

  it('trains on CoNLL-U with --val, reporting validation accuracy each epoch', () => {
    expect(trained.code, trained.stderr).toBe(0);
    const tokens = train.tokens.flat().length;
    expect(trained.stdout).toContain(
      `data: 300 sentences (${tokens} tokens, tags from upos) for training (${train.conllu}) and 60 for validation (--val ${dev.conllu})`,
    );
    const epochs = [
      ...trained.stdout.matchAll(/^epoch (\d)\/4: .*validation accuracy (\d+\.\d\d)%/gm),
    ];
    expect(epochs.map((e) => Number(e[1]))).toEqual([1, 2, 3, 4]);
    expect(Number(epochs[3]?.[2])).toBeGreaterThan(60);
    const saved = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    expect(saved.metadata.task).toBe('tagging');
  });

  it('tags arguments as "token/TAG" lines, split at whitespace, one line per argument', async () => {
    const result = await runCli('tag', model, 'what is  restriction ap57', 'show me', ...backend);
    expect(result.code, result.stderr).toBe(0);
    const out = lines(result.stdout);
    expect(out).toHaveLength(2);
    const uposTags = new Set(train.upos.flat());
    expect(out.map((l) => l.split(' ').map((pair) => pair.split('/')[0]))).toEqual([
      ['what', 'is', 'restriction', 'ap57'],
      ['show', 'me'],
    ]);
    for (const pair of out.flatMap((l) => l.split(' '))) {
      expect(uposTags.has(pair.split('/')[1] as string), pair).toBe(true);
    }
    // The most frequent words of the slice are learnt.
    expect(out[1]).toBe('show/VERB me/PRON');
  });

  it('--json gives tokens, tags, the confidence of each tag and the unknown-token count', async () => {
    const objects = await tagJson('show me flights to Zzyzx', 'what is restriction ap57');
    const plain = await runCli(
      'tag',
      model,
      'show me flights to Zzyzx',
      'what is restriction ap57',
      ...backend,
    );
    expect(objects.map((o) => o.tokens.map((t, i) => `${t}/${o.tags[i]}`).join(' '))).toEqual(
      lines(plain.stdout),
    );
    for (const o of objects) {
      expect(Object.keys(o).sort()).toEqual(['confidence', 'tags', 'tokens', 'unknown']);
      expect(o.confidence).toHaveLength(o.tokens.length);
      for (const p of o.confidence ?? []) {
        expect(p).toBeGreaterThan(1 / 14);
        expect(p).toBeLessThanOrEqual(1);
      }
    }
    // "Zzyzx" is in no Atis sentence; the tokenizer lowercases, so "Flights" would be known.
    expect(objects[0]?.unknown).toBe(1);
  });

  it('tags stdin line by line, in order, as the same texts given as arguments', async () => {
    const inputs = ['what is restriction ap57', '', 'show me flights', 'what is restriction ap57'];
    const fromStdin = spawnCli(['tag', model, ...backend], `${inputs.join('\n')}\n`);
    expect(fromStdin.status, fromStdin.stderr).toBe(0);
    const fromArgs = await runCli('tag', model, ...inputs, ...backend);
    expect(fromArgs.code, fromArgs.stderr).toBe(0);
    expect(lines(fromArgs.stdout)).toHaveLength(4);
    expect(lines(fromArgs.stdout)[1]).toBe('');
    expect(fromStdin.stdout).toBe(fromArgs.stdout);
  }, 60_000);

  it('streams: prints a line’s tags before the next line comes', async () => {
    const child = spawn(process.execPath, [bin, 'tag', model, ...backend], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const linesOut = async (count: number) => {
      while (lines(out).length < count && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return lines(out);
    };
    child.stdin.write('show me flights\n');
    expect(await linesOut(1)).toHaveLength(1); // stdin is still open
    child.stdin.write('what is restriction ap57\n');
    const both = await linesOut(2);
    child.stdin.end();
    expect(await exited).toBe(0);
    const fromArgs = await runCli(
      'tag',
      model,
      'show me flights',
      'what is restriction ap57',
      ...backend,
    );
    expect(both).toEqual(lines(fromArgs.stdout));
  }, 60_000);

  it('--conll on CoNLL-U replaces the UPOS field only; the tags are those of the tokens given as text', async () => {
    const result = await runCli('tag', model, '--conll', dev.conllu, ...backend);
    expect(result.code, result.stderr).toBe(0);
    const before = readFileSync(dev.conllu, 'utf8').split('\n');
    const after = result.stdout.split('\n');
    expect(after).toHaveLength(before.length);
    const predicted: string[] = [];
    for (const [i, line] of before.entries()) {
      if (!/^\d+\t/.test(line)) {
        expect(after[i]).toBe(line);
        continue;
      }
      const a = line.split('\t');
      const b = (after[i] as string).split('\t');
      predicted.push(b[3] as string);
      a.splice(3, 1);
      b.splice(3, 1);
      expect(b).toEqual(a);
    }
    const asText = await tagJson(...dev.tokens.map((t) => t.join(' ')));
    expect(predicted).toEqual(asText.flatMap((o) => o.tags));
    // --json on the file: the same tags, with each sentence's line.
    const json = await tagJson('--conll', dev.conllu);
    expect(json.map((o) => o.tags)).toEqual(asText.map((o) => o.tags));
    expect(json[0]?.line).toBe(4);
  }, 60_000);

  it('evaluates CoNLL-U: the accuracy of the tags `tag --conll` writes, per-tag scores, --json', async () => {
    const tagged = (await tagJson('--conll', dev.conllu)).map((o) => o.tags);
    const gold = dev.upos;
    let right = 0;
    gold.forEach((tags, i) => {
      tags.forEach((tag, j) => {
        if (tagged[i]?.[j] === tag) right++;
      });
    });
    const tokens = gold.flat().length;
    const result = await runCli('eval', model, '--data', dev.conllu, ...backend);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${dev.conllu}: tagging model evaluated on wasm\n`);
    expect(result.stdout).toContain(
      `accuracy ${((100 * right) / tokens).toFixed(2)}% on ${tokens} tokens (60 sentences)`,
    );
    const json = JSON.parse(
      (await runCli('eval', model, '--data', dev.conllu, ...backend, '--json')).stdout,
    );
    expect(json.accuracy).toBeCloseTo(right / tokens, 12);
    expect(json.tokens).toBe(tokens);
    expect(json.perTag.NOUN.support).toBe(gold.flat().filter((t) => t === 'NOUN').length);
  }, 60_000);

  it('--conll on a column file appends the predicted tags as a last column', async () => {
    const result = await runCli('tag', model, '--conll', dev.columns, ...backend);
    expect(result.code, result.stderr).toBe(0);
    const before = lines(readFileSync(dev.columns, 'utf8'));
    const after = lines(result.stdout);
    expect(after).toHaveLength(before.length);
    const predicted = (await tagJson('--conll', dev.conllu)).flatMap((o) => o.tags);
    let k = 0;
    for (const [i, line] of before.entries()) {
      if (line === '') {
        expect(after[i]).toBe('');
        continue;
      }
      expect(after[i]).toBe(`${line} ${predicted[k++]}`);
    }
    expect(k).toBe(predicted.length);
    // --token-column reads the tokens from another column: the same tags.
    const ids = await runCli(
      'tag',
      model,
      '--conll',
      dev.idColumns,
      '--token-column',
      '2',
      ...backend,
    );
    expect(ids.code, ids.stderr).toBe(0);
    expect(
      lines(ids.stdout)
        .filter((l) => l !== '')
        .map((l) => l.split('\t')[3]),
    ).toEqual(predicted);
  }, 60_000);

  it('trains on a column file (--token-column, --tag-column) to the weights CoNLL-U gives; evaluates it', async () => {
    const columnsModel = join(root, 'columns');
    const result = await runCli(
      'train',
      spec,
      '--data',
      train.idColumns,
      '--val',
      dev.idColumns,
      '--token-column',
      '2',
      '--tag-column',
      '3',
      '--out',
      columnsModel,
      '--threads',
      '1',
      ...backend,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('tags from column 3');
    const weights = (dir: string) => readFileSync(join(dir, 'weights.safetensors'));
    expect(weights(columnsModel).equals(weights(model))).toBe(true);
    const evaluation = JSON.parse(
      (
        await runCli(
          'eval',
          columnsModel,
          '--data',
          dev.idColumns,
          '--token-column',
          '2',
          ...backend,
          '--json',
        )
      ).stdout,
    );
    const reference = JSON.parse(
      (await runCli('eval', model, '--data', dev.conllu, ...backend, '--json')).stdout,
    );
    expect(evaluation.accuracy).toBe(reference.accuracy);
    // The model remembers its token column: eval and tag --conll without --token-column read column 2.
    expect(
      JSON.parse(readFileSync(join(columnsModel, 'model.json'), 'utf8')).metadata,
    ).toMatchObject({ column: 'column 3', tokenColumn: 2 });
    const byModel = await runCli(
      'eval',
      columnsModel,
      '--data',
      dev.idColumns,
      ...backend,
      '--json',
    );
    expect(byModel.code, byModel.stderr).toBe(0);
    expect(JSON.parse(byModel.stdout).accuracy).toBe(reference.accuracy);
    const tagged = await runCli(
      'tag',
      columnsModel,
      '--conll',
      dev.idColumns,
      ...backend,
      '--json',
    );
    expect(tagged.code, tagged.stderr).toBe(0);
    const taggedJsons = lines(tagged.stdout).map((l) => JSON.parse(l) as TaggedJson);
    expect(taggedJsons.map((o) => o.tokens)).toEqual(dev.tokens);
    const fromForms = (await tagJson('--conll', dev.conllu)).map((o) => o.tags);
    expect(taggedJsons.map((o) => o.tags)).toEqual(fromForms);
    const appended = await runCli('tag', columnsModel, '--conll', dev.idColumns, ...backend);
    expect(appended.code, appended.stderr).toBe(0);
    expect(
      lines(appended.stdout)
        .filter((l) => l !== '')
        .map((l) => l.split('\t')[3]),
    ).toEqual(fromForms.flat());
    // A CoNLL-U file for a model trained on a column: the field to write must be named.
    const refused = await runCli('tag', columnsModel, '--conll', dev.conllu, ...backend);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `recurrent: ${dev.conllu} is CoNLL-U and the model's tags come from column 3: give --tag-column upos or xpos for the field to write\n`,
    );
    const xpos = await runCli(
      'tag',
      columnsModel,
      '--conll',
      dev.conllu,
      '--tag-column',
      'xpos',
      ...backend,
    );
    expect(xpos.code, xpos.stderr).toBe(0);
    const predicted = (await tagJson('--conll', dev.conllu)).flatMap((o) => o.tags);
    expect(
      lines(xpos.stdout)
        .filter((l) => /^\d+\t/.test(l))
        .map((l) => l.split('\t')[4]),
    ).toEqual(predicted);
  }, 120_000);

  it.each([
    [['--tag-column', 'upos', 'show me'], 'recurrent: --tag-column applies to --conll <file>\n'],
    [['--token-column', '2', 'show me'], 'recurrent: --token-column applies to --conll <file>\n'],
    [['show me', '--conll', 'x.conllu'], 'recurrent: give texts or --conll <file>, not both\n'],
    [
      ['--conll', 'x.conllu', '--json', '--tag-column', 'upos'],
      'recurrent: --tag-column chooses the CoNLL-U field to write; --json writes no file\n',
    ],
  ])('refuses flags that do not go together: %j', async (args, message) => {
    const result = await runCli('tag', model, ...args, ...backend);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(message);
  });

  it('refuses files it cannot read, naming the file, the line and the flag', async () => {
    const missing = join(root, 'missing.conllu');
    const absent = await runCli('tag', model, '--conll', missing, ...backend);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(
      new RegExp(`^recurrent: ${missing}: cannot read the file \\(ENOENT`),
    );
    const ragged = join(root, 'ragged.txt');
    writeFileSync(ragged, 'show VERB\nme\n');
    const bad = await runCli('tag', model, '--conll', ragged, ...backend);
    expect(bad.stderr).toBe(
      `recurrent: ${ragged}:2: 1 column where the file's first token line (line 1) has 2\n`,
    );
    const wrongFlag = await runCli(
      'tag',
      model,
      '--conll',
      dev.columns,
      '--tag-column',
      'upos',
      ...backend,
    );
    expect(wrongFlag.stderr).toBe(
      `recurrent: --tag-column: ${dev.columns} is a column file, which gets the tags as a new last column; the option is for CoNLL-U\n`,
    );
    const tokenFlag = await runCli(
      'tag',
      model,
      '--conll',
      dev.conllu,
      '--token-column',
      '2',
      ...backend,
    );
    expect(tokenFlag.stderr).toBe(
      `recurrent: ${dev.conllu}: a token column applies to column files; CoNLL-U tokens are its FORM field\n`,
    );
  });

  it('says a model folder that is not a tagger needs one', async () => {
    const generation = join(root, 'generation');
    const charSpec = JSON.parse(readFileSync(join(fixtures, 'tiny-char.json'), 'utf8'));
    const task = await createTask(
      { ...charSpec, training: { ...charSpec.training, epochs: 1 } },
      { task: 'generation', backend: 'cpu' },
    );
    await task.train('to be or not to be, that is the question. '.repeat(20));
    await saveTask(task, generation);
    task.dispose();
    const result = await runCli('tag', generation, 'show me', ...backend);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `recurrent: ${generation} is a generation model: recurrent tag needs a tagging model\n`,
    );
  }, 60_000);
});
