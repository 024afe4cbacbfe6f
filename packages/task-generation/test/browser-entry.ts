// What a page's worker imports: a backend, this package's main entry, and core's createTask.
import '@recurrent/backend-cpu';
import '../src/index.js';

export { createTask, useBackend } from '@recurrent/core';
