// `recurrent train <spec.json> --data <file> --out <model-dir>`: trains the spec's model with the
// engine of @recurrent/core (fit), with a progress bar, a JSON-lines log, checkpoints in the model
// folder, `--resume` to continue exactly after a crash or a time budget, and a model folder at the
// end. This version trains the generation task on a text file (characters); the other tasks come
// with their task packages.
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ChunkLossFunction,
  compile,
  createOptimizer,
  crossEntropy,
  DivergenceError,
  disposeTrainingState,
  fit,
  type LossFunction,
  LrScheduler,
  type TrainingState,
} from '@recurrent/core';
import { loadCheckpoint, saveCheckpoint, saveModel } from '@recurrent/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { type Command, InvalidArgumentError } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import type { LabelledFileOptions } from '../data/labelled-file.js';
import { type CliIO, ExitCode } from '../io.js';
import { trainClassification } from '../train/classification.js';
import { parseDuration } from '../train/duration.js';
import { createProgress } from '../train/progress.js';
import { textData } from '../train/text-data.js';
import { CommandError, readSpecFile } from './spec-file.js';

interface TrainOptions extends BackendOptions, LabelledFileOptions {
  data: string;
  val?: string;
  out: string;
  epochs?: number;
  maxTime?: number;
  log?: string;
  resume?: boolean;
  checkpointEvery?: number;
  threads?: number | 'auto';
}

const checkpointName = 'checkpoint.safetensors';

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
  program
    .command('train')
    .description("train a spec's model (generation: a text file) and save it as a model folder")
    .argument('<spec>', 'model spec (JSON)')
    .requiredOption(
      '-d, --data <file>',
      'training data: a text file (generation) or a labelled TSV/CSV/JSONL file (classification)',
    )
    .option('--val <file>', 'classification: validation data (default: a seeded tenth of --data)')
    .option(
      '--format <format>',
      'classification data: tsv, csv or jsonl (default: from the extension)',
    )
    .option('--text-column <name|index>', 'classification data: the text column')
    .option('--label-column <name|index>', 'classification data: the label column')
    .requiredOption('-o, --out <dir>', 'model folder to write (checkpoints go there too)')
    .option('--epochs <n>', 'override training.epochs', positiveInteger)
    .option(
      '--max-time <duration>',
      'stop cleanly at a batch boundary after this long (e.g. 30m)',
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
      'classification: split each batch over n threads (auto: one per core, up to 4, on cpu and wasm)',
      threadCount,
    )
    .addOption(backendOption())
    .action(async (specPath: string, options: TrainOptions) => {
      await train(specPath, options, io);
      setExit(ExitCode.ok);
    });
}

async function train(specPath: string, options: TrainOptions, io: CliIO): Promise<void> {
  const spec = await readSpecFile(specPath);
  if (spec.task === 'classification') {
    const backend = await startBackend(options.backend);
    io.stdout(`backend: ${backend.label}\n`);
    await trainClassification(spec, backend.name, options, io);
    return;
  }
  if (options.threads !== undefined && options.threads !== 'auto' && options.threads > 1) {
    throw new CommandError(
      `--threads applies to classification training; ${specPath} is "${spec.task}"`,
    );
  }
  if (spec.task !== 'generation') {
    throw new CommandError(
      `${specPath}: recurrent train handles the classification and generation tasks; "${spec.task}" trains through its task package when it lands`,
    );
  }
  if (spec.input?.tokenizer?.type !== 'char') {
    throw new CommandError(
      `${specPath}: generation from a text file needs input.tokenizer.type "char"`,
    );
  }
  let text: string;
  try {
    text = await readFile(options.data, 'utf8');
  } catch (error) {
    throw new CommandError(
      `${options.data}: cannot read the training text (${(error as Error).message})`,
    );
  }
  const t = spec.training;
  const length = spec.input?.maxLength ?? 64;
  const data = textData(text, length, t.batchSize, options.data);
  const backend = await startBackend(options.backend);
  io.stdout(`backend: ${backend.label}\n`);
  const model = await compile(spec, {
    backend: backend.name,
    vocabularySize: data.vocabulary.length,
    outputSize: data.vocabulary.length,
  });
  await mkdir(options.out, { recursive: true });
  const checkpointPath = join(options.out, checkpointName);
  // A checkpoint belongs to one spec and one text: resuming another run would silently mix them.
  const identity = {
    spec: createHash('sha256').update(JSON.stringify(spec)).digest('hex'),
    data: createHash('sha256').update(text).digest('hex'),
  };
  let resume: TrainingState | undefined;
  if (options.resume) {
    const exists = await stat(checkpointPath).then(
      () => true,
      () => false,
    );
    if (exists) {
      const loaded = await loadCheckpoint(checkpointPath);
      if (loaded.extra?.spec !== identity.spec || loaded.extra?.data !== identity.data) {
        disposeTrainingState(loaded.state);
        throw new CommandError(
          `${checkpointPath}: this checkpoint was written for another spec or training text; train without --resume to start over`,
        );
      }
      resume = loaded.state;
      io.stdout(
        `resuming at epoch ${resume.epoch + 1}, batch ${resume.position + 1}, step ${resume.step}\n`,
      );
    } else {
      io.stdout(`no checkpoint in ${options.out} yet: starting from the beginning\n`);
    }
  }
  const epochs = options.epochs ?? t.epochs;
  const optimizer = createOptimizer(t.optimizer);
  const log = options.log;
  const writeLog = (record: Record<string, unknown>) =>
    log ? appendFile(log, `${JSON.stringify(record)}\n`) : Promise.resolve();
  const progress = createProgress(io, {
    epochs,
    live: Boolean(process.stderr.isTTY),
  });
  const loss: LossFunction = (m, batch, random) => {
    const logits = m.forward(batch.inputs, {
      training: random !== undefined,
      ...(random ? { random } : {}),
    }).output;
    return crossEntropy(tf.reshape(logits, [-1, data.vocabulary.length]), batch.targets, {
      labelSmoothing: t.labelSmoothing,
    }) as tf.Scalar;
  };
  // Truncated BPTT (training.truncatedBptt): chunks of the windows, the state carried between them.
  const chunkLoss: ChunkLossFunction = (m, chunk, random, initialState) => {
    const result = m.forward(chunk.inputs, {
      training: true,
      random,
      ...(initialState ? { initialState } : {}),
    });
    const logits = tf.reshape(result.output, [-1, data.vocabulary.length]);
    const value = crossEntropy(logits, chunk.targets, { labelSmoothing: t.labelSmoothing });
    return { loss: value as tf.Scalar, states: result.states };
  };
  const logs: Promise<void>[] = [];
  try {
    const everySteps = options.checkpointEvery ?? t.checkpoint?.everySteps;
    const result = await fit(model, data.train, {
      epochs,
      optimizer,
      loss,
      seed: t.seed,
      validation: data.validation,
      schedule: new LrScheduler(t.lrSchedule, optimizer.lr),
      ...(t.clipNorm !== undefined ? { clipNorm: t.clipNorm } : {}),
      ...(t.clipValue !== undefined ? { clipValue: t.clipValue } : {}),
      gradientAccumulation: t.gradientAccumulation,
      ...(t.truncatedBptt ? { truncatedBptt: { steps: t.truncatedBptt, loss: chunkLoss } } : {}),
      ...(t.earlyStopping
        ? {
            earlyStopping: {
              patience: t.earlyStopping.patience,
              minDelta: t.earlyStopping.minDelta,
            },
          }
        : {}),
      ...(options.maxTime !== undefined ? { maxTimeMs: options.maxTime } : {}),
      checkpoint: {
        ...(everySteps ? { everySteps } : {}),
        save: (state) => saveCheckpoint(checkpointPath, state, identity),
      },
      ...(resume ? { resume } : {}),
      onBatchEnd: (event) => {
        progress.batch(event);
        logs.push(writeLog({ type: 'batch', ...event }));
      },
      onEpochEnd: (record) => {
        progress.epoch(record);
        logs.push(writeLog({ type: 'epoch', ...record }));
      },
    });
    progress.stop();
    await Promise.all(logs);
    const last = result.history.at(-1);
    await saveModel(model, options.out, {
      vocabulary: data.vocabulary,
      training: { steps: result.step, stoppedBy: result.stoppedBy, history: result.history },
      ...(last?.validationLoss !== undefined
        ? {
            metrics: {
              validationLoss: last.validationLoss,
              perplexity: Math.exp(last.validationLoss),
            },
          }
        : {}),
    });
    const why =
      result.stoppedBy === 'time-budget'
        ? ' (time budget spent: --resume continues)'
        : result.stoppedBy === 'early-stopping'
          ? ` (early stopping: best epoch ${(result.bestEpoch ?? 0) + 1} kept)`
          : '';
    io.stdout(`trained ${result.step} steps${why}; model saved to ${options.out}\n`);
  } catch (error) {
    progress.stop();
    if (error instanceof DivergenceError) throw new CommandError(error.message);
    throw error;
  } finally {
    if (resume) disposeTrainingState(resume);
    optimizer.dispose();
    model.dispose();
  }
}
