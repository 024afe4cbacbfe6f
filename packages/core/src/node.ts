// @recurrent/core/node: what needs Node: model folders, atomic writes, checkpoint files and a
// run's checkpoint identity, data-parallel worker threads, the JSON-lines log, and the PyTorch
// parity runner behind `recurrent parity`. Everything in the main entry is re-exported too.
export * from './index.js';
export { writeFileAtomic } from './io/atomic-write.js';
export {
  CheckpointError,
  checkpointFormat,
  checkpointFormatVersion,
  loadCheckpoint,
  saveCheckpoint,
} from './io/checkpoint-file.js';
export { loadModel, readModelFolder, saveModel, writeModelFolder } from './io/model-folder.js';
export {
  type CaseReport as ParityCaseReport,
  findCases as findParityCases,
  runCase as runParityCase,
} from './parity/runner.js';
export { seedSentimentSpec } from './parity/seed-sentiment-case.js';
export { createTask, loadTaskFolder, saveTask } from './tasks/task-folder.js';
export {
  GradientWorkers,
  type GradientWorkersOptions,
  type StepTimings,
  serveGradients,
  type WorkerTimings,
} from './train/data-parallel.js';
export { type JsonLinesLog, jsonLinesLog } from './train/json-lines-log.js';
export {
  CheckpointMismatchError,
  type OpenCheckpointOptions,
  openCheckpoint,
  type RunCheckpoint,
} from './train/run-checkpoint.js';
export {
  identityDifferences,
  packageOf,
  type RunIdentity,
  type RunIdentityInput,
  runIdentity,
} from './train/run-identity.js';
export {
  autoThreads,
  defaultThreadCount,
  minSplitChunkWork,
  minSplitWork,
  runnableModule,
  type TaskWorkerConfig,
  type ThreadChoice,
  type ThreadsOptions,
  threads,
} from './train/threads.js';
