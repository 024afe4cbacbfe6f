// Trains the forecasting task on the first 96 months of airline passengers on N threads, from the
// built packages, and writes the weights to a file:
//   node test/train-threads.mjs <threads> <spec.json text> <out.safetensors>
// A separate process because worker threads inherit the test runner's `--conditions
// @recurrent/source`, under which they would import TypeScript sources Node cannot run.
import { readFileSync, writeFileSync } from 'node:fs';
import '@recurrent/backend-wasm';
import { useBackend } from '@recurrent/core';
import { threads } from '@recurrent/core/node';
import { parseSeriesCsv } from '@recurrent/data';
import { ForecastingTask } from '@recurrent/task-forecasting';
import * as tf from '@tensorflow/tfjs-core';

const [count, specJson, out] = process.argv.slice(2);
await useBackend('wasm');
const path = new URL('./fixtures/airline-passengers.csv', import.meta.url);
const table = parseSeriesCsv(readFileSync(path, 'utf8'), 'airline-passengers.csv', {
  dateColumn: 'Month',
});
const series = {
  columns: { Passengers: table.columns.Passengers.slice(0, 96) },
  dates: table.dates.slice(0, 96),
};
const before = tf.memory().numTensors;
const task = ForecastingTask.create(JSON.parse(specJson));
const n = Number(count);
// Workers import the module that registers the backend (backend plug-ins may declare their own).
const modules = [import.meta.resolve('@recurrent/backend-wasm')];
const result = await task.train(series, n > 1 ? { parallel: threads(n, { modules }) } : {});
const files = await task.save();
task.dispose();
writeFileSync(out, files['weights.safetensors']);
const losses = result.history.map((r) => r.trainLoss);
process.stdout.write(
  `${JSON.stringify({ step: result.step, losses, leaked: tf.memory().numTensors - before })}\n`,
);
