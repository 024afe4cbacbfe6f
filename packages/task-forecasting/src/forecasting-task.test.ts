// The forecasting task on the airline passengers series: its baselines against a hand
// computation (naive RMSE 48.04 and seasonal naive 41.85 on the last 48 months, the numbers the
// issue quotes), per-step scores of a multi-step model, direct and recursive models that agree
// for horizon 1, save/load that forecasts bit for bit, validation metrics each epoch, and no
// tensor left behind by train + evaluate + forecast.
import '@recurrent/backend-wasm';
import { useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { airline, forecastSpec, head } from '../test/airline.js';
import type { TimeSeries } from './contract.js';
import { ForecastingTask } from './forecasting-task.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const series = airline();
const values = series.columns.Passengers as Float64Array;
/** Train on the first 96 months; score the last 48 with their history. */
const train = head(series, 96);
const test: TimeSeries = { ...series, targetsFrom: 96 };

function rmse(errors: number[]): number {
  return Math.sqrt(errors.reduce((sum, e) => sum + e * e, 0) / errors.length);
}

describe('evaluate', () => {
  it('scores the naive and seasonal-naive baselines as a hand computation does (the issue: 48.0 and 41.9)', async () => {
    const task = ForecastingTask.create(forecastSpec({ forecasting: { season: 12 } }));
    await task.train(train);
    const evaluation = await task.evaluate(test);
    task.dispose();
    const naive: number[] = [];
    const seasonal: number[] = [];
    let naiveAbsolute = 0;
    for (let t = 96; t < 144; t++) {
      naive.push((values[t] as number) - (values[t - 1] as number));
      seasonal.push((values[t] as number) - (values[t - 12] as number));
      naiveAbsolute += Math.abs(naive[naive.length - 1] as number);
    }
    const passengers = evaluation.targets.Passengers;
    expect(evaluation.windows).toBe(48);
    expect(evaluation.horizon).toBe(1);
    expect(evaluation.season).toBe(12);
    expect([evaluation.from, evaluation.to]).toEqual(['1957-01', '1960-12']);
    expect(passengers?.naive.overall.rmse).toBeCloseTo(rmse(naive), 10);
    expect(passengers?.seasonalNaive?.overall.rmse).toBeCloseTo(rmse(seasonal), 10);
    expect(passengers?.naive.overall.rmse.toFixed(2)).toBe('48.04');
    expect(passengers?.seasonalNaive?.overall.rmse.toFixed(2)).toBe('41.85');
    // MASE's scale: the mean one-step change over the 96 history months.
    let scale = 0;
    for (let r = 1; r < 96; r++)
      scale += Math.abs((values[r] as number) - (values[r - 1] as number));
    scale /= 95;
    expect(passengers?.naive.mase).toBeCloseTo(naiveAbsolute / 48 / scale, 10);
    expect(passengers?.model.steps).toHaveLength(1);
    expect(Number.isFinite(passengers?.model.overall.rmse)).toBe(true);
  }, 30_000);

  it('reports one score per step for a multi-step direct model, and forecasts that many dated steps', async () => {
    const task = ForecastingTask.create(
      forecastSpec({ forecasting: { horizon: 3, season: 12, differencing: 'first' } }),
    );
    const result = await task.train(train);
    expect(result.windows.train).toBe(96 - 12 - 1 - 3 + 1);
    const evaluation = await task.evaluate(test);
    const passengers = evaluation.targets.Passengers;
    expect(evaluation.windows).toBe(48 - 2);
    expect(passengers?.model.steps).toHaveLength(3);
    expect(passengers?.naive.steps).toHaveLength(3);
    expect(passengers?.seasonalNaive?.steps).toHaveLength(3);
    // Naive step h of origin t is y[t−1] whatever h: step 3's errors by hand.
    const third: number[] = [];
    for (let t = 96; t + 3 <= 144; t++)
      third.push((values[t + 2] as number) - (values[t - 1] as number));
    expect(passengers?.naive.steps[2]?.rmse).toBeCloseTo(rmse(third), 10);
    const forecast = await task.forecast(series);
    expect(forecast.horizon).toBe(3);
    expect(forecast.dates).toEqual(['1961-01', '1961-02', '1961-03']);
    expect(forecast.after).toBe('1960-12');
    expect(forecast.values.Passengers).toHaveLength(3);
    expect(await task.forecast(series, { horizon: 2 })).toEqual({
      ...forecast,
      horizon: 2,
      dates: ['1961-01', '1961-02'],
      values: { Passengers: forecast.values.Passengers?.slice(0, 2) },
    });
    await expect(task.forecast(series, { horizon: 4 })).rejects.toThrow(
      "forecast: horizon 4 is more than this direct model's horizon 3 (it outputs exactly the steps it was trained for); forecast at most 3 steps, or train with strategy recursive",
    );
    task.dispose();
  }, 30_000);

  it('scores seasonal naive on the origins with a season of history, and says on how many', async () => {
    const task = ForecastingTask.create(
      forecastSpec({ forecasting: { window: 6, season: 12 }, training: { epochs: 1 } }),
    );
    await task.train(train);
    const all = await task.evaluate(series);
    const passengers = all.targets.Passengers;
    expect(all.windows).toBe(144 - 6);
    expect(all.season).toBe(12);
    expect(passengers?.model.windows).toBe(138);
    expect(passengers?.naive.windows).toBe(138);
    // Origins t = 12 … 143 have y[t − 12]; t = 6 … 11 do not.
    const seasonal: number[] = [];
    for (let t = 12; t < 144; t++)
      seasonal.push((values[t] as number) - (values[t - 12] as number));
    expect(passengers?.seasonalNaive?.windows).toBe(132);
    expect(passengers?.seasonalNaive?.overall.rmse).toBeCloseTo(rmse(seasonal), 10);
    expect(all.notes).toEqual([
      'seasonal naive scored on 132 of the 138 origins: 6 have less than a season (12 rows) of history before them; the model and naive are scored on all 138',
    ]);
    // Every origin with a season of history: the same origins for all three, no note.
    const later = await task.evaluate({ ...series, targetsFrom: 12 });
    expect(later.targets.Passengers?.seasonalNaive?.windows).toBe(132);
    expect(later.windows).toBe(132);
    expect(later.notes).toBeUndefined();
    // No origin with a season of history: no seasonal-naive report, and a note saying why.
    const early = await task.evaluate(head(series, 12));
    expect(early.windows).toBe(6);
    expect(early.targets.Passengers?.seasonalNaive).toBeUndefined();
    expect(early.notes).toEqual([
      'seasonal naive not scored: none of the 6 origins has a season (12 rows) of history before it',
    ]);
    task.dispose();
  }, 30_000);

  it('leaves out and names a series with no origin; MASE scales by the scored series only', async () => {
    const task = ForecastingTask.create(forecastSpec({ training: { epochs: 1 } }));
    await task.train(train);
    const short: TimeSeries = { columns: { Passengers: values.slice(0, 12) }, source: 'short.csv' };
    const evaluation = await task.evaluate([short, test]);
    expect(evaluation.windows).toBe(48);
    expect(evaluation.notes).toEqual([
      'evaluation data: series 1 (short.csv) has 12 rows and no forecast origin (one needs window 12 + horizon 1 = 13 rows, its targets at or after targetsFrom): left out',
    ]);
    let scale = 0;
    for (let r = 1; r < 96; r++)
      scale += Math.abs((values[r] as number) - (values[r - 1] as number));
    scale /= 95;
    const naive = evaluation.targets.Passengers?.naive;
    expect(naive?.mase).toBeCloseTo((naive?.overall.mae as number) / scale, 10);
    expect(await task.evaluate(test)).toEqual({ ...evaluation, notes: undefined });
    task.dispose();
  }, 30_000);
});

describe('strategies', () => {
  it('direct and recursive models of horizon 1 give the same evaluation and forecast', async () => {
    const outcomes = [];
    for (const strategy of ['direct', 'recursive']) {
      const task = ForecastingTask.create(
        forecastSpec({ forecasting: { strategy, differencing: 'first' } }),
      );
      const result = await task.train(train);
      outcomes.push({
        losses: result.history.map((r) => r.trainLoss),
        evaluation: await task.evaluate(test),
        forecast: await task.forecast(series),
      });
      task.dispose();
    }
    expect(outcomes[1]).toEqual(outcomes[0]);
  }, 30_000);

  it('a recursive model forecasts any horizon, its first step the one-step forecast', async () => {
    const task = ForecastingTask.create(
      forecastSpec({ forecasting: { strategy: 'recursive', horizon: 3 } }),
    );
    await task.train(train);
    const one = await task.forecast(series, { horizon: 1 });
    const many = await task.forecast(series, { horizon: 24 });
    expect(many.values.Passengers).toHaveLength(24);
    expect(many.dates?.[23]).toBe('1962-12');
    expect(many.values.Passengers?.[0]).toBe(one.values.Passengers?.[0]);
    const evaluation = await task.evaluate(test);
    expect(evaluation.horizon).toBe(3);
    expect(evaluation.targets.Passengers?.model.steps).toHaveLength(3);
    task.dispose();
  }, 30_000);
});

describe('multivariate', () => {
  it('reads a covariate beside the target, predicts the target only, and keeps training on a second call', async () => {
    const month = Float64Array.from(values, (_, r) => r % 12);
    const both: TimeSeries = { ...series, columns: { ...series.columns, month } };
    const task = ForecastingTask.create(
      forecastSpec({
        forecasting: {
          features: ['month', 'Passengers'],
          targets: ['Passengers'],
          horizon: 2,
          differencing: 'first',
        },
      }),
    );
    const first = await task.train(head(both, 96));
    expect(task.features).toEqual(['month', 'Passengers']);
    expect(task.targets).toEqual(['Passengers']);
    const evaluation = await task.evaluate({ ...both, targetsFrom: 96 });
    expect(Object.keys(evaluation.targets)).toEqual(['Passengers']);
    const forecast = await task.forecast(both);
    expect(Object.keys(forecast.values)).toEqual(['Passengers']);
    // A column that is not a feature is not read.
    const extra = {
      ...both,
      columns: { ...both.columns, other: new Float64Array(144).fill(Number.NaN) },
    };
    expect(await task.forecast(extra)).toEqual(forecast);
    expect(forecast.values.Passengers).toHaveLength(2);
    const scalers = JSON.parse((await task.save())['model.json']).metadata.scalers;
    expect(Object.keys(scalers)).toEqual(['month', 'Passengers']);
    // The covariate is scaled as given (not differenced), fitted on the training rows after the lag.
    expect(scalers.month.center).toBeCloseTo(
      Array.from(month.slice(1, 96)).reduce((a, b) => a + b, 0) / 95,
      12,
    );
    // A second train continues from the trained weights with the same scaling.
    const second = await task.train(head(both, 96));
    expect(second.notes).toEqual([]);
    expect(second.history[0]?.trainLoss).toBeLessThan(first.history[0]?.trainLoss as number);
    expect(JSON.parse((await task.save())['model.json']).metadata.scalers).toEqual(scalers);
    await expect(task.train(head(series, 96))).rejects.toThrow(
      'training data: airline-passengers.csv has no column "month" (its columns: "Passengers")',
    );
    task.dispose();
  }, 30_000);
});

describe('save and load', () => {
  it('a loaded model evaluates and forecasts bit for bit as the trained one', async () => {
    const task = ForecastingTask.create(
      forecastSpec({
        forecasting: {
          horizon: 2,
          season: 12,
          differencing: 'first-and-seasonal',
          scaling: 'minmax',
        },
      }),
    );
    await task.train(train);
    expect(task.spec.forecasting?.features).toEqual(['Passengers']);
    expect(task.features).toEqual(['Passengers']);
    expect(task.targets).toEqual(['Passengers']);
    const files = await task.save({ note: 'kept' });
    const before = { evaluation: await task.evaluate(test), forecast: await task.forecast(series) };
    task.dispose();
    const metadata = JSON.parse(files['model.json']).metadata;
    expect(metadata).toMatchObject({
      note: 'kept',
      task: 'forecasting',
      features: ['Passengers'],
      targets: ['Passengers'],
      dates: { form: 'YYYY-MM', unit: 'months', step: 1, first: '1949-01', last: '1956-12' },
    });
    expect(metadata.scalers.Passengers.kind).toBe('minmax');
    const loaded = await ForecastingTask.load(files);
    expect(loaded.spec).toEqual(task.spec);
    const after = {
      evaluation: await loaded.evaluate(test),
      forecast: await loaded.forecast(series),
    };
    expect(after).toEqual(before);
    loaded.dispose();
  }, 30_000);
});

describe('training', () => {
  it('reports the validation loss, MAE and RMSE each epoch; early stopping can monitor val_rmse', async () => {
    const task = ForecastingTask.create(
      forecastSpec({
        training: { epochs: 3, earlyStopping: { patience: 5, monitor: 'val_rmse' } },
      }),
    );
    const validation: TimeSeries = { ...head(series, 120), targetsFrom: 96 };
    const result = await task.train(train, { validation });
    expect(result.windows).toEqual({ train: 84, validation: 24 });
    expect(result.history).toHaveLength(3);
    for (const record of result.history) {
      expect(record.validationLoss).toBeGreaterThan(0);
      expect(record.metrics?.mae).toBeGreaterThan(0);
      expect(record.metrics?.rmse).toBeGreaterThanOrEqual(record.metrics?.mae as number);
    }
    // The last epoch's numbers are evaluate's on the same data.
    const evaluation = await task.evaluate(validation);
    const last = result.history[2];
    expect(last?.validationLoss).toBe(evaluation.loss);
    expect(last?.metrics?.mae).toBeCloseTo(
      evaluation.targets.Passengers?.model.overall.mae as number,
      10,
    );
    expect(last?.metrics?.rmse).toBeCloseTo(
      evaluation.targets.Passengers?.model.overall.rmse as number,
      10,
    );
    task.dispose();
  }, 30_000);

  it('leaves no tensor behind over train, evaluate, forecast, save and load', async () => {
    const before = tf.memory().numTensors;
    const task = ForecastingTask.create(
      forecastSpec({ forecasting: { horizon: 2, strategy: 'recursive', differencing: 'first' } }),
    );
    await task.train(train, { validation: { ...head(series, 120), targetsFrom: 96 } });
    await task.evaluate(test);
    await task.forecast(series, { horizon: 5 });
    const loaded = await ForecastingTask.load(await task.save());
    await loaded.forecast(series);
    task.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 30_000);

  it('leaves no tensor behind when reading a forward pass fails', async () => {
    const task = ForecastingTask.create(forecastSpec({ training: { epochs: 1 } }));
    await task.train(train);
    const before = tf.memory().numTensors;
    const read = vi
      .spyOn(tf.Tensor.prototype, 'data')
      .mockRejectedValueOnce(new Error('reading the output failed'));
    await expect(task.forecast(series)).rejects.toThrow('reading the output failed');
    expect(read).toHaveBeenCalledTimes(1);
    read.mockRestore();
    expect(tf.memory().numTensors).toBe(before);
    task.dispose();
  }, 30_000);

  it('a first train that fails while training leaves the task untrained, its model disposed', async () => {
    const before = tf.memory().numTensors;
    const task = ForecastingTask.create(forecastSpec({ training: { epochs: 1 } }));
    const failing = task.train(train, {
      onProgress: (event) => {
        if (event.type === 'batch') throw new Error('the progress display failed');
      },
    });
    await expect(failing).rejects.toThrow('the progress display failed');
    expect(() => task.features).toThrow('the forecasting task is not trained');
    await expect(task.save()).rejects.toThrow('the forecasting task is not trained');
    expect(tf.memory().numTensors).toBe(before);
    // Trained afterwards, it is the task a fresh one would be.
    await task.train(train);
    const fresh = ForecastingTask.create(forecastSpec({ training: { epochs: 1 } }));
    await fresh.train(train);
    expect((await task.save())['weights.safetensors']).toEqual(
      (await fresh.save())['weights.safetensors'],
    );
    task.dispose();
    fresh.dispose();
  }, 30_000);

  it('notes validation series without targetsFrom (every origin scored) and validation series left out', async () => {
    const task = ForecastingTask.create(forecastSpec({ training: { epochs: 1 } }));
    const result = await task.train(train, {
      validation: [head(series, 120), { ...head(series, 12), source: 'short.csv' }],
    });
    expect(result.windows.validation).toBe(108);
    expect(result.notes).toEqual([
      'validation data: series 1 (airline-passengers.csv) has no targetsFrom: every origin of it is scored; if it holds the training rows, set targetsFrom where they end (splitSeries does)',
      'validation data: series 2 (short.csv) has no targetsFrom: every origin of it is scored; if it holds the training rows, set targetsFrom where they end (splitSeries does)',
      'validation data: series 2 (short.csv) has 12 rows and no forecast origin (one needs window 12 + horizon 1 = 13 rows, its targets at or after targetsFrom): left out',
    ]);
    const split = await task.train(train, {
      validation: { ...head(series, 120), targetsFrom: 96 },
    });
    expect(split.notes).toEqual([]);
    task.dispose();
  }, 30_000);

  it('several series: windows never cross from one to the next, a too-short one is left out and named', async () => {
    const second: TimeSeries = {
      columns: { Passengers: values.slice(96, 140) },
      source: 'second.csv',
    };
    const short: TimeSeries = { columns: { Passengers: values.slice(0, 10) }, source: 'short.csv' };
    const task = ForecastingTask.create(forecastSpec({ training: { epochs: 1 } }));
    const result = await task.train([{ columns: train.columns }, second, short]);
    expect(result.windows.train).toBe(96 - 12 + (44 - 12));
    expect(result.notes).toEqual([
      'training data: series 3 (short.csv) has 10 rows; one window needs window 12 + horizon 1 = 13: left out',
    ]);
    task.dispose();
  }, 30_000);
});
