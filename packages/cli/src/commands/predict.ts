// `recurrent predict <model-dir> [text...]`: a label and probabilities per text; texts come from
// the arguments, or one per line from stdin.
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { type CliIO, ExitCode } from '../io.js';
import { loadClassification } from './task-folder.js';

interface PredictOptions extends BackendOptions {
  json?: boolean;
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
  program
    .command('predict')
    .description('classify texts (arguments, or one per line on stdin) with a trained model')
    .argument('<model-dir>', 'model folder written by recurrent train')
    .argument('[text...]', 'texts to classify (default: read lines from stdin)')
    .option(
      '--json',
      'one JSON object per text: { text, label, probabilities, tokens, unknown, truncated }',
    )
    .addOption(backendOption())
    .action(async (dir: string, texts: string[], options: PredictOptions) => {
      const backend = await startBackend(options.backend);
      const task = await loadClassification(dir, backend.name);
      try {
        const inputs = texts.length > 0 ? texts : await stdinLines();
        const predictions = await task.predict(inputs);
        for (const [i, p] of predictions.entries()) {
          if (options.json) {
            io.stdout(`${JSON.stringify({ text: inputs[i], ...p })}\n`);
          } else {
            const probability = p.probabilities[p.label] as number;
            const notes = [
              p.tokens === 0 ? 'empty text' : '',
              p.tokens > 0 && p.unknown === p.tokens ? 'no known words' : '',
              p.truncated ? 'truncated' : '',
            ].filter(Boolean);
            io.stdout(
              `${p.label}\t${probability.toFixed(4)}${notes.length ? `\t(${notes.join(', ')})` : ''}\t${inputs[i]}\n`,
            );
          }
        }
      } finally {
        task.dispose();
      }
      setExit(ExitCode.ok);
    });
}
