// @recurrent/task-translation/node: the translation plug-in with what Node and the CLI need beside
// it: reading sentence pairs from files (tab-separated, or parallel source and target files; strict
// UTF-8, errors with file and line), the default validation split, a fingerprint of the pairs for
// checkpoint identity, and the lines `recurrent train` and `recurrent eval` print. Everything in
// the main entry is re-exported.
import { createHash } from 'node:crypto';
import {
  type EpochRecord,
  registerTask,
  TaskError,
  type TaskNodeSupport,
  type TaskOptionValues,
} from '@recurrent/core';
import { createTokenizer } from '@recurrent/data';
import { readTextFile } from '@recurrent/data/node';
import type { TranslationEvaluation, TranslationPair, TranslationPairs } from './contract.js';
import { trainable } from './pair-encoding.js';
import { parseParallelPairs, parseTsvPairs } from './pair-files.js';
import { translationPlugin } from './plugin.js';
import { translationSettings } from './translation-spec.js';
import { describeSkipped, type TranslationTask } from './translation-task.js';
import { splitPairs } from './validation-split.js';

export * from './index.js';

/** Pairs of a tab-separated file: `source<TAB>target[<TAB>anything]` per line. */
export async function readTsvPairs(path: string): Promise<TranslationPair[]> {
  return parseTsvPairs(await readTextFile(path), path);
}

/** Pairs of two parallel files, line i of one with line i of the other. */
export async function readParallelPairs(
  source: string,
  target: string,
): Promise<TranslationPair[]> {
  const [s, t] = await Promise.all([readTextFile(source), readTextFile(target)]);
  return parseParallelPairs(s, t, { source, target });
}

/**
 * Pairs from `--data` (tab-separated) or from `--source` and `--target` (parallel files), exactly
 * one of the two. An empty `path` means no --data.
 */
export async function readPairs(
  path: string,
  options: TaskOptionValues,
): Promise<{ pairs: TranslationPair[]; from: string }> {
  const { source, target } = options;
  const parallel = source !== undefined || target !== undefined;
  if (path && parallel) {
    throw new TaskError(
      `--data ${path} and --source/--target both give the pairs: give --data (tab-separated pairs) or --source and --target (parallel files)`,
    );
  }
  if (parallel) {
    if (source === undefined || target === undefined) {
      throw new TaskError(
        `${source === undefined ? '--target needs --source' : '--source needs --target'}: parallel files pair their sentences line by line`,
      );
    }
    return { pairs: await readParallelPairs(source, target), from: `${source} + ${target}` };
  }
  if (!path) {
    throw new TaskError(
      'no pairs: give --data FILE (source<TAB>target per line) or --source FILE --target FILE (parallel files)',
    );
  }
  return { pairs: await readTsvPairs(path), from: path };
}

/** Validation pairs from --val or --val-source/--val-target; undefined when none is given. */
async function readValidation(
  options: TaskOptionValues,
): Promise<{ pairs: TranslationPair[]; from: string } | undefined> {
  const { val } = options;
  const source = options['val-source'];
  const target = options['val-target'];
  if (val !== undefined && (source !== undefined || target !== undefined)) {
    throw new TaskError(
      `--val ${val} and --val-source/--val-target both give validation pairs: give one of them`,
    );
  }
  if (val !== undefined) return { pairs: await readTsvPairs(val), from: `--val ${val}` };
  if (source === undefined && target === undefined) return undefined;
  if (source === undefined || target === undefined) {
    throw new TaskError(
      `${source === undefined ? '--val-target needs --val-source' : '--val-source needs --val-target'}: parallel files pair their sentences line by line`,
    );
  }
  return {
    pairs: await readParallelPairs(source, target),
    from: `--val-source ${source} --val-target ${target}`,
  };
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

export const translationNode: TaskNodeSupport<TranslationTask> = {
  async readTrainingData(path, options, spec) {
    const settings = translationSettings(spec);
    const data = await readPairs(path, options);
    const given = await readValidation(options);
    const sourceTokenizer = createTokenizer(settings.source.tokenizer);
    const targetTokenizer = createTokenizer(settings.target.tokenizer);
    let train: TranslationPair[] = data.pairs;
    let validation: TranslationPair[];
    const notes: string[] = [];
    if (given) {
      validation = given.pairs;
      notes.push(
        `data: ${train.length} training pairs (${data.from}) and ${validation.length} validation pairs (${given.from})`,
      );
    } else {
      // Pairs whose sources read the same (after normalisation) stay on one side.
      const split = splitPairs(data.pairs, {
        seed: spec.training.seed,
        key: (pair) => sourceTokenizer.tokenize(pair.source).join(' '),
      });
      train = split.train;
      validation = split.validation;
      notes.push(
        `data: ${train.length} training and ${validation.length} validation pairs (${data.from})`,
        `validation split: a seeded 10% of the ${split.sources.train + split.sources.validation} distinct source sentences (seed ${spec.training.seed}), each with all its pairs (--val FILE or --val-source/--val-target to give your own)`,
      );
    }
    const { kept, skipped } = trainable(
      train.map((p) => [
        sourceTokenizer.tokenize(p.source).length,
        targetTokenizer.tokenize(p.target).length,
      ]),
      settings.source,
      settings.target,
    );
    if (kept.length < train.length) {
      notes.push(
        `training skips ${train.length - kept.length} of ${train.length} pairs: ${describeSkipped(skipped, settings.source, settings.target)}`,
      );
    }
    return { train, validation, notes };
  },

  async readEvaluationData(path, options) {
    return (await readPairs(path, options)).pairs;
  },

  // --beam N: BLEU of beam-search translations (the task checks the width against its limits).
  async evaluate(task, pairs, options) {
    const { beam } = options;
    if (beam === undefined) return task.evaluate(pairs);
    if (!/^\d+$/.test(beam) || Number(beam) < 1) {
      throw new TaskError(`--beam ${beam}: expected a whole number of beams, 1 or more`);
    }
    return task.evaluate(pairs, { strategy: 'beam', beam: Number(beam) });
  },

  // A digest rather than the JSON of every pair.
  fingerprint: ({ train, validation }) => {
    const hash = createHash('sha256');
    const add = (pairs: TranslationPairs | undefined) => {
      hash.update(JSON.stringify(pairs === undefined ? null : pairs.length));
      for (const p of pairs ?? []) hash.update(JSON.stringify([p.source, p.target]));
    };
    add(train);
    add(validation);
    return hash.digest('hex');
  },

  describeEvaluation(e: TranslationEvaluation) {
    const d = e.bleuDetails;
    const how = e.strategy === 'beam' ? `beam search, width ${e.beamWidth}` : 'greedy';
    return [
      `BLEU ${e.bleu.toFixed(2)} (${how}; n-gram precisions ${d.precisions.map((p) => p.toFixed(1)).join('/')}, brevity penalty ${d.brevityPenalty.toFixed(3)}, ${d.hypothesisLength} output / ${d.referenceLength} reference tokens)`,
      `token accuracy ${percent(e.tokenAccuracy)}, loss ${e.loss.toFixed(4)} nats per token, perplexity ${e.perplexity.toFixed(3)} (teacher-forced)`,
      `${e.pairs} pairs; ${percent(e.unknownSourceRate)} of the source tokens unknown to the vocabulary`,
    ];
  },

  describeMetrics(record: EpochRecord) {
    const m = record.metrics;
    if (m?.bleu === undefined) return '';
    return `, validation BLEU ${m.bleu.toFixed(2)}, token accuracy ${percent(m.accuracy ?? Number.NaN)}, perplexity ${(m.perplexity ?? Number.NaN).toFixed(3)}`;
  },
};

registerTask({ ...translationPlugin, node: translationNode });
