#!/usr/bin/env node
// Trains and scores the forecasting example specs through the CLI, exactly as a user would
// (`recurrent train` then `recurrent eval --json`), once per seed, and prints one JSON line per run
// and a summary per example (mean ± sample standard deviation over the seeds). RESULTS.md quotes it.
//
// Run from the repository root after `pnpm build`, one training at a time:
//   nice -n 5 node packages/task-forecasting/scripts/measure-examples.mjs airline [--seeds 0,1,2,3,4]
// Examples: airline, airline-12, temperatures, bitcoin. Models and logs go to $OUT (default
// /tmp/recurrent-forecasting). --threads 1: one core, as the PyTorch reference runs (and the
// machine is shared); the spec's seed is replaced by each --seeds value (a copy of the spec in $OUT).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const cli = 'packages/cli/bin/recurrent.js';
const series = 'fixtures/datasets/timeseries-classic';
const examples = {
  airline: {
    spec: 'specs/examples/forecasting-airline-lstm.json',
    data: `${series}/airline-passengers.csv`,
    train: ['--test-size', '48', '--val-size', '12'],
    test: ['--test-size', '48'],
  },
  'airline-12': {
    spec: 'specs/examples/forecasting-airline-12-months.json',
    data: `${series}/airline-passengers.csv`,
    train: ['--test-size', '48', '--val-size', '24'],
    test: ['--test-size', '48'],
  },
  temperatures: {
    spec: 'specs/examples/forecasting-daily-min-temperatures.json',
    data: `${series}/daily-min-temperatures.csv`,
    train: ['--test-size', '0.2'],
    test: ['--test-size', '0.2'],
  },
  bitcoin: {
    spec: 'specs/examples/forecasting-bitcoin-lstm.json',
    data: 'fixtures/datasets/bitcoin-usd-daily/BTC-USD.csv',
    train: ['--test-size', '0.2'],
    test: ['--test-size', '0.2'],
  },
};

const args = process.argv.slice(2);
const name = args[0];
const example = examples[name];
if (!example) {
  console.error(`usage: measure-examples.mjs <${Object.keys(examples).join('|')}> [--seeds 0,1,2]`);
  process.exit(2);
}
const seedsAt = args.indexOf('--seeds');
const seeds = (seedsAt >= 0 ? args[seedsAt + 1] : '0,1,2,3,4').split(',').map(Number);
const out = join(process.env.OUT ?? '/tmp/recurrent-forecasting', name);
mkdirSync(out, { recursive: true });

const run = (argv) =>
  execFileSync('node', [cli, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
const scores = (report) => ({ rmse: report.overall.rmse, mae: report.overall.mae });
const results = [];
for (const seed of seeds) {
  const spec = JSON.parse(readFileSync(example.spec, 'utf8'));
  spec.training.seed = seed;
  const specFile = join(out, `spec-seed${seed}.json`);
  writeFileSync(specFile, JSON.stringify(spec, null, 2));
  const model = join(out, `seed${seed}`);
  const began = performance.now();
  const log = run([
    'train',
    specFile,
    '--data',
    example.data,
    ...example.train,
    '--out',
    model,
    '--threads',
    '1',
  ]);
  const seconds = (performance.now() - began) / 1000;
  writeFileSync(join(out, `seed${seed}.train.txt`), log);
  const kept = /best epoch (\d+) kept/.exec(log)?.[1];
  const epochs = [...log.matchAll(/^epoch (\d+)\//gm)].length;
  const evaluation = JSON.parse(
    run(['eval', model, '--data', example.data, ...example.test, '--json']),
  );
  const [target, report] = Object.entries(evaluation.targets)[0];
  const result = {
    example: name,
    seed,
    seconds: Number(seconds.toFixed(1)),
    epochs,
    bestEpoch: kept ? Number(kept) : null,
    windows: evaluation.windows,
    from: evaluation.from,
    to: evaluation.to,
    target,
    model: scores(report.model),
    mase: report.model.mase,
    naive: scores(report.naive),
    ...(report.seasonalNaive ? { seasonalNaive: scores(report.seasonalNaive) } : {}),
    ...(evaluation.horizon > 1
      ? {
          steps: report.model.steps.map((step, h) => ({
            model: step.rmse,
            naive: report.naive.steps[h].rmse,
            seasonalNaive: report.seasonalNaive?.steps[h].rmse,
          })),
        }
      : {}),
  };
  results.push(result);
  console.log(JSON.stringify(result));
}

const meanSd = (values) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return [Number(mean.toFixed(3)), Number(Math.sqrt(variance).toFixed(3))];
};
const first = results[0];
console.log(
  JSON.stringify({
    example: name,
    seeds: seeds.length,
    seconds: meanSd(results.map((r) => r.seconds)),
    modelRmse: meanSd(results.map((r) => r.model.rmse)),
    modelMae: meanSd(results.map((r) => r.model.mae)),
    naive: first.naive,
    ...(first.seasonalNaive ? { seasonalNaive: first.seasonalNaive } : {}),
    ...(first.steps
      ? {
          stepsModelRmse: first.steps.map((_, h) =>
            Number(meanSd(results.map((r) => r.steps[h].model))[0].toFixed(2)),
          ),
          stepsSeasonalNaiveRmse: first.steps.map((s) => Number(s.seasonalNaive?.toFixed(2))),
        }
      : {}),
  }),
);
