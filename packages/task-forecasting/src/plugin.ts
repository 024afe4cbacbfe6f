// The forecasting plug-in: how core's registry creates, loads and trains this task on threads, and
// what the CLI may pass it (a CSV series with an optional date column, the test and validation
// parts held back at the end, the target and feature columns).
import { type TaskCommandLine, type TaskPlugin, taskModuleUrl } from '@recurrent/core';
import { ForecastingTask } from './forecasting-task.js';
import { forecastingTrainingTarget } from './training-target.js';

declare module '@recurrent/core' {
  interface TaskTypes {
    forecasting: ForecastingTask;
  }
}

/** What `recurrent train` / `eval` read for this task. */
export const forecastingCommandLine: TaskCommandLine = {
  data: 'a CSV file of numeric columns, oldest row first, with an optional date column (YYYY, YYYY-MM or YYYY-MM-DD)',
  formats: ['csv'],
  options: [
    {
      name: 'date-column',
      flags: '--date-column <name|none>',
      description:
        'the date column (default: the first column when its header is a date word or its cells are dates; "none": no date column)',
      commands: ['train', 'eval'],
    },
    {
      name: 'target',
      flags: '--target <name>',
      description: "train: the column to predict (overrides the spec's forecasting.targets)",
      commands: ['train'],
    },
    {
      name: 'features',
      flags: '--features <a,b,...>',
      description: "train: the input columns (overrides the spec's forecasting.features)",
      commands: ['train'],
    },
    {
      name: 'test-size',
      flags: '--test-size <rows|fraction>',
      description:
        'the last rows held back as the test part: train never sees them; eval scores only them, with their history (default eval: every origin of the file)',
      commands: ['train', 'eval'],
    },
    {
      name: 'val-size',
      flags: '--val-size <rows|fraction>',
      description:
        'rows before the test part used for validation (default: a tenth of them, at least horizon + 1)',
      commands: ['train'],
    },
  ],
};

export const forecastingPlugin: TaskPlugin<'forecasting', ForecastingTask> = {
  name: 'forecasting',
  aliases: ['time-series-forecasting'],
  // The package's main entry, which registers this plug-in (worker threads import it).
  module: taskModuleUrl(() => import.meta.url, 'index'),
  create: (spec, options) => ForecastingTask.create(spec, options),
  load: (files, options) => ForecastingTask.load(files, options),
  trainingTarget: (config, options) => forecastingTrainingTarget(config, options),
  commandLine: forecastingCommandLine,
};
