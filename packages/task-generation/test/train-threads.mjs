// Trains the generation task on the first 6,000 characters of the Tiny Shakespeare slice on N
// threads, from the built packages, and writes the weights to a file:
//   node test/train-threads.mjs <threads> <spec.json text> <out.safetensors>
// A separate process because worker threads inherit the test runner's `--conditions
// @recurrent/source`, under which they would import TypeScript sources Node cannot run.
import { readFileSync, writeFileSync } from 'node:fs';
import '@recurrent/backend-wasm';
import { useBackend } from '@recurrent/core';
import { threads } from '@recurrent/core/node';
import { GenerationTask } from '@recurrent/task-generation';
import * as tf from '@tensorflow/tfjs-core';

const [count, specJson, out] = process.argv.slice(2);
await useBackend('wasm');
const text = readFileSync(
  new URL('fixtures/tinyshakespeare/slice.txt', import.meta.url),
  'utf8',
).slice(0, 6000);
const before = tf.memory().numTensors;
const task = GenerationTask.create(JSON.parse(specJson));
const n = Number(count);
// Workers import the module that registers the backend (backend plug-ins may declare their own).
const modules = [import.meta.resolve('@recurrent/backend-wasm')];
const result = await task.train(text, n > 1 ? { parallel: threads(n, { modules }) } : {});
const files = await task.save();
task.dispose();
writeFileSync(out, files['weights.safetensors']);
process.stdout.write(
  `${JSON.stringify({ step: result.step, leaked: tf.memory().numTensors - before })}\n`,
);
