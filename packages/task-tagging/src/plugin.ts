// The tagging plug-in: how core's registry creates, loads and trains this task on threads, and
// what the CLI may pass it (CoNLL-U or CoNLL column files, which column holds the tags and the
// tokens, a validation file).
import { type TaskCommandLine, type TaskPlugin, taskModuleUrl } from '@recurrent/core';
import { TaggingTask } from './tagging-task.js';
import { taggingTrainingTarget } from './training-target.js';

declare module '@recurrent/core' {
  interface TaskTypes {
    tagging: TaggingTask;
  }
}

/** What `recurrent train` / `eval` read for this task. */
export const taggingCommandLine: TaskCommandLine = {
  data: 'a CoNLL-U file (.conllu) or a CoNLL column file (token ... tag per line, a blank line between sentences)',
  formats: ['conllu', 'conll'],
  options: [
    {
      name: 'val',
      flags: '--val <file>',
      description:
        'validation data: a CoNLL-U or column file (default: a seeded tenth of the training sentences)',
      commands: ['train'],
    },
    {
      name: 'tag-column',
      flags: '--tag-column <upos|xpos|N>',
      description:
        "the tags: upos or xpos in CoNLL-U, a 1-based column number in column files (default: upos, the last column; eval: the model's column)",
      commands: ['train', 'eval'],
    },
    {
      name: 'token-column',
      flags: '--token-column <N>',
      description: "column files: the 1-based column of the tokens (default: 1; eval: the model's)",
      commands: ['train', 'eval'],
    },
  ],
};

export const taggingPlugin: TaskPlugin<'tagging', TaggingTask> = {
  name: 'tagging',
  aliases: ['token-classification', 'pos-tagging'],
  // The package's main entry, which registers this plug-in (worker threads import it).
  module: taskModuleUrl(() => import.meta.url, 'index'),
  create: (spec, options) => TaggingTask.create(spec, options),
  load: (files, options) => TaggingTask.load(files, options),
  trainingTarget: (config, options) => taggingTrainingTarget(config, options),
  commandLine: taggingCommandLine,
};
