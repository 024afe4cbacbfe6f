// Forecasting from the command line on the repository's copies of the airline passengers series
// (monthly, 1949-1960: data's test fixture) and of a slice of daily Bitcoin prices (several columns): train with the
// test part held back (the same weights as training on the file cut before it), eval with the
// model beside the naive and seasonal-naive baselines (the baselines recomputed here from the
// file), `recurrent forecast` (dates continuing the file's, --json, --horizon, no date column),
// --target / --features, and the values and options refused by name.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

const fixtures = join(import.meta.dirname, '../../test/fixtures');
const spec = join(fixtures, 'tiny-forecaster.json');
const airline = join(import.meta.dirname, '../../../data/test/fixtures/airline-passengers.csv');
const bitcoin = join(
  import.meta.dirname,
  '../../../../fixtures/datasets/bitcoin-usd-daily/BTC-USD.csv',
);
const backend = ['--backend', 'cpu'];
const oneThread = [...backend, '--threads', '1'];
const lines = (text: string) => text.split('\n').slice(0, -1);

const root = mkdtempSync(join(tmpdir(), 'forecasting-'));

/** The airline file read here, independently of the task's reader: dates and passengers. */
function readAirline(): { dates: string[]; values: number[] } {
  const rows = readFileSync(airline, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .slice(1)
    .map((line) => line.split(','));
  return {
    dates: rows.map((r) => (r[0] as string).replaceAll('"', '')),
    values: rows.map((r) => Number(r[1])),
  };
}

const series = readAirline();
const rmse = (pairs: [number, number][]) =>
  Math.sqrt(pairs.reduce((s, [p, a]) => s + (p - a) ** 2, 0) / pairs.length);

/** Naive (last value) and seasonal-naive (a year earlier) forecasts of origins t ≥ from, 3 steps. */
function baselines(from: number, horizon: number) {
  const y = series.values;
  const naive: [number, number][][] = Array.from({ length: horizon }, () => []);
  const seasonal: [number, number][][] = Array.from({ length: horizon }, () => []);
  for (let t = from; t + horizon <= y.length; t++) {
    for (let h = 0; h < horizon; h++) {
      naive[h]?.push([y[t - 1] as number, y[t + h] as number]);
      seasonal[h]?.push([y[t + h - 12] as number, y[t + h] as number]);
    }
  }
  return { naive, seasonal, windows: y.length - horizon - from + 1 };
}

interface MethodJson {
  steps: { mae: number; rmse: number; mape: number; smape: number }[];
  overall: { mae: number; rmse: number; mape: number; smape: number };
  mase: number | null;
}
interface EvaluationJson {
  horizon: number;
  windows: number;
  loss: number;
  season?: number;
  targets: Record<string, { model: MethodJson; naive: MethodJson; seasonalNaive?: MethodJson }>;
  from?: string;
  to?: string;
}
interface ForecastJson {
  horizon: number;
  dates?: string[];
  values: Record<string, number[]>;
  after: string | number;
}

describe('forecasting from the CLI', () => {
  const model = join(root, 'airline');
  let trained: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    trained = await runCli(
      'train',
      spec,
      '--data',
      airline,
      '--test-size',
      '24',
      '--out',
      model,
      ...oneThread,
    );
  }, 120_000);

  it('trains on all but the last 24 months, validating on the 12 before them', () => {
    expect(trained.code, trained.stderr).toBe(0);
    const out = trained.stdout;
    expect(out).toContain(
      `data: 144 rows of Passengers in ${airline}, 1949-01 … 1960-12 (dates from column "Month")`,
    );
    // 120 rows before the test part: a tenth is 12 (more than horizon + 1 = 4).
    expect(out).toContain('training: rows 1-108 (1949-01 … 1957-12); validation: rows 109-120');
    expect(out).toContain(
      `test: rows 121-144 (1959-01 … 1960-12) held back (recurrent eval --data ${airline} --test-size 24 scores them)`,
    );
    const epochs = [...out.matchAll(/^epoch (\d)\/3: .*, val MAE [\d.]+, val RMSE [\d.]+/gm)];
    expect(epochs.map((e) => Number(e[1]))).toEqual([1, 2, 3]);
    expect(out).toMatch(/^validation: 10 forecasts from 1958-01 to 1958-12, horizon 3: /m);
    const saved = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    expect(saved.metadata.task).toBe('forecasting');
    expect(saved.spec.forecasting.features).toEqual(['Passengers']);
  });

  it('says which epoch it kept when early stopping never stopped the run', async () => {
    const patient = join(root, 'patient.json');
    const base = JSON.parse(readFileSync(spec, 'utf8'));
    base.training = {
      ...base.training,
      epochs: 4,
      earlyStopping: { patience: 100, monitor: 'val_rmse' },
    };
    writeFileSync(patient, JSON.stringify(base));
    const out = join(root, 'patient');
    const result = await runCli('train', patient, '--data', airline, '--out', out, ...oneThread);
    expect(result.code, result.stderr).toBe(0);
    // The best epoch by validation RMSE, read back from the saved history.
    const history: { metrics: { rmse: number } }[] = JSON.parse(
      readFileSync(join(out, 'model.json'), 'utf8'),
    ).metadata.training.history;
    const rmses = history.map((r) => r.metrics.rmse);
    const best = rmses.indexOf(Math.min(...rmses)) + 1;
    expect(rmses).toHaveLength(4);
    const kept = result.stdout.match(/^trained \d+ steps(.*); model saved to/m)?.[1];
    expect(kept).toBe(best < 4 ? ` (all epochs run: best epoch ${best}'s weights kept)` : '');
  }, 120_000);

  it('never trains on the test part: the same weights as training on the file cut before it', async () => {
    const cut = join(root, 'airline-first-120.csv');
    const text = readFileSync(airline, 'utf8').split('\r\n');
    writeFileSync(cut, `${text.slice(0, 121).join('\n')}\n`);
    const other = join(root, 'airline-cut');
    const result = await runCli(
      'train',
      spec,
      '--data',
      cut,
      '--val-size',
      '12',
      '--out',
      other,
      ...oneThread,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'training: rows 1-108 (1949-01 … 1957-12); validation: rows 109-120',
    );
    expect(readFileSync(join(other, 'weights.safetensors'))).toEqual(
      readFileSync(join(model, 'weights.safetensors')),
    );
  }, 60_000);

  it('eval --test-size prints the model beside naive and seasonal naive, as computed here', async () => {
    const result = await runCli('eval', model, '--data', airline, '--test-size', '24', ...backend);
    expect(result.code, result.stderr).toBe(0);
    const json = await runCli(
      'eval',
      model,
      '--data',
      airline,
      '--test-size',
      '24',
      '--json',
      ...backend,
    );
    const e = JSON.parse(json.stdout) as EvaluationJson;
    const expected = baselines(120, 3);
    expect(e.windows).toBe(expected.windows);
    expect([e.horizon, e.season, e.from, e.to]).toEqual([3, 12, '1959-01', '1960-12']);
    const target = e.targets.Passengers;
    if (!target?.seasonalNaive) throw new Error('no seasonal naive report');
    const naiveRmse = rmse(expected.naive.flat());
    const seasonalRmse = rmse(expected.seasonal.flat());
    expect(target.naive.overall.rmse).toBeCloseTo(naiveRmse, 9);
    expect(target.seasonalNaive.overall.rmse).toBeCloseTo(seasonalRmse, 9);
    for (let h = 0; h < 3; h++) {
      expect(target.naive.steps[h]?.rmse).toBeCloseTo(rmse(expected.naive[h] ?? []), 9);
    }
    // MASE: MAE over the in-sample MAE of the one-step naive forecast on the 120 history rows.
    const y = series.values;
    let scale = 0;
    for (let i = 1; i < 120; i++) scale += Math.abs((y[i] as number) - (y[i - 1] as number));
    scale /= 119;
    expect(target.naive.mase).toBeCloseTo(target.naive.overall.mae / scale, 9);

    const out = lines(result.stdout);
    const four = (x: number) => x.toPrecision(4);
    expect(out[0]).toMatch(/^.*airline-passengers\.csv: forecasting model evaluated on cpu/);
    expect(out[1]).toBe(
      `22 forecasts from 1959-01 to 1960-12, horizon 3: Passengers RMSE ${four(target.model.overall.rmse)} (naive ${four(naiveRmse)}, seasonal naive ${four(seasonalRmse)})`,
    );
    const row = (name: string) =>
      out
        .find((l) => l.startsWith(`  ${name} `))
        ?.trim()
        .split(/\s{2,}/);
    expect(out).toContain(
      out.find((l) => /^Passengers\s+MAE\s+RMSE\s+MAPE\s+sMAPE\s+MASE$/.test(l)),
    );
    expect(row('model')).toEqual([
      'model',
      four(target.model.overall.mae),
      four(target.model.overall.rmse),
      `${target.model.overall.mape.toFixed(2)}%`,
      `${target.model.overall.smape.toFixed(2)}%`,
      (target.model.mase as number).toFixed(3),
    ]);
    expect(row('naive')?.[2]).toBe(four(naiveRmse));
    expect(row('seasonal naive')?.[2]).toBe(four(seasonalRmse));
    // Horizon 3: RMSE per step, model, naive and seasonal naive.
    const perStep = out.findIndex((l) =>
      /^Passengers RMSE per step\s+model\s+naive\s+seasonal naive$/.test(l),
    );
    expect(perStep).toBeGreaterThan(0);
    expect(out.slice(perStep + 1, perStep + 4).map((l) => l.trim().split(/\s+/))).toEqual(
      [0, 1, 2].map((h) => [
        `+${h + 1}`,
        four(target.model.steps[h]?.rmse as number),
        four(rmse(expected.naive[h] ?? [])),
        four(rmse(expected.seasonal[h] ?? [])),
      ]),
    );
  }, 60_000);

  it('eval without --test-size scores every origin of the file', async () => {
    const result = await runCli('eval', model, '--data', airline, '--json', ...backend);
    expect(result.code, result.stderr).toBe(0);
    const e = JSON.parse(result.stdout) as EvaluationJson;
    // Origins need the window (12) and one earlier row for the first difference: t from 13.
    expect(e.windows).toBe(144 - 3 - 13 + 1);
    expect(e.from).toBe('1950-02');
  });

  it('eval refuses the train-only options by name', async () => {
    const result = await runCli(
      'eval',
      model,
      '--data',
      airline,
      '--target',
      'Passengers',
      ...backend,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--target is not used by the forecasting task (${model})`);
  });

  it('forecast prints the steps after the file, dated from its last date', async () => {
    const result = await runCli('forecast', model, '--data', airline, ...backend);
    expect(result.code, result.stderr).toBe(0);
    const out = lines(result.stdout);
    expect(out.map((l) => l.split('  ')[0])).toEqual(['1961-01', '1961-02', '1961-03']);
    const json = await runCli('forecast', model, '--data', airline, '--json', ...backend);
    expect(json.code, json.stderr).toBe(0);
    const f = JSON.parse(json.stdout) as ForecastJson;
    expect(Object.keys(f).sort()).toEqual(['after', 'dates', 'horizon', 'values']);
    expect(f).toMatchObject({
      horizon: 3,
      dates: ['1961-01', '1961-02', '1961-03'],
      after: '1960-12',
    });
    const values = f.values.Passengers ?? [];
    expect(values).toHaveLength(3);
    expect(out).toEqual(
      values.map((v, h) => `${f.dates?.[h]}  Passengers=${Number(v.toPrecision(6))}`),
    );
    // A model that learnt anything forecasts the level of the last months, not of 1949.
    for (const v of values) expect(v).toBeGreaterThan(300);
  });

  it('forecast --horizon: fewer steps are the first ones; more than a direct model has are refused', async () => {
    const full = JSON.parse(
      (await runCli('forecast', model, '--data', airline, '--json', ...backend)).stdout,
    ) as ForecastJson;
    const two = await runCli(
      'forecast',
      model,
      '--data',
      airline,
      '--horizon',
      '2',
      '--json',
      ...backend,
    );
    expect(two.code, two.stderr).toBe(0);
    expect((JSON.parse(two.stdout) as ForecastJson).values.Passengers).toEqual(
      full.values.Passengers?.slice(0, 2),
    );
    const five = await runCli('forecast', model, '--data', airline, '--horizon', '5', ...backend);
    expect(five.code).toBe(1);
    expect(five.stdout).toBe('');
    expect(five.stderr).toContain('train with strategy recursive');
    expect(five.stderr).toContain('3');
    const zero = await runCli('forecast', model, '--data', airline, '--horizon', '0', ...backend);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('expected a number of steps, 1 or more');
  });

  it('forecast from a file without dates numbers the steps, with the same values', async () => {
    const plain = join(root, 'passengers.csv');
    writeFileSync(plain, `Passengers\n${series.values.join('\n')}\n`);
    const numbered = await runCli('forecast', model, '--data', plain, '--json', ...backend);
    expect(numbered.code, numbered.stderr).toBe(0);
    const dated = await runCli('forecast', model, '--data', airline, '--json', ...backend);
    const a = JSON.parse(numbered.stdout) as ForecastJson;
    const b = JSON.parse(dated.stdout) as ForecastJson;
    expect(a.dates).toBeUndefined();
    expect(a.after).toBe(144);
    expect(a.values).toEqual(b.values);
    const text = await runCli('forecast', model, '--data', plain, ...backend);
    expect(lines(text.stdout).map((l) => l.split('  ')[0])).toEqual(['+1', '+2', '+3']);
    // --date-column none on the dated file: the Month column is not read at all.
    const none = await runCli(
      'forecast',
      model,
      '--data',
      airline,
      '--date-column',
      'none',
      '--json',
      ...backend,
    );
    expect(none.code, none.stderr).toBe(0);
    expect((JSON.parse(none.stdout) as ForecastJson).values).toEqual(b.values);
  });

  it("forecast refuses a file without the model's column, naming it", async () => {
    const other = join(root, 'other.csv');
    writeFileSync(other, `Month,Travellers\n1949-01,112\n1949-02,118\n`);
    const result = await runCli('forecast', model, '--data', other, ...backend);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no column named "Passengers" (columns: Month, Travellers)');
  });

  it('forecast refuses a model folder of another task before loading it', async () => {
    const other = join(root, 'said-to-be-a-tagger');
    cpSync(model, other, { recursive: true });
    const json = JSON.parse(readFileSync(join(other, 'model.json'), 'utf8'));
    writeFileSync(
      join(other, 'model.json'),
      JSON.stringify({ ...json, spec: { ...json.spec, task: 'tagging' } }),
    );
    const result = await runCli('forecast', other, '--data', airline, ...backend);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `recurrent: ${other} is a tagging model: recurrent forecast needs a forecasting model\n`,
    );
  });
});

describe('a recursive model from the CLI', () => {
  it('forecasts any number of steps, the first ones the same whatever the horizon', async () => {
    const recursive = join(root, 'recursive-airline.json');
    const base = JSON.parse(readFileSync(spec, 'utf8'));
    writeFileSync(
      recursive,
      JSON.stringify({ ...base, forecasting: { ...base.forecasting, strategy: 'recursive' } }),
    );
    const out = join(root, 'recursive-airline');
    const trained = await runCli(
      'train',
      recursive,
      '--data',
      airline,
      '--out',
      out,
      '--epochs',
      '1',
      ...oneThread,
    );
    expect(trained.code, trained.stderr).toBe(0);
    const forecast = async (...args: string[]) => {
      const result = await runCli(
        'forecast',
        out,
        '--data',
        airline,
        '--json',
        ...args,
        ...backend,
      );
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as ForecastJson;
    };
    const standard = await forecast();
    expect(standard.horizon).toBe(3);
    const long = await forecast('--horizon', '14');
    expect(long.dates).toEqual([
      ...['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map(
        (m) => `1961-${m}`,
      ),
      '1962-01',
      '1962-02',
    ]);
    expect(long.values.Passengers?.slice(0, 3)).toEqual(standard.values.Passengers);
  }, 60_000);
});

describe('checkpoints of a forecasting run', () => {
  it('--resume continues a run on the same file and split; another split is other data', async () => {
    const out = join(root, 'resumed');
    const args = ['train', spec, '--data', airline, '--test-size', '24', '--out', out];
    const first = await runCli(...args, '--epochs', '2', ...oneThread);
    expect(first.code, first.stderr).toBe(0);
    const weights = readFileSync(join(out, 'weights.safetensors'));
    // A run that ended: resumed after its last epoch, with nothing left to train.
    const again = await runCli(...args, '--epochs', '2', '--resume', ...oneThread);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('resuming at epoch 3, batch 1, step 12');
    expect(readFileSync(join(out, 'weights.safetensors'))).toEqual(weights);
    const other = await runCli(
      'train',
      spec,
      '--data',
      airline,
      '--test-size',
      '20',
      '--out',
      out,
      '--epochs',
      '2',
      '--resume',
      ...oneThread,
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('this checkpoint was written by another run: other data');
  }, 60_000);
});

describe('--target, --features and the split options', () => {
  /** The last 160 days of the Bitcoin file: Date, Open, High, Low, Close, Adj Close, Volume. */
  const slice = join(root, 'btc-160.csv');
  beforeAll(() => {
    const text = readFileSync(bitcoin, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l !== '');
    writeFileSync(slice, `${[text[0], ...text.slice(-160)].join('\n')}\n`);
  });

  const train = (...args: string[]) =>
    runCli('train', spec, '--data', slice, '--epochs', '1', ...oneThread, ...args);

  it('train --features Open,Close --target Close: a model of those columns, said so', async () => {
    const out = join(root, 'btc-close');
    const result = await train('--features', 'Open,Close', '--target', 'Close', '--out', out);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('forecasting.features from --features: Open,Close');
    expect(result.stdout).toContain('forecasting.targets from --target: Close');
    expect(result.stdout).toContain('data: 160 rows of Open, Close in');
    const saved = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(saved.spec.forecasting.features).toEqual(['Open', 'Close']);
    expect(saved.spec.forecasting.targets).toEqual(['Close']);
    const forecast = await runCli('forecast', out, '--data', slice, ...backend);
    expect(forecast.code, forecast.stderr).toBe(0);
    const last = readFileSync(slice, 'utf8').trim().split('\n').at(-1)?.split(',')[0] as string;
    const out3 = lines(forecast.stdout);
    expect(out3).toHaveLength(3);
    expect(out3[0]).toMatch(/^\d{4}-\d{2}-\d{2} {2}Close=[\d.e+-]+$/);
    // Daily dates continue the file's by one day.
    const next = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(out3[0]?.startsWith(next)).toBe(true);
  }, 60_000);

  it('refuses a target or feature the file lacks, or a target outside the features, by name', async () => {
    const out = join(root, 'btc-bad');
    const noTarget = await train('--target', 'Price', '--out', out);
    expect(noTarget.code).toBe(1);
    expect(noTarget.stderr).toContain(
      `--target Price: ${slice} has no value column "Price" (its value columns: Open, High, Low, Close, Adj Close, Volume)`,
    );
    const dateTarget = await train('--target', 'Date', '--out', out);
    expect(dateTarget.stderr).toContain(
      '"Date" is the date column; --date-column none reads it as values',
    );
    const outside = await train('--features', 'Open,Close', '--target', 'High', '--out', out);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain(
      '--target High is not one of the features (Open, Close); add it to --features',
    );
    const noFeature = await train('--features', 'Open,Price', '--out', out);
    expect(noFeature.code).toBe(1);
    expect(noFeature.stderr).toContain('no column named "Price"');
    const twice = await train('--features', 'Open,Open', '--out', out);
    expect(twice.stderr).toContain('--features Open,Open: column "Open" is named twice');
  });

  it('a recursive spec refuses --target leaving a feature unpredicted (the spec rule, after the options)', async () => {
    const recursive = join(root, 'recursive.json');
    const base = JSON.parse(readFileSync(spec, 'utf8'));
    writeFileSync(
      recursive,
      JSON.stringify({ ...base, forecasting: { ...base.forecasting, strategy: 'recursive' } }),
    );
    const result = await runCli(
      'train',
      recursive,
      '--data',
      slice,
      '--features',
      'Open,Close',
      '--target',
      'Close',
      '--out',
      join(root, 'never'),
      ...oneThread,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${recursive} with --target Close --features Open,Close`);
    expect(result.stderr).toContain('/forecasting');
  });

  it('--test-size and --val-size take counts and fractions, with notes; bad sizes are refused', async () => {
    const out = join(root, 'btc-sizes');
    const fractions = await train(
      '--features',
      'Close',
      '--test-size',
      '0.25',
      '--val-size',
      '0',
      '--out',
      out,
    );
    expect(fractions.code, fractions.stderr).toBe(0);
    // 160 rows: a quarter (40) held back, no validation.
    expect(fractions.stdout).toMatch(
      /training: rows 1-120 \([\d-]+ … [\d-]+\); no validation \(--val-size 0\); test: rows 121-160/,
    );
    const counts = await train(
      '--features',
      'Close',
      '--test-size',
      '40',
      '--val-size',
      '0.25',
      '--out',
      out,
    );
    expect(counts.code, counts.stderr).toBe(0);
    // A quarter of the 120 rows before the test part: 30.
    expect(counts.stdout).toMatch(
      /training: rows 1-90 .*; validation: rows 91-120 .*; test: rows 121-160/,
    );
    for (const [option, value] of [
      ['--test-size', 'abc'],
      ['--test-size', '0'],
      ['--test-size', '1.5'],
      ['--val-size', '-1'],
    ] as const) {
      const bad = await train('--features', 'Close', option, value, '--out', out);
      expect(bad.code, `${option} ${value}`).toBe(1);
      expect(bad.stderr).toContain(`${option} ${value}: expected a row count`);
    }
  }, 60_000);
});
