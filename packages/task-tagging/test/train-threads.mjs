// Trains the tagging task on the first 160 Atis training sentences on N threads, from the built
// packages, and writes the weights to a file:
//   node test/train-threads.mjs <threads> <spec.json text> <out.safetensors>
// A separate process because worker threads inherit the test runner's `--conditions
// @recurrent/source`, under which they would import TypeScript sources Node cannot run.
import { readFileSync, writeFileSync } from 'node:fs';
import '@recurrent/backend-wasm';
import { useBackend } from '@recurrent/core';
import { threads } from '@recurrent/core/node';
import { parseTaggedText } from '@recurrent/data';
import { TaggingTask } from '@recurrent/task-tagging';
import * as tf from '@tensorflow/tfjs-core';

const [count, specJson, out] = process.argv.slice(2);
await useBackend('wasm');
const path = new URL(
  '../../../fixtures/datasets/ud-english-atis/en_atis-ud-train.conllu',
  import.meta.url,
);
const corpus = parseTaggedText(readFileSync(path, 'utf8'), path.pathname);
const sentences = corpus.sentences.slice(0, 160);
const data = { tokens: sentences.map((s) => s.tokens), tags: sentences.map((s) => s.tags) };
const before = tf.memory().numTensors;
const task = TaggingTask.create(JSON.parse(specJson));
const n = Number(count);
// Workers import the module that registers the backend (backend plug-ins may declare their own).
const modules = [import.meta.resolve('@recurrent/backend-wasm')];
const result = await task.train(data, n > 1 ? { parallel: threads(n, { modules }) } : {});
const files = await task.save();
task.dispose();
writeFileSync(out, files['weights.safetensors']);
const losses = result.history.map((r) => r.trainLoss);
process.stdout.write(
  `${JSON.stringify({ step: result.step, losses, leaked: tf.memory().numTensors - before })}\n`,
);
