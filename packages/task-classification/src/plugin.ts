// The classification plug-in: how core's registry creates, loads and trains this task on threads,
// and what the CLI may pass it (labelled files, their columns, a validation file).
import { type TaskPlugin, taskModuleUrl } from '@recurrent/core';
import { ClassificationTask } from './classification-task.js';
import { classificationTrainingTarget } from './training-target.js';

declare module '@recurrent/core' {
  interface TaskTypes {
    classification: ClassificationTask;
  }
}

const columnHelp = '(a header name, or a 0-based index)';

export const classificationPlugin: TaskPlugin<'classification', ClassificationTask> = {
  name: 'classification',
  aliases: ['sentiment-analysis', 'text-classification'],
  // The package's main entry, which registers this plug-in (worker threads import it).
  module: taskModuleUrl(() => import.meta.url, 'index'),
  create: (spec, options) => ClassificationTask.create(spec, options),
  load: (files, options) => ClassificationTask.load(files, options),
  trainingTarget: classificationTrainingTarget,
  commandLine: {
    data: 'a labelled TSV, CSV or JSONL file (text and label columns)',
    formats: ['tsv', 'csv', 'jsonl'],
    options: [
      {
        name: 'val',
        flags: '--val <file>',
        description:
          'validation data (default: a seeded tenth of --data, by whole sentences when the data lists phrases of its sentences, as SST-2)',
        commands: ['train'],
      },
      {
        name: 'format',
        flags: '--format <format>',
        description: 'labelled data: tsv, csv or jsonl (default: from the file extension)',
        commands: ['train', 'eval'],
      },
      {
        name: 'text-column',
        flags: '--text-column <name|index>',
        description: `the text column ${columnHelp} (default: found by name, else the first)`,
        commands: ['train', 'eval'],
      },
      {
        name: 'label-column',
        flags: '--label-column <name|index>',
        description: `the label column ${columnHelp} (default: found by name, else the last)`,
        commands: ['train', 'eval'],
      },
    ],
  },
};
