// @recurrent/core/node: helpers that need Node's file system (model folders, atomic writes, the
// PyTorch parity runner behind `recurrent parity`).
export { writeFileAtomic } from './io/atomic-write.js';
export {
  CheckpointError,
  checkpointFormat,
  checkpointFormatVersion,
  loadCheckpoint,
  saveCheckpoint,
} from './io/checkpoint-file.js';
export {
  loadModel,
  type ModelFile,
  ModelFileError,
  modelFormat,
  modelFormatVersion,
  saveModel,
} from './io/model-files.js';
export {
  type CaseReport as ParityCaseReport,
  findCases as findParityCases,
  runCase as runParityCase,
} from './parity/runner.js';
export { seedSentimentSpec } from './parity/seed-sentiment-case.js';
export { createTask } from './tasks/create-task.js';
export {
  GradientWorkers,
  type GradientWorkersOptions,
  serveGradients,
} from './train/data-parallel.js';
