// `recurrent eval <model-dir> --data <file>`: evaluates a trained model of any task on a data file
// (its task reads the file and says what the evaluation means: accuracy and per-class scores for
// classification, perplexity for generation...).
import { loadTaskFolder, type Task } from '@recurrent/core/node';
import type { Command } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { type CliIO, ExitCode } from '../io.js';
import {
  addTaskOptions,
  dataDescription,
  dataHelp,
  dataPath,
  evaluateTask,
  taskOptionValues,
} from '../task-options.js';
import { folderPlugin, nodeSupport } from './task-folder.js';

interface EvalOptions extends BackendOptions {
  data?: string;
  json?: boolean;
  [taskOption: string]: unknown;
}

export function registerEval(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const command = program
    .command('eval')
    .description("evaluate a trained model on a data file in its task's format")
    .argument('<model-dir>', 'model folder written by recurrent train')
    .option('-d, --data <file>', `evaluation data, by the model's task (${dataHelp()})`)
    .option('--json', 'print the evaluation as JSON')
    .addOption(backendOption());
  addTaskOptions(command, 'eval').action(async (dir: string, options: EvalOptions) => {
    const plugin = await folderPlugin(dir);
    const taskOptions = taskOptionValues(options, plugin, 'eval', dir);
    const path = dataPath(options.data, taskOptions, plugin);
    const node = nodeSupport(plugin, 'eval');
    const backend = await startBackend(options.backend);
    const task: Task = await loadTaskFolder(dir, { backend: backend.name });
    try {
      const data = await node.readEvaluationData(path, taskOptions, task);
      const evaluation = await evaluateTask(node, task, data, taskOptions);
      if (options.json) {
        io.stdout(`${JSON.stringify(evaluation, null, 2)}\n`);
      } else {
        const what = dataDescription(path, taskOptions, plugin);
        io.stdout(`${what}: ${plugin.name} model evaluated on ${backend.label}\n`);
        for (const line of node.describeEvaluation(evaluation)) io.stdout(`${line}\n`);
      }
    } finally {
      task.dispose();
    }
    setExit(ExitCode.ok);
  });
}
