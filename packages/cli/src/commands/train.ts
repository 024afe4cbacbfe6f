// `recurrent train <spec.json> --data <file> --out <model-dir>`: trains any task through core's
// task registry: the spec's task reads its data (its `/node` entry), trains with progress, a
// JSON-lines log, checkpoints in the model folder, `--resume`, `--max-time`, `--threads`, and
// saves a model folder. Ctrl-C stops at the next batch boundary, as the time budget does.
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  autoThreads,
  createTask,
  type EpochRecord,
  findTask,
  formatSpecError,
  type JsonLinesLog,
  jsonLinesLog,
  type ModelSpec,
  openCheckpoint,
  type RunCheckpoint,
  runIdentity,
  saveTask,
  type Task,
  type TaskData,
  type TaskNodeSupport,
  type TaskOptionValues,
  type TrainResult,
  threads,
  validateSpec,
} from '@recurrent/core/node';
import { type Command, InvalidArgumentError } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { type CliIO, ExitCode } from '../io.js';
import { addTaskOptions, dataHelp, dataPath, taskOptionValues } from '../task-options.js';
import { parseDuration } from '../train/duration.js';
import { createProgress } from '../train/progress.js';
import { CommandError, readSpecFile } from './spec-file.js';
import { nodeSupport } from './task-folder.js';

interface TrainOptions extends BackendOptions {
  data?: string;
  out: string;
  epochs?: number;
  maxTime?: number;
  log?: string;
  resume?: boolean;
  checkpointEvery?: number;
  threads?: number | 'auto';
  [taskOption: string]: unknown;
}

const checkpointName = 'checkpoint.safetensors';
/** Worker threads import this module to register the same backends as this process. */
const backendsModule = new URL(
  import.meta.url.endsWith('.ts') ? '../register-backends.ts' : '../register-backends.js',
  import.meta.url,
);

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function threadCount(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected auto or a positive integer');
  return n;
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined)
    throw new InvalidArgumentError('expected a duration like 90s, 30m or 1h30m');
  return ms;
}

export function registerTrain(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const command = program
    .command('train')
    .description("train a spec's model on a data file and save it as a model folder")
    .argument('<spec>', 'model spec (JSON)')
    .option('-d, --data <file>', `training data, by the spec's task (${dataHelp()})`)
    .requiredOption('-o, --out <dir>', 'model folder to write (checkpoints go there too)')
    .option('--epochs <n>', 'override training.epochs', positiveInteger)
    .option(
      '--max-time <duration>',
      'stop cleanly at a batch boundary after this long (e.g. 30m); --resume continues',
      duration,
    )
    .option('--log <file>', 'append one JSON line per batch and per epoch (for plots)')
    .option(
      '--checkpoint-every <steps>',
      'override training.checkpoint.everySteps',
      positiveInteger,
    )
    .option('--resume', 'continue from the checkpoint in --out, exactly where it stopped')
    .option(
      '--threads <n|auto>',
      'split each batch over n threads (auto: one per core, up to 4, on cpu and wasm, unless batches are too small to gain); a run resumes only on its own thread count',
      threadCount,
    )
    .addOption(backendOption());
  addTaskOptions(command, 'train').action(async (specPath: string, options: TrainOptions) => {
    await train(specPath, options, io);
    setExit(ExitCode.ok);
  });
}

const stopReasons: Partial<Record<TrainResult['stoppedBy'], (r: TrainResult) => string>> = {
  'early-stopping': (r) => ` (early stopping: best epoch ${(r.bestEpoch ?? 0) + 1} kept)`,
  'time-budget': (r) =>
    ` (time budget spent: ${r.bestEpoch !== undefined ? `best epoch ${r.bestEpoch + 1}'s weights kept` : 'the last weights kept'}; --resume continues)`,
  aborted: () => ' (interrupted: --resume continues)',
  // With early stopping configured but never triggered, the best epoch's weights are still kept.
  epochs: (r) =>
    r.bestEpoch !== undefined && r.bestEpoch + 1 < r.history.length
      ? ` (all epochs run: best epoch ${r.bestEpoch + 1}'s weights kept)`
      : '',
};

/**
 * The spec the run uses: the file's, with the task's train options applied where they override it
 * (forecasting's --target, --features), validated again so that a combination the spec forbids is
 * refused before any data is read.
 */
function specForRun(
  spec: ModelSpec,
  node: TaskNodeSupport,
  options: TaskOptionValues,
  specPath: string,
): ModelSpec {
  if (!node.specFromOptions) return spec;
  const changed = node.specFromOptions(spec, options);
  if (changed === spec) return spec;
  const result = validateSpec(changed);
  if (!result.ok) {
    const given = Object.entries(options)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `--${name} ${value}`)
      .join(' ');
    throw new CommandError(
      result.errors.map((e) => formatSpecError(e, `${specPath} with ${given}`)).join('\n'),
    );
  }
  return result.spec;
}

/** What the threads line adds: how batches are split, and why `auto` chose one thread. */
function threadsNote(count: number, choice: { reason: string } | undefined): string {
  if (count > 1) return ' (each batch split by rows; --threads 1 for one)';
  return choice ? ` (auto: ${choice.reason})` : '';
}

async function train(specPath: string, options: TrainOptions, io: CliIO): Promise<void> {
  const fileSpec = await readSpecFile(specPath);
  const plugin = findTask(fileSpec.task);
  const taskOptions = taskOptionValues(options, plugin, 'train', specPath);
  const path = dataPath(options.data, taskOptions, plugin);
  const node = nodeSupport(plugin, 'train');
  const spec = specForRun(fileSpec, node, taskOptions, specPath);
  const backend = await startBackend(options.backend);
  io.stdout(`backend: ${backend.label}\n`);
  const auto = options.threads === undefined || options.threads === 'auto';
  const choice = !auto
    ? undefined
    : plugin.trainingTarget
      ? autoThreads(backend.name, spec)
      : { threads: 1, reason: `the ${plugin.name} task trains on one thread` };
  const threadsCount = choice?.threads ?? (options.threads as number);
  if (threadsCount > 1 && !plugin.trainingTarget) {
    throw new CommandError(
      `--threads ${threadsCount}: the ${plugin.name} task trains on one thread`,
    );
  }
  io.stdout(`threads: ${threadsCount}${threadsNote(threadsCount, choice)}\n`);
  if (options.log !== undefined) {
    // A log that cannot be written fails now, not after the run.
    await appendFile(options.log, '').catch((error: Error) => {
      throw new CommandError(`${options.log}: cannot write the training log (${error.message})`);
    });
  }
  const data = await node.readTrainingData(path, taskOptions, spec);
  for (const note of data.notes) io.stdout(`${note}\n`);
  await mkdir(options.out, { recursive: true });
  const identity = await runIdentity({
    // --epochs is part of the run: a step schedule's length follows from it.
    spec:
      options.epochs === undefined
        ? spec
        : { ...spec, training: { ...spec.training, epochs: options.epochs } },
    data: node.fingerprint
      ? node.fingerprint(data)
      : JSON.stringify([data.train, data.validation ?? null]),
    threads: threadsCount,
    backend: backend.name,
    modules: [plugin.module],
  });
  const checkpoint = await openCheckpoint(join(options.out, checkpointName), identity, {
    ...(options.resume ? { resume: true } : {}),
    ...(options.checkpointEvery !== undefined ? { everySteps: options.checkpointEvery } : {}),
  });
  if (options.resume) {
    const state = checkpoint.resume;
    io.stdout(
      state
        ? `resuming at epoch ${state.epoch + 1}, batch ${state.position + 1}, step ${state.step}\n`
        : `no checkpoint in ${options.out} yet: starting from the beginning\n`,
    );
  }
  const task = (await createTask(spec, { backend: backend.name })) as Task;
  try {
    await runTraining(task, data, checkpoint, options, io, {
      threads: threadsCount,
      describeMetrics: node.describeMetrics,
      describeEvaluation: node.describeEvaluation,
    });
  } finally {
    checkpoint.dispose();
    task.dispose();
  }
}

async function runTraining(
  task: Task,
  data: { train: TaskData<Task>; validation?: TaskData<Task> },
  checkpoint: RunCheckpoint,
  options: TrainOptions,
  io: CliIO,
  how: {
    threads: number;
    describeMetrics: ((record: EpochRecord) => string) | undefined;
    describeEvaluation: (evaluation: unknown) => string[];
  },
): Promise<void> {
  const epochs = options.epochs ?? task.spec.training.epochs;
  const progress = createProgress(io, {
    epochs,
    live: Boolean(process.stderr.isTTY),
    ...(how.describeMetrics ? { describeMetrics: how.describeMetrics } : {}),
  });
  const log: JsonLinesLog | undefined = options.log ? jsonLinesLog(options.log) : undefined;
  // Ctrl-C: stop at the next batch boundary with a checkpoint; a second one quits at once.
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(130);
    io.stderr('\nstopping at the next batch boundary (Ctrl-C again to quit now)\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  let result: TrainResult;
  try {
    result = await task.train(data.train, {
      ...(data.validation !== undefined ? { validation: data.validation } : {}),
      epochs,
      ...(options.maxTime !== undefined ? { maxTimeMs: options.maxTime } : {}),
      signal: interrupt.signal,
      checkpoint,
      ...(checkpoint.resume ? { resume: checkpoint.resume } : {}),
      ...(how.threads > 1 ? { parallel: threads(how.threads, { modules: [backendsModule] }) } : {}),
      onProgress: (event) => {
        if (event.type === 'batch') progress.batch(event);
        else progress.epoch(event);
        log?.onProgress(event);
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
    progress.stop();
    await log?.close().catch((error: Error) => {
      throw new CommandError(error.message);
    });
  }
  let metrics: unknown;
  if (data.validation !== undefined) {
    metrics = await task.evaluate(data.validation);
    io.stdout(`validation: ${how.describeEvaluation(metrics)[0] ?? ''}\n`);
  } else {
    // The last epoch's validation (the task validated on data of its own choosing).
    const last = result.history.at(-1);
    if (last?.validationLoss !== undefined) {
      metrics = { validationLoss: last.validationLoss, ...last.metrics };
    }
  }
  await saveTask(task, options.out, {
    training: { steps: result.step, stoppedBy: result.stoppedBy, history: result.history },
    ...(metrics !== undefined ? { metrics } : {}),
  });
  const why = stopReasons[result.stoppedBy]?.(result) ?? '';
  io.stdout(`trained ${result.step} steps${why}; model saved to ${options.out}\n`);
}
