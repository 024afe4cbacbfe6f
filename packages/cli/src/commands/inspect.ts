// `recurrent inspect <model-dir>`: checks a model folder (everything loadModel checks) and prints
// the model's summary, its training history and its metrics.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModel, ModelFileError } from '@recurrent/core/node';
import type { Command } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { type CliIO, ExitCode } from '../io.js';
import { CommandError } from './spec-file.js';

interface InspectOptions extends BackendOptions {
  json?: boolean;
}

interface HistoryRecord {
  epoch: number;
  trainLoss: number;
  validationLoss?: number;
  lr: number;
  seconds: number;
}

export function registerInspect(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  program
    .command('inspect')
    .description('check a model folder and print its summary, training history and metrics')
    .argument('<dir>', 'model folder (model.json + weights.safetensors)')
    .option('--json', 'print { summary, metadata } as JSON')
    .addOption(backendOption())
    .action(async (dir: string, options: InspectOptions) => {
      const backend = await startBackend(options.backend);
      let model: Awaited<ReturnType<typeof loadModel>>;
      try {
        model = await loadModel(dir, { backend: backend.name });
      } catch (error) {
        if (error instanceof ModelFileError) throw new CommandError(error.message);
        throw error;
      }
      const file = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
        metadata?: Record<string, unknown>;
      };
      const summary = model.summary();
      model.dispose();
      const metadata = file.metadata ?? {};
      if (options.json) {
        io.stdout(`${JSON.stringify({ summary, metadata }, null, 2)}\n`);
      } else {
        io.stdout(`${summary}\n`);
        io.stdout(describeMetadata(metadata));
      }
      setExit(ExitCode.ok);
    });
}

function describeMetadata(metadata: Record<string, unknown>): string {
  const lines: string[] = [];
  // A list of tokens, or @recurrent/data's VocabularyJson ({ tokens }).
  const entries = (vocabulary: unknown): number | undefined => {
    const v = vocabulary as unknown[] | { tokens?: unknown[] } | undefined;
    const tokens = Array.isArray(v) ? v : v?.tokens;
    return Array.isArray(tokens) ? tokens.length : undefined;
  };
  const size = entries(metadata.vocabulary);
  if (size !== undefined) lines.push(`Vocabulary: ${size} entries`);
  // Translation: one vocabulary per language.
  for (const [side, name] of [
    ['source', 'Source'],
    ['target', 'Target'],
  ] as const) {
    const n = entries((metadata[side] as { vocabulary?: unknown } | undefined)?.vocabulary);
    if (n !== undefined) lines.push(`${name} vocabulary: ${n} entries`);
  }
  if (Array.isArray(metadata.labels)) lines.push(`Labels: ${metadata.labels.join(', ')}`);
  const training = metadata.training as
    | { steps?: number; stoppedBy?: string; history?: HistoryRecord[] }
    | undefined;
  if (training) {
    lines.push(`Training: ${training.steps ?? '?'} steps, stopped by ${training.stoppedBy ?? '?'}`);
    for (const r of training.history ?? []) {
      const validation =
        r.validationLoss === undefined ? '' : `  validation loss ${r.validationLoss.toFixed(4)}`;
      lines.push(
        `  epoch ${r.epoch + 1}: loss ${r.trainLoss.toFixed(4)}${validation}  lr ${r.lr.toPrecision(3)}  ${r.seconds.toFixed(1)} s`,
      );
    }
  }
  // The numbers among the metrics (a task's evaluation may also hold tables, e.g. per class).
  const metrics = Object.entries((metadata.metrics as Record<string, unknown> | undefined) ?? {});
  const numbers = metrics.filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );
  if (numbers.length > 0) {
    // Counts (pairs, examples) as they are; measures to 4 decimals.
    const shown = (v: number) =>
      Number.isInteger(v) && Math.abs(v) >= 1 ? String(v) : v.toFixed(4);
    lines.push(`Metrics: ${numbers.map(([k, v]) => `${k} ${shown(v)}`).join(', ')}`);
  }
  if (lines.length === 0) lines.push('No training metadata.');
  return `${lines.join('\n')}\n`;
}
