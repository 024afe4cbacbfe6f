// `recurrent predict <model-dir> [text...]`: the model's prediction per text (a label and its
// probability for classification); texts come from the arguments, or one per line from stdin.
// Offered for the tasks whose `/node` entry says how to predict and print.
import { createInterface } from 'node:readline';
import { loadTaskFolder } from '@recurrent/core/node';
import type { Command } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { type CliIO, ExitCode } from '../io.js';
import { addTaskOptions, taskOptionValues } from '../task-options.js';
import { CommandError } from './spec-file.js';
import { folderPlugin, nodeSupport } from './task-folder.js';

interface PredictOptions extends BackendOptions {
  json?: boolean;
  [taskOption: string]: unknown;
}

async function stdinLines(): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({
    input: process.stdin,
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    lines.push(line);
  }
  return lines;
}

export function registerPredict(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('predict')
    .description('predict for texts (arguments, or one per line on stdin) with a trained model')
    .argument('<model-dir>', 'model folder written by recurrent train')
    .argument('[text...]', 'texts (default: read lines from stdin)')
    .option('--json', 'one JSON object per text (classification: text, label, probabilities...)')
    .addOption(backendOption());
  addTaskOptions(command, 'predict').action(
    async (dir: string, texts: string[], options: PredictOptions) => {
      const plugin = await folderPlugin(dir);
      taskOptionValues(options, plugin, 'predict', dir);
      const predict = nodeSupport(plugin, 'predict').predict;
      if (!predict) {
        throw new CommandError(
          `${dir} is a ${plugin.name} model: its task offers no predict command`,
        );
      }
      const backend = await startBackend(options.backend);
      const task = await loadTaskFolder(dir, { backend: backend.name });
      try {
        const inputs = texts.length > 0 ? texts : await stdinLines();
        for (const line of await predict(task, inputs, { json: Boolean(options.json) })) {
          io.stdout(`${line}\n`);
        }
      } finally {
        task.dispose();
      }
      setExit(ExitCode.ok);
    },
  );
}
