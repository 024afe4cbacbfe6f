// The translation plug-in: how core's registry creates, loads and trains this task on threads,
// and what the CLI may pass it (tab-separated pairs, or parallel source and target files, and
// validation data in either form).
import { type TaskCommandLine, type TaskPlugin, taskModuleUrl } from '@recurrent/core';
import { translationTrainingTarget } from './training-target.js';
import { TranslationTask } from './translation-task.js';

declare module '@recurrent/core' {
  interface TaskTypes {
    translation: TranslationTask;
  }
}

/** What `recurrent train` / `eval` read for this task. */
export const translationCommandLine: TaskCommandLine = {
  data: 'tab-separated sentence pairs (source<TAB>target[<TAB>anything]), or parallel files with --source and --target instead',
  formats: ['tsv', 'text'],
  dataOptions: ['source', 'target'],
  options: [
    {
      name: 'source',
      flags: '--source <file>',
      description:
        'source-language sentences, one per line, paired by line with --target (instead of --data)',
      commands: ['train', 'eval'],
    },
    {
      name: 'target',
      flags: '--target <file>',
      description: 'target-language sentences, one per line, paired by line with --source',
      commands: ['train', 'eval'],
    },
    {
      name: 'val',
      flags: '--val <file>',
      description:
        'validation data (translation: tab-separated pairs; default: a seeded tenth of the training pairs, pairs with the same source kept on one side)',
      commands: ['train'],
    },
    {
      name: 'val-source',
      flags: '--val-source <file>',
      description:
        'validation source sentences, paired by line with --val-target (instead of --val)',
      commands: ['train'],
    },
    {
      name: 'val-target',
      flags: '--val-target <file>',
      description: 'validation target sentences, paired by line with --val-source',
      commands: ['train'],
    },
    {
      name: 'beam',
      flags: '--beam <width>',
      description:
        "BLEU of beam-search translations with this many beams (default: the spec's decoding, else greedy)",
      commands: ['eval'],
    },
  ],
};

export const translationPlugin: TaskPlugin<'translation', TranslationTask> = {
  name: 'translation',
  aliases: ['machine-translation', 'seq2seq'],
  // The package's main entry, which registers this plug-in (worker threads import it).
  module: taskModuleUrl(() => import.meta.url, 'index'),
  create: (spec, options) => TranslationTask.create(spec, options),
  load: (files, options) => TranslationTask.load(files, options),
  trainingTarget: (config, options) => translationTrainingTarget(config, options),
  commandLine: translationCommandLine,
};
