// `recurrent eval <model-dir> --data <file>`: a classification model's accuracy, macro-F1,
// per-class precision/recall/F1 and confusion matrix on a labelled file.
import type { ClassificationTask } from '@recurrent/task-classification';
import type { Command } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { type LabelledFileOptions, readLabelledFile } from '../data/labelled-file.js';
import { type CliIO, ExitCode } from '../io.js';
import { loadClassification } from './task-folder.js';

interface EvalOptions extends BackendOptions, LabelledFileOptions {
  data: string;
  json?: boolean;
}

export function registerEval(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('eval')
    .description(
      'evaluate a classification model on a labelled file (accuracy, macro-F1, per class)',
    )
    .argument('<model-dir>', 'model folder written by recurrent train')
    .requiredOption('-d, --data <file>', 'labelled data: TSV, CSV or JSONL')
    .option('--format <format>', 'tsv, csv or jsonl (default: from the file extension)')
    .option(
      '--text-column <name|index>',
      'the text column (default: found by name, else the first)',
    )
    .option(
      '--label-column <name|index>',
      'the label column (default: found by name, else the last)',
    )
    .option('--json', 'print the evaluation as JSON')
    .addOption(backendOption())
    .action(async (dir: string, options: EvalOptions) => {
      const backend = await startBackend(options.backend);
      const task: ClassificationTask = await loadClassification(dir, backend.name);
      try {
        const data = await readLabelledFile(options.data, options);
        const evaluation = await task.evaluate(data);
        if (options.json) {
          io.stdout(`${JSON.stringify(evaluation, null, 2)}\n`);
        } else {
          io.stdout(`${options.data}: ${evaluation.count} examples on ${backend.label}\n`);
          io.stdout(
            `accuracy ${(100 * evaluation.accuracy).toFixed(2)}%, macro-F1 ${evaluation.macroF1.toFixed(4)}, loss ${evaluation.loss.toFixed(4)}\n`,
          );
          for (const [label, s] of Object.entries(evaluation.perClass)) {
            io.stdout(
              `  ${label.padEnd(12)} precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}  support ${s.support}\n`,
            );
          }
          io.stdout(
            `confusion (rows: true, columns: predicted): ${JSON.stringify(evaluation.confusion)}\n`,
          );
        }
      } finally {
        task.dispose();
      }
      setExit(ExitCode.ok);
    });
}
