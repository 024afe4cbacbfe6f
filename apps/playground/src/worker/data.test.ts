// The worker's data readers on the bundled files: what they read (counts and values checked
// against the files themselves), and that they read and split exactly as `recurrent train` does
// (each task's `/node` reader, which the browser cannot import, run here on the same file).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ModelSpec, parseSpec } from '@recurrent/core';
import { classificationNode } from '@recurrent/task-classification/node';
import { forecastingNode } from '@recurrent/task-forecasting/node';
import { generationNodeSupport } from '@recurrent/task-generation/node';
import { taggingNode } from '@recurrent/task-tagging/node';
import { translationNode } from '@recurrent/task-translation/node';
import { describe, expect, it } from 'vitest';
import { readSeries, readTrainingData } from './data.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '../../public/data');
const specsDir = join(here, '../../../../specs/examples');

interface IndexEntry {
  id: string;
  task: string;
  file: string;
  format: string;
  licence: string;
}
const index = JSON.parse(readFileSync(join(dataDir, 'index.json'), 'utf8')) as IndexEntry[];
const entry = (task: string) => index.find((e) => e.task === task) as IndexEntry;
const text = (task: string) => readFileSync(join(dataDir, entry(task).file), 'utf8');
const pathOf = (task: string) => join(dataDir, entry(task).file);

function spec(file: string): ModelSpec {
  const result = parseSpec(readFileSync(join(specsDir, file), 'utf8'));
  if (!result.ok) throw new Error(`${file}: ${JSON.stringify(result.errors)}`);
  return result.spec;
}

describe('the bundled data index', () => {
  it('lists one dataset per task, each file present, with a licence line', () => {
    expect(index.map((e) => e.task).sort()).toEqual([
      'classification',
      'forecasting',
      'generation',
      'tagging',
      'translation',
    ]);
    for (const e of index) {
      expect(e.licence.length).toBeGreaterThan(10);
      expect(readFileSync(join(dataDir, e.file)).length).toBeGreaterThan(1000);
    }
  });
});

describe('classification: the UCI sentences', () => {
  const s = spec('sentiment-small.json');
  const data = readTrainingData(s, text('classification'), 'uci-sentiment');

  it('reads every line as sentence<TAB>label and holds out a seeded tenth', () => {
    const lines = text('classification')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines).toHaveLength(3000);
    const train = data.train as { texts: string[]; labels: string[] };
    const validation = data.validation as { texts: string[]; labels: string[] };
    expect(train.texts.length + validation.texts.length).toBe(3000);
    expect(validation.texts).toHaveLength(300);
    expect(new Set([...train.labels, ...validation.labels])).toEqual(new Set(['0', '1']));
    // The first line of the file: "So there is no way for me to plug it in here in the US
    // unless I go by a converter.<TAB>0".
    const first = lines[0] as string;
    const at = [...train.texts, ...validation.texts].indexOf(
      first.slice(0, first.lastIndexOf('\t')),
    );
    expect(at).toBeGreaterThanOrEqual(0);
  });

  it('splits as recurrent train does', async () => {
    const cli = await classificationNode.readTrainingData(pathOf('classification'), {}, s);
    expect(data.train).toEqual(cli.train);
    expect(data.validation).toEqual(cli.validation);
  });
});

describe('generation: Tiny Shakespeare', () => {
  it('trains on the whole text, as recurrent train does (the task holds out its last tokens)', async () => {
    const s = spec('shakespeare-char-lstm.json');
    const data = readTrainingData(s, text('generation'), 'tiny-shakespeare');
    expect(data.train).toBe(text('generation'));
    expect(data.train).toMatch(/^First Citizen:\n/);
    expect(data.validation).toBeUndefined();
    const cli = await generationNodeSupport.readTrainingData(pathOf('generation'), {}, s);
    expect(cli.train).toBe(data.train);
    expect(cli.validation).toBeUndefined();
  });

  it('refuses an empty text by name', () => {
    expect(() => readTrainingData(spec('shakespeare-char-lstm.json'), ' \n', 'empty.txt')).toThrow(
      /empty\.txt.*empty/,
    );
  });
});

describe('translation: Tatoeba eng-fra', () => {
  const s = spec('eng-fra-bahdanau.json');
  const data = readTrainingData(s, text('translation'), 'tatoeba-eng-fra');

  it('reads 300 pairs and keeps each source sentence on one side', () => {
    const train = data.train as { source: string; target: string }[];
    const validation = data.validation as { source: string; target: string }[];
    expect(train.length + validation.length).toBe(300);
    expect(validation.length).toBeGreaterThan(0);
    expect([...train, ...validation]).toContainEqual({ source: 'Go.', target: 'Va !' });
    const trainSources = new Set(train.map((p) => p.source.toLowerCase()));
    for (const p of validation) expect(trainSources.has(p.source.toLowerCase())).toBe(false);
  });

  it('splits as recurrent train does', async () => {
    const cli = await translationNode.readTrainingData(pathOf('translation'), {}, s);
    expect(data.train).toEqual(cli.train);
    expect(data.validation).toEqual(cli.validation);
  });
});

describe('tagging: UD Atis', () => {
  const s = spec('pos-bilstm.json');
  const data = readTrainingData(s, text('tagging'), 'ud-english-atis');

  it('reads 700 sentences of UPOS tags and holds out a seeded tenth', () => {
    const train = data.train as { tokens: string[][]; tags: string[][]; column?: string };
    const validation = data.validation as unknown as { tokens: string[][] };
    const blocks = text('tagging')
      .split('\n\n')
      .filter((b) => b.trim() !== '');
    expect(blocks).toHaveLength(700);
    expect(train.tokens.length + validation.tokens.length).toBe(700);
    expect(validation.tokens).toHaveLength(70);
    expect(train.column).toBe('upos');
    const tags = new Set(train.tags.flat());
    for (const tag of ['NOUN', 'ADP', 'PROPN', 'VERB']) expect(tags.has(tag)).toBe(true);
    for (const [i, tokens] of train.tokens.entries()) {
      expect(train.tags[i]).toHaveLength(tokens.length);
    }
  });

  it('splits as recurrent train does', async () => {
    const cli = await taggingNode.readTrainingData(pathOf('tagging'), {}, s);
    const strip = (d: unknown) => {
      const { source: _s, lines: _l, ...rest } = d as Record<string, unknown>;
      return rest;
    };
    // The sentences, tags and columns are the CLI's; only the name of the source differs.
    expect(strip(data.train)).toEqual(strip(cli.train));
    expect(strip(data.validation)).toEqual(strip(cli.validation));
  });
});

describe('forecasting: airline passengers', () => {
  const s = spec('forecasting-airline-lstm.json');
  const data = readTrainingData(s, text('forecasting'), 'airline-passengers');

  it('reads 144 months (CRLF) and validates on the last tenth, with the rows before as history', () => {
    type Series = {
      columns: Record<string, ArrayLike<number>>;
      dates?: string[];
      targetsFrom?: number;
    };
    const train = data.train as Series;
    const validation = data.validation as Series;
    const passengers = train.columns.Passengers as ArrayLike<number>;
    // 144 rows; the default validation part is round(144 / 10) = 14 rows (at least horizon + 1).
    const horizon = s.forecasting?.horizon ?? 1;
    const held = Math.max(14, horizon + 1);
    expect(passengers.length).toBe(144 - held);
    expect(passengers[0]).toBe(112); // "1949-01",112
    expect(train.dates?.[0]).toBe('1949-01');
    expect((validation.columns.Passengers as ArrayLike<number>).length).toBe(144);
    expect(validation.targetsFrom).toBe(144 - held);
    expect(validation.dates?.[143]).toBe('1960-12');
    expect((validation.columns.Passengers as ArrayLike<number>)[143]).toBe(432); // "1960-12",432
  });

  it('splits as recurrent train does', async () => {
    const cli = await forecastingNode.readTrainingData(pathOf('forecasting'), {}, s);
    const strip = (d: unknown) => {
      const { source: _s, ...rest } = d as Record<string, unknown>;
      return rest;
    };
    expect(strip(data.train)).toEqual(strip(cli.train));
    expect(strip(data.validation)).toEqual(strip(cli.validation));
  });

  it('reads a series for a forecast the same way', () => {
    const series = readSeries(text('forecasting'), 'airline');
    expect(Object.keys(series.columns)).toEqual(['Passengers']);
    expect(series.dates).toHaveLength(144);
  });
});
