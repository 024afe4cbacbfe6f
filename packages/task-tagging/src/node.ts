// @recurrent/task-tagging/node: the tagging plug-in with what Node and the CLI need beside it:
// reading CoNLL-U and CoNLL column files (strict UTF-8, errors with file and line; sentences with
// no tokens skipped and reported), the default validation split, a fingerprint of the sentences
// for checkpoint identity, and the lines `recurrent train` and `recurrent eval` print. Everything
// in the main entry is re-exported.
import { createHash } from 'node:crypto';
import {
  type EpochRecord,
  registerTask,
  TaskError,
  type TaskNodeSupport,
  type TaskOptionValues,
} from '@recurrent/core';
import {
  DataError,
  detectTaggedFormat,
  parseTaggedText,
  type TaggedCorpus,
  type TaggedFormat,
} from '@recurrent/data';
import { readTextFile } from '@recurrent/data/node';
import type { TaggedSentences, TaggingEvaluation } from './contract.js';
import { taggingPlugin } from './plugin.js';
import type { TaggingTask } from './tagging-task.js';
import { splitSentences } from './validation-split.js';

export * from './index.js';

/** A tagged corpus as the task's sentences, naming its file, lines and (column files) token column. */
function sentencesOf(
  corpus: TaggedCorpus,
  source: string,
  tokenColumn: number | undefined,
): TaggedSentences {
  return {
    tokens: corpus.sentences.map((s) => s.tokens),
    tags: corpus.sentences.map((s) => s.tags),
    column: corpus.column,
    ...(corpus.format === 'columns' && { tokenColumn: tokenColumn ?? 1 }),
    source,
    lines: corpus.sentences.map((s) => s.line),
  };
}

function tokenColumn(options: TaskOptionValues): number | undefined {
  const value = options['token-column'];
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) {
    throw new TaskError(`--token-column ${value}: expected a column number, 1 or more`);
  }
  return Number(value);
}

/** Parses CoNLL-U or CoNLL columns (by the file's extension and first token line). */
function parseTagged(
  text: string,
  path: string,
  column: string | undefined,
  tokenColumn: number | undefined,
): TaggedCorpus {
  return parseTaggedText(text, path, {
    ...(column !== undefined ? { column } : {}),
    ...(tokenColumn !== undefined ? { tokenColumn } : {}),
  });
}

/** The columns a model was trained on, for reading evaluation data the same way. */
export interface ModelColumns {
  column: string | undefined;
  tokenColumn: number | undefined;
}

/**
 * The columns to read that the options leave open and the model fills in: its tag column when it
 * is of the file's kind (a CoNLL-U field for CoNLL-U, a column number for a column file), its token
 * column for a column file.
 */
function columnsFromModel(
  format: TaggedFormat,
  given: { column: string | undefined; tokenColumn: number | undefined },
  model: ModelColumns | undefined,
): { column?: string; tokenColumn?: number } {
  if (!model) return {};
  const conlluColumn = model.column === 'upos' || model.column === 'xpos';
  return {
    ...(given.column === undefined &&
      model.column !== undefined &&
      conlluColumn === (format === 'conllu') && { column: model.column }),
    ...(given.tokenColumn === undefined &&
      format === 'columns' &&
      model.tokenColumn !== undefined &&
      model.tokenColumn !== 1 && { tokenColumn: model.tokenColumn }),
  };
}

/**
 * Sentences and tags of a CoNLL-U or column file, with the columns the options name
 * (--tag-column, --token-column), else those of `model` (evaluation: a file is read as the model
 * was trained), and notes on what was read (blocks with no tokens skipped).
 */
export async function readTaggedFile(
  path: string,
  options: TaskOptionValues = {},
  model?: ModelColumns,
): Promise<{ data: TaggedSentences; notes: string[] }> {
  const text = await readTextFile(path);
  const given = { column: options['tag-column'], tokenColumn: tokenColumn(options) };
  const fromModel = columnsFromModel(detectTaggedFormat(text, path), given, model);
  const column = given.column ?? fromModel.column;
  const tokens = given.tokenColumn ?? fromModel.tokenColumn;
  let corpus: TaggedCorpus;
  try {
    corpus = parseTagged(text, path, column, tokens);
  } catch (error) {
    const read = [
      ...(fromModel.tokenColumn !== undefined
        ? [`tokens from column ${fromModel.tokenColumn}`]
        : []),
      ...(fromModel.column !== undefined && fromModel.column !== 'upos'
        ? [`tags from ${fromModel.column}`]
        : []),
    ].join(', ');
    if (!(error instanceof DataError) || read === '') throw error;
    throw new DataError(
      error.source,
      error.line,
      `${error.problem} (read as the model was trained: ${read}; --token-column and --tag-column choose others)`,
    );
  }
  const data = sentencesOf(corpus, path, tokens);
  const notes: string[] = [];
  if (corpus.empty.length > 0) {
    const lines = corpus.empty.map((e) => e.line);
    notes.push(
      `${path}: ${lines.length} ${lines.length === 1 ? 'block has' : 'blocks have'} no tokens and ${lines.length === 1 ? 'is' : 'are'} skipped (line${lines.length === 1 ? '' : 's'} ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', ...' : ''})`,
    );
  }
  return { data, notes };
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
const tokenCount = (data: TaggedSentences) => data.tokens.reduce((n, t) => n + t.length, 0);

export const taggingNode: TaskNodeSupport<TaggingTask> = {
  async readTrainingData(path, options, spec) {
    const all = await readTaggedFile(path, options);
    const describe = (d: TaggedSentences) =>
      `${d.tokens.length} sentences (${tokenCount(d)} tokens, tags from ${d.column ?? 'the data'})`;
    if (options.val !== undefined) {
      const validation = await readTaggedFile(options.val, options);
      return {
        train: all.data,
        validation: validation.data,
        notes: [
          `data: ${describe(all.data)} for training (${path}) and ${validation.data.tokens.length} for validation (--val ${options.val})`,
          ...all.notes,
          ...validation.notes,
        ],
      };
    }
    const split = splitSentences(all.data, { seed: spec.training.seed });
    return {
      train: split.train,
      validation: split.validation,
      notes: [
        `data: ${describe(all.data)} in ${path}: ${split.train.tokens.length} for training, ${split.validation.tokens.length} for validation`,
        `validation split: ${split.description} (--val FILE to give your own)`,
        ...all.notes,
      ],
    };
  },

  // Without --tag-column (--token-column), a file is read on the tag (token) column the model was
  // trained on.
  async readEvaluationData(path, options, task) {
    const model = task && { column: task.column, tokenColumn: task.tokenColumn };
    return (await readTaggedFile(path, options, model)).data;
  },

  // A digest rather than the JSON of every sentence.
  fingerprint: ({ train, validation }) => {
    const hash = createHash('sha256');
    const add = (data: TaggedSentences | undefined) => {
      hash.update(JSON.stringify(data === undefined ? null : [data.tokens.length, data.column]));
      data?.tokens.forEach((tokens, i) => {
        hash.update(JSON.stringify([tokens, data.tags[i]]));
      });
    };
    add(train);
    add(validation);
    return hash.digest('hex');
  },

  describeEvaluation(e: TaggingEvaluation) {
    const lines = [
      `accuracy ${percent(e.accuracy)} on ${e.tokens} tokens (${e.sentences} sentences), macro-F1 ${e.macroF1.toFixed(4)}, loss ${e.loss.toFixed(4)} per token`,
    ];
    if (e.spans) {
      const s = e.spans;
      lines.push(
        `spans: precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, F1 ${s.f1.toFixed(4)} (${s.correct} correct of ${s.predicted} predicted, ${s.gold} gold)`,
      );
    }
    const unseen = Object.entries(e.unseenTags);
    if (unseen.length > 0) {
      lines.push(
        `gold tags the model does not know (counted as errors): ${unseen.map(([tag, n]) => `${tag} (${n})`).join(', ')}`,
      );
    }
    lines.push(`${percent(e.unknownWordRate)} of the tokens unknown to the vocabulary`);
    for (const [tag, s] of Object.entries(e.perTag)) {
      lines.push(
        `  ${tag.padEnd(10)} precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}  support ${s.support}`,
      );
    }
    if (e.spans) {
      for (const [type, s] of Object.entries(e.spans.perType)) {
        lines.push(
          `  span ${type.padEnd(10)} precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}  support ${s.support}`,
        );
      }
    }
    return lines;
  },

  describeMetrics(record: EpochRecord) {
    const m = record.metrics;
    if (m?.accuracy === undefined) return '';
    return `, validation accuracy ${percent(m.accuracy)}, F1 ${(m.f1 ?? Number.NaN).toFixed(4)}`;
  },
};

registerTask({ ...taggingPlugin, node: taggingNode });
