// A data-parallel gradient worker (core's serveTaskGradients), started by the training worker for
// runs on several threads. It imports what the training worker trains with, statically so Vite
// bundles it: the five task plug-ins and the cpu and wasm backends' stand-ins (each loads its
// package when the run's backend starts; WASM on one XNNPACK thread, see backends.ts).
import '@recurrent/task-classification';
import '@recurrent/task-forecasting';
import '@recurrent/task-generation';
import '@recurrent/task-tagging';
import '@recurrent/task-translation';
import { serveTaskGradients } from '@recurrent/core';
import { gradientWorkerLoaders, registerStandIns } from './backends.js';

registerStandIns(gradientWorkerLoaders);
serveTaskGradients();
