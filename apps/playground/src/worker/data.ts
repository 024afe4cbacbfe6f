// A task's training and validation data from a file's text, read and split as `recurrent train`
// reads and splits a file of that task (each task package's `/node` readTrainingData, copied here
// because `/node` entries read files with node:fs and cannot load in a browser worker).
import type { ModelSpec } from '@recurrent/core';
import {
  createTokenizer,
  DataError,
  parseDelimited,
  parseLabelledTexts,
  parseSeriesCsv,
  parseTaggedText,
} from '@recurrent/data';
import { type LabelledTexts, validationSplit } from '@recurrent/task-classification';
import { splitSeries, type TimeSeries } from '@recurrent/task-forecasting';
import { splitSentences, type TaggedSentences } from '@recurrent/task-tagging';
import {
  parseTsvPairs,
  splitPairs,
  type TranslationPair,
  translationSettings,
} from '@recurrent/task-translation';
import type { PlaygroundTask } from '../protocol.js';

/** The data of each task, as its `train` takes it. */
export interface TaskDataTypes {
  classification: LabelledTexts;
  generation: string;
  translation: TranslationPair[];
  tagging: TaggedSentences;
  forecasting: TimeSeries;
}

export interface TrainingData<K extends PlaygroundTask = PlaygroundTask> {
  train: TaskDataTypes[K];
  validation?: TaskDataTypes[K];
  /** What was read and how it was split, for the user. */
  notes: string[];
}

export const playgroundTasks: readonly PlaygroundTask[] = [
  'classification',
  'generation',
  'translation',
  'tagging',
  'forecasting',
];

export function isPlaygroundTask(name: string): name is PlaygroundTask {
  return (playgroundTasks as readonly string[]).includes(name);
}

/**
 * The training data of `spec`'s task from `text`, the content of the file `source` (its name
 * picks a format where the task reads several: ".csv" labelled texts, ".conllu" treebanks).
 */
export function readTrainingData(spec: ModelSpec, text: string, source: string): TrainingData {
  const task = spec.task;
  if (!isPlaygroundTask(task)) {
    throw new Error(`the playground has no data reader for task "${task}"`);
  }
  switch (task) {
    case 'classification':
      return classificationData(spec, text, source);
    case 'generation':
      return generationData(text, source);
    case 'translation':
      return translationData(spec, text, source);
    case 'tagging':
      return taggingData(spec, text, source);
    case 'forecasting':
      return forecastingData(spec, text, source);
  }
}

function classificationData(spec: ModelSpec, text: string, source: string): TrainingData {
  const { texts, labels } = parseLabelledTexts(text, source);
  const split = validationSplit({ texts, labels }, { seed: spec.training.seed });
  return {
    train: split.train,
    validation: split.validation,
    notes: [
      `data: ${split.train.texts.length} training and ${split.validation.texts.length} validation examples (${source})`,
      `validation split: ${split.description}`,
    ],
  };
}

// The task holds out the text's last tokens for validation itself (as the CLI leaves it to do).
function generationData(text: string, source: string): TrainingData {
  if (text.trim() === '') throw new DataError(source, undefined, 'the text is empty');
  return {
    train: text,
    notes: [`data: ${text.length} characters of text (${source}); its last tokens validate`],
  };
}

function translationData(spec: ModelSpec, text: string, source: string): TrainingData {
  const pairs = parseTsvPairs(text, source);
  const settings = translationSettings(spec);
  const tokenizer = createTokenizer(settings.source.tokenizer);
  // Pairs whose sources read the same (after normalisation) stay on one side.
  const split = splitPairs(pairs, {
    seed: spec.training.seed,
    key: (pair) => tokenizer.tokenize(pair.source).join(' '),
  });
  return {
    train: split.train,
    validation: split.validation,
    notes: [
      `data: ${split.train.length} training and ${split.validation.length} validation pairs (${source})`,
      `validation split: a seeded 10% of the ${split.sources.train + split.sources.validation} distinct source sentences (seed ${spec.training.seed}), each with all its pairs`,
    ],
  };
}

function taggingData(spec: ModelSpec, text: string, source: string): TrainingData {
  const corpus = parseTaggedText(text, source);
  const all: TaggedSentences = {
    tokens: corpus.sentences.map((s) => s.tokens),
    tags: corpus.sentences.map((s) => s.tags),
    column: corpus.column,
    ...(corpus.format === 'columns' && { tokenColumn: 1 }),
    source,
    lines: corpus.sentences.map((s) => s.line),
  };
  const split = splitSentences(all, { seed: spec.training.seed });
  const notes = [
    `data: ${all.tokens.length} sentences (tags from ${corpus.column}) in ${source}: ${split.train.tokens.length} for training, ${split.validation.tokens.length} for validation`,
    `validation split: ${split.description}`,
  ];
  if (corpus.empty.length > 0) {
    notes.push(`${source}: ${corpus.empty.length} blocks with no tokens skipped`);
  }
  return { train: split.train, validation: split.validation, notes };
}

const dateWords = new Set([
  'date',
  'month',
  'time',
  'timestamp',
  'year',
  'day',
  'week',
  'period',
  'ds',
]);
const monthOrDay = /^\d{4}-\d{2}(-\d{2})?$/;

/** The date column: the first, when its header is a date word or all its cells are dates. */
function detectDateColumn(text: string, source: string): string | undefined {
  const table = parseDelimited(text, source, { delimiter: ',', header: true });
  const first = table.header?.[0];
  if (first === undefined || (table.header?.length ?? 0) < 2) return undefined;
  if (dateWords.has(first.trim().toLowerCase())) return first;
  const cells = table.rows.map((row) => (row.fields[0] ?? '').trim());
  return cells.length > 0 && cells.every((cell) => monthOrDay.test(cell)) ? first : undefined;
}

// The CLI's default split: no test part, and the last tenth of the rows (at least horizon + 1)
// validate, their windows reading the rows before.
function forecastingData(spec: ModelSpec, text: string, source: string): TrainingData {
  const dateColumn = detectDateColumn(text, source);
  const features = spec.forecasting?.features;
  const table = parseSeriesCsv(text, source, {
    ...(dateColumn !== undefined && { dateColumn }),
    ...(features !== undefined && { columns: [...features] }),
  });
  const series: TimeSeries = {
    columns: table.columns,
    ...(table.dates !== undefined && { dates: table.dates }),
    source,
  };
  const rows = Object.values(series.columns)[0]?.length ?? 0;
  const horizon = spec.forecasting?.horizon ?? 1;
  const validation = Math.max(Math.round(rows / 10), horizon + 1);
  if (validation >= rows) {
    throw new DataError(
      source,
      undefined,
      `${rows} rows: the last ${validation} validate, so no row would be left for training`,
    );
  }
  const parts = splitSeries(series, { validationSize: validation });
  const dates = series.dates;
  const at = (i: number) => (dates ? ` (${dates[i]})` : '');
  return {
    train: parts.train,
    ...(parts.validation && { validation: parts.validation }),
    notes: [
      `data: ${rows} rows of ${table.names.join(', ')} in ${source}${dateColumn ? `, dates from "${dateColumn}"` : ''}`,
      `training: rows 1-${rows - validation}${at(0)}; validation: rows ${rows - validation + 1}-${rows}${at(rows - validation)}, a tenth of the rows, at least horizon + 1`,
    ],
  };
}

/** One series from a CSV text (the try view's history), read as training reads it. */
export function readSeries(text: string, source: string, features?: readonly string[]): TimeSeries {
  const dateColumn = detectDateColumn(text, source);
  const table = parseSeriesCsv(text, source, {
    ...(dateColumn !== undefined && { dateColumn }),
    ...(features !== undefined && { columns: [...features] }),
  });
  return {
    columns: table.columns,
    ...(table.dates !== undefined && { dates: table.dates }),
    source,
  };
}
