// The all-cores measurement: our data-parallel training as users run it, i.e. core's `threads(n)`
// ParallelFactory with the task plug-ins' training targets (generation for W1/W4/W6,
// classification for W2), one optimizer step = parallel.gradients(...) + an Adam step, timed
// against the same target's step on one thread in pairs of windows (paired.ts). It runs in a process of its own on the
// BUILT packages (dist/, not bundled): the worker threads import core's task-worker module, the
// backend and the task plug-in by file URL, which a bundle cannot provide. `pnpm bench` (turbo)
// builds them before anything is measured.
import {
  Adam,
  type Batch,
  findTask,
  formatSpecError,
  parameterGradients,
  Random,
  type TrainingTarget,
  useBackend,
  validateSpec,
} from '@recurrent/core';
import { threads } from '@recurrent/core/node';
import '@recurrent/task-classification';
import '@recurrent/task-generation';
import { isMainThread } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { type Competitor, errorText } from '../measure.js';
import { nextTokenBatch, randomIds } from '../workloads/data.js';
import { charLmSpec, sentiment, sentimentSpec, w1, w4, w6 } from '../workloads/specs.js';
import { measureHeadroom } from './headroom.js';
import { type PairedOptions, pairedWindows } from './paired.js';
import type {
  AllCoresReply,
  AllCoresRequest,
  AllCoresWorkload,
  HeadroomReply,
} from './protocol.js';

/** What a workload trains: the task, the config its trainingTarget builds model and loss from. */
interface TaskRun {
  task: 'generation' | 'classification';
  config: unknown;
  /** The batch (same data and seeds as the one-thread workload). */
  batch: () => Batch;
}

function validated(json: unknown): unknown {
  const result = validateSpec(json);
  if (!result.ok)
    throw new Error(`bench spec: ${result.errors.map((e) => formatSpecError(e)).join('; ')}`);
  return result.spec;
}

function taskRun(id: AllCoresWorkload): TaskRun {
  if (id === 'W2') {
    return {
      task: 'classification',
      config: {
        spec: validated(sentimentSpec),
        vocabularySize: sentiment.vocab,
        outputSize: sentiment.classes,
      },
      batch: () => ({
        inputs: { tokens: randomIds([sentiment.batch, sentiment.steps], sentiment.vocab, 2) },
        targets: randomIds([sentiment.batch], sentiment.classes, 3),
      }),
    };
  }
  const sizes = { W1: w1, W4: w4, W6: w6 }[id];
  return {
    task: 'generation',
    config: { spec: validated(charLmSpec(sizes)), vocabularySize: sizes.vocab },
    batch: () => {
      const { x, y } = nextTokenBatch(sizes.batch, sizes.steps, sizes.vocab, 1);
      // As the task's streams give them: next tokens flat, [streams · steps].
      const targets = tf.reshape(y, [-1]);
      y.dispose();
      return { inputs: { tokens: x }, targets };
    },
  };
}

async function trainingTarget(run: TaskRun, backend: string): Promise<TrainingTarget> {
  const plugin = findTask(run.task);
  if (!plugin.trainingTarget) throw new Error(`the ${run.task} task has no trainingTarget`);
  return plugin.trainingTarget(run.config, { backend });
}

const batchTensors = (batch: Batch): tf.Tensor[] => [
  ...Object.values(batch.inputs).filter((v): v is tf.Tensor => v instanceof tf.Tensor),
  batch.targets,
];

/** The target's step on this thread: what fit does without `parallel`. */
async function oneThread(run: TaskRun, backend: string): Promise<Competitor> {
  const { model, loss } = await trainingTarget(run, backend);
  const batch = run.batch();
  const adam = new Adam({ lr: 1e-3 });
  return {
    run: async () => {
      const random = new Random(1);
      const { value, grads } = parameterGradients(model.parameters(), () =>
        tf.tidy(() => loss(model, batch, random)),
      );
      adam.step(grads);
      await value.data();
      tf.dispose([value, ...grads.values()]);
    },
    dispose: () => {
      adam.dispose();
      model.dispose();
      tf.dispose(batchTensors(batch));
    },
  };
}

/** The target's step over `count` threads: parallel.gradients + Adam, as fit with `parallel`. */
async function dataParallel(
  run: TaskRun,
  backend: string,
  count: number,
  backendModule: string,
): Promise<Competitor & { threads: number; close: () => Promise<void> }> {
  const { model, loss } = await trainingTarget(run, backend);
  const parallel = await threads(count, { modules: [backendModule] })({
    model,
    task: run.task,
    config: run.config,
  });
  const batch = run.batch();
  const adam = new Adam({ lr: 1e-3 });
  let step = 0;
  return {
    threads: parallel.threads,
    run: async () => {
      const { grads } = await parallel.gradients(batch, 1, step, (part, random) =>
        loss(model, part, random),
      );
      adam.step(grads);
      tf.dispose([...grads.values()]);
      step++;
    },
    dispose: () => {
      adam.dispose();
      model.dispose();
      tf.dispose(batchTensors(batch));
    },
    close: () => parallel.dispose(),
  };
}

/**
 * Windows of at least 2 s (or one step, when a step is longer), at least 5 pairs (more with a
 * larger --reps), as many as --max-seconds allows each competitor.
 */
function pairing({ reps, maxSeconds }: AllCoresRequest): PairedOptions {
  return { pairs: Math.max(5, reps), windowSeconds: 2, maxSeconds };
}

async function measure(
  id: AllCoresWorkload,
  request: AllCoresRequest,
  backendModule: string,
): Promise<AllCoresReply> {
  const run = taskRun(id);
  let parallel: Awaited<ReturnType<typeof dataParallel>> | undefined;
  let single: Competitor | undefined;
  try {
    single = await oneThread(run, request.backend);
    parallel = await dataParallel(run, request.backend, request.threads, backendModule);
    const paired = await pairedWindows(single, parallel, pairing(request));
    return {
      workload: id,
      threads: parallel.threads,
      oneThread: paired.base,
      allCores: paired.other,
      ratios: paired.ratios,
      ...(paired.speedup !== undefined ? { scaling: paired.speedup } : {}),
    };
  } catch (error) {
    const failed = { error: `setup failed: ${errorText(error)}` };
    return { workload: id, threads: request.threads, oneThread: failed, allCores: failed };
  } finally {
    single?.dispose();
    parallel?.dispose();
    await parallel?.close();
  }
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '') as AllCoresRequest;
  // Registers the backend here; worker threads import it too (core's threads(n) adds the task's).
  const backendModule = import.meta.resolve(`@recurrent/backend-${request.backend}`);
  await import(backendModule);
  await useBackend(request.backend);
  let headroom: HeadroomReply;
  try {
    headroom = { headroom: await measureHeadroom(request.threads, request.backend, backendModule) };
  } catch (error) {
    headroom = { headroom: { error: errorText(error) } };
  }
  process.stdout.write(`${JSON.stringify(headroom)}\n`);
  for (const id of request.workloads) {
    const reply = await measure(id, request, backendModule);
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
}

// The headroom's worker threads run this bundle too (headroom.ts serves them).
if (isMainThread) await main();
