// @recurrent/task-classification/node: the task with Node's file readers and the CLI's reports
// (labelled TSV/CSV/JSONL files through @recurrent/data/node, the default validation split,
// evaluation and prediction lines). Importing it registers the plug-in with these parts; model
// folders are core's: `createTask(dir)` from "@recurrent/core/node".
import {
  type EpochRecord,
  registerTask,
  type TaskNodeSupport,
  type TaskOptionValues,
} from '@recurrent/core';
import { readLabelledFile } from '@recurrent/data/node';
import type { ClassificationTask, Evaluation, LabelledTexts } from './classification-task.js';
import { classificationPlugin } from './plugin.js';
import { validationSplit } from './validation-split.js';

export * from './index.js';

/** Texts and labels of a labelled file, with the columns and format the options name. */
export async function readLabelledTexts(
  path: string,
  options: TaskOptionValues = {},
): Promise<LabelledTexts> {
  const { texts, labels } = await readLabelledFile(path, {
    ...(options.format !== undefined ? { format: options.format as 'tsv' } : {}),
    ...(options['text-column'] !== undefined ? { textColumn: options['text-column'] } : {}),
    ...(options['label-column'] !== undefined ? { labelColumn: options['label-column'] } : {}),
  });
  return { texts, labels };
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

export const classificationNode: TaskNodeSupport<ClassificationTask> = {
  async readTrainingData(path, options, spec) {
    const all = await readLabelledTexts(path, options);
    if (options.val !== undefined) {
      const validation = await readLabelledTexts(options.val, options);
      return {
        train: all,
        validation,
        notes: [
          `data: ${all.texts.length} training and ${validation.texts.length} validation examples (--val ${options.val})`,
        ],
      };
    }
    const split = validationSplit(all, { seed: spec.training.seed });
    return {
      train: split.train,
      validation: split.validation,
      notes: [
        `data: ${split.train.texts.length} training and ${split.validation.texts.length} validation examples`,
        `validation split: ${split.description} (--val FILE to give your own)`,
      ],
    };
  },

  readEvaluationData: (path, options) => readLabelledTexts(path, options),

  describeEvaluation(evaluation: Evaluation) {
    return [
      `accuracy ${percent(evaluation.accuracy)}, macro-F1 ${evaluation.macroF1.toFixed(4)}, loss ${evaluation.loss.toFixed(4)}`,
      ...Object.entries(evaluation.perClass).map(
        ([label, s]) =>
          `  ${label.padEnd(12)} precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}  support ${s.support}`,
      ),
      `confusion (rows: true, columns: predicted): ${JSON.stringify(evaluation.confusion)}`,
    ];
  },

  describeMetrics(record: EpochRecord) {
    const accuracy = record.metrics?.accuracy;
    if (accuracy === undefined) return '';
    return `, accuracy ${percent(accuracy)}, macro-F1 ${(record.metrics?.f1 ?? Number.NaN).toFixed(4)}`;
  },

  async predict(task, inputs, { json }) {
    const predictions = await task.predict(inputs);
    return predictions.map((p, i) => {
      if (json) return JSON.stringify({ text: inputs[i], ...p });
      const probability = p.probabilities[p.label] as number;
      const notes = [
        p.tokens === 0 ? 'empty text' : '',
        p.tokens > 0 && p.unknown === p.tokens ? 'no known words' : '',
        p.truncated ? 'truncated' : '',
      ].filter(Boolean);
      return `${p.label}\t${probability.toFixed(4)}${notes.length ? `\t(${notes.join(', ')})` : ''}\t${inputs[i]}`;
    });
  },
};

registerTask({ ...classificationPlugin, node: classificationNode });
