// @recurrent/core/node: helpers that need Node's file system (model folders, atomic writes).
export { writeFileAtomic } from './io/atomic-write.js';
export {
  loadModel,
  type ModelFile,
  ModelFileError,
  modelFormat,
  modelFormatVersion,
  saveModel,
} from './io/model-files.js';
