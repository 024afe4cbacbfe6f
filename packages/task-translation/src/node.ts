// @recurrent/task-translation/node: the translation plug-in with what Node and the CLI need.
export * from './index.js';
