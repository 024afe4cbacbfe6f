// `recurrent train` for the classification task: a labelled file (and a validation file, or a
// seeded tenth of the data), @recurrent/task-classification's train, evaluation on the validation
// data, and a model folder with the metrics.
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  disposeTrainingState,
  type EpochRecord,
  type ModelSpec,
  type TrainingState,
} from '@recurrent/core';
import { loadCheckpoint, saveCheckpoint } from '@recurrent/core/node';
import { splitIndices } from '@recurrent/data';
import { ClassificationTask } from '@recurrent/task-classification';
import { CommandError } from '../commands/spec-file.js';
import {
  type LabelledFile,
  type LabelledFileOptions,
  readLabelledFile,
} from '../data/labelled-file.js';
import type { CliIO } from '../io.js';
import { createProgress } from './progress.js';

export interface ClassificationTrainOptions extends LabelledFileOptions {
  data: string;
  val?: string;
  out: string;
  epochs?: number;
  maxTime?: number;
  resume?: boolean;
  checkpointEvery?: number;
  threads?: number | 'auto';
}

/** The worker-thread module of data-parallel training (next to this one in dist/). */
const workerScript = new URL('./classification-worker.js', import.meta.url);

/**
 * "auto": one thread per core (at most 4) where a step runs on one core, cpu and wasm; one
 * elsewhere (a GPU backend runs each step on the device already).
 */
function resolveThreads(threads: number | 'auto' | undefined, backend: string): number {
  if (threads !== undefined && threads !== 'auto') return threads;
  return backend === 'cpu' || backend === 'wasm' ? Math.min(4, availableParallelism()) : 1;
}

const checkpointName = 'checkpoint.safetensors';

function subset(file: LabelledFile, indices: number[]) {
  return {
    texts: indices.map((i) => file.texts[i] as string),
    labels: indices.map((i) => file.labels[i] as string),
  };
}

export async function trainClassification(
  spec: ModelSpec,
  backend: string,
  options: ClassificationTrainOptions,
  io: CliIO,
): Promise<void> {
  const all = await readLabelledFile(options.data, options);
  let train = { texts: all.texts, labels: all.labels };
  let validation: { texts: string[]; labels: string[] };
  if (options.val) {
    const file = await readLabelledFile(options.val, options);
    validation = { texts: file.texts, labels: file.labels };
  } else {
    const split = splitIndices(all.texts.length, 0.1, spec.training.seed);
    train = subset(all, split.train);
    validation = subset(all, split.validation);
  }
  const threads = resolveThreads(options.threads, backend);
  io.stdout(
    `threads: ${threads}${threads > 1 ? ' (each batch split by rows; --threads 1 for one)' : ''}\n`,
  );
  io.stdout(
    `data: ${train.texts.length} training and ${validation.texts.length} validation examples${options.val ? '' : ' (a seeded tenth of --data)'}\n`,
  );
  // A checkpoint belongs to one spec and one data set: the vocabulary and labels are rebuilt from
  // the same data on --resume, so resuming with other data would silently mix two runs.
  const identity = {
    spec: hash(JSON.stringify(spec)),
    data: hash(JSON.stringify([train, validation])),
  };
  await mkdir(options.out, { recursive: true });
  const checkpointPath = join(options.out, checkpointName);
  let resume: TrainingState | undefined;
  if (options.resume) {
    if (await exists(checkpointPath)) {
      const loaded = await loadCheckpoint(checkpointPath);
      if (loaded.extra?.spec !== identity.spec || loaded.extra?.data !== identity.data) {
        disposeTrainingState(loaded.state);
        throw new CommandError(
          `${checkpointPath}: this checkpoint was written for another spec or data; train without --resume to start over`,
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
  const task = ClassificationTask.create(spec, { backend });
  const epochs = options.epochs ?? spec.training.epochs;
  const progress = createProgress(io, {
    epochs,
    live: Boolean(process.stderr.isTTY),
    epochLine: (record, tokensPerSecond) =>
      classificationEpochLine(record, epochs, tokensPerSecond),
  });
  try {
    const everySteps = options.checkpointEvery ?? spec.training.checkpoint?.everySteps;
    const result = await task.train(train, {
      validation,
      epochs,
      checkpoint: {
        ...(everySteps ? { everySteps } : {}),
        save: (state) => saveCheckpoint(checkpointPath, state, identity),
      },
      ...(resume ? { resume } : {}),
      ...(options.maxTime !== undefined ? { maxTimeMs: options.maxTime } : {}),
      ...(threads > 1 ? { threads: { count: threads, worker: workerScript } } : {}),
      onBatchEnd: (event) => progress.batch(event),
      onEpochEnd: (record) => progress.epoch(record),
    });
    progress.stop();
    const evaluation = await task.evaluate(validation);
    io.stdout(
      `validation accuracy ${(100 * evaluation.accuracy).toFixed(2)}%, macro-F1 ${evaluation.macroF1.toFixed(4)} (${evaluation.count} examples)\n`,
    );
    await task.save(options.out, {
      training: { steps: result.step, stoppedBy: result.stoppedBy, history: result.history },
      metrics: { accuracy: evaluation.accuracy, macroF1: evaluation.macroF1 },
    });
    const why =
      result.stoppedBy === 'early-stopping'
        ? ` (early stopping: best epoch ${(result.bestEpoch ?? 0) + 1} kept)`
        : result.stoppedBy === 'time-budget'
          ? ` (time budget spent: ${result.bestEpoch !== undefined ? `best epoch ${result.bestEpoch + 1}'s weights kept` : 'the last weights kept'}; --resume continues)`
          : '';
    io.stdout(`trained ${result.step} steps${why}; model saved to ${options.out}\n`);
  } finally {
    progress.stop();
    if (resume) disposeTrainingState(resume);
    task.dispose();
  }
}

/** Losses, validation accuracy and macro-F1, speed and time of one epoch. */
export function classificationEpochLine(
  record: EpochRecord,
  epochs: number,
  tokensPerSecond: number,
): string {
  const accuracy = record.metrics?.accuracy;
  const metrics =
    accuracy === undefined
      ? ''
      : `, accuracy ${(100 * accuracy).toFixed(2)}%, macro-F1 ${(record.metrics?.f1 ?? Number.NaN).toFixed(4)}`;
  const cut = record.partialBatches
    ? ` (time budget: stopped after ${record.partialBatches} batches)`
    : '';
  return `epoch ${record.epoch + 1}/${epochs}${cut}: loss ${record.trainLoss.toFixed(4)}, validation loss ${(record.validationLoss ?? Number.NaN).toFixed(4)}${metrics}, ${Math.round(tokensPerSecond).toLocaleString('en-US')} tokens/s, ${record.seconds.toFixed(1)} s\n`;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
