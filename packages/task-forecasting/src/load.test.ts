// load refuses model files whose metadata contradicts itself or the spec, naming the field: a
// scaler of another kind than the spec's scaling, a "constant" scaler that divides, dates that are
// not dates of the saved form, a step without its unit. Trained once on airline passengers.
import '@recurrent/backend-wasm';
import { type ModelFiles, useBackend } from '@recurrent/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { airline, forecastSpec, head } from '../test/airline.js';
import type { TimeSeries } from './contract.js';
import { ForecastingTask } from './forecasting-task.js';

let files: ModelFiles;

beforeAll(async () => {
  await useBackend('wasm');
  const task = ForecastingTask.create(forecastSpec({ training: { epochs: 1 } }));
  await task.train(head(airline(), 60));
  files = await task.save();
  task.dispose();
}, 30_000);

/** The saved files with model.json's metadata (and spec) changed by `edit`. */
interface SavedJson {
  metadata: { scalers: Record<string, unknown>; dates: Record<string, unknown> };
  spec: { forecasting: Record<string, unknown> };
}

function edited(
  edit: (metadata: SavedJson['metadata'], spec: SavedJson['spec']) => void,
): ModelFiles {
  const json = JSON.parse(files['model.json']) as SavedJson;
  edit(json.metadata, json.spec);
  return { ...files, 'model.json': JSON.stringify(json) };
}

describe('load checks the metadata against itself and the spec', () => {
  it('loads the files as saved', async () => {
    const task = await ForecastingTask.load(files);
    expect(task.features).toEqual(['Passengers']);
    task.dispose();
  });

  it('a scaler of another kind than the spec scaling', async () => {
    const files_ = edited((m) => {
      m.scalers.Passengers = { kind: 'none', center: 0, scale: 1, constant: false };
    });
    await expect(ForecastingTask.load(files_)).rejects.toThrow(
      'model.json: metadata.scalers["Passengers"].kind is "none" but the spec\'s forecasting.scaling is "standard"',
    );
  });

  it('a constant scaler whose scale is not 1', async () => {
    const files_ = edited((m) => {
      m.scalers.Passengers = { kind: 'standard', center: 5, scale: 7, constant: true };
    });
    await expect(ForecastingTask.load(files_)).rejects.toThrow(
      'model.json: metadata.scalers["Passengers"] is constant (no spread in the training rows) but its scale is 7, not 1',
    );
  });

  it('a scaler of kind "none" that is not the identity', async () => {
    const files_ = edited((m, spec) => {
      spec.forecasting.scaling = 'none';
      m.scalers.Passengers = { kind: 'none', center: 3, scale: 1, constant: false };
    });
    await expect(ForecastingTask.load(files_)).rejects.toThrow(
      'model.json: metadata.scalers["Passengers"] is of kind "none" (no scaling) but has center 3, scale 1, constant false: expected 0, 1, false',
    );
  });

  it('dates that are not dates of the saved form, or out of order', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ first: 'hello' }, 'model.json: metadata.dates.first "hello" is not a YYYY-MM date'],
      [
        { last: '1953-12-31' },
        'model.json: metadata.dates.last "1953-12-31" is not a YYYY-MM date',
      ],
      [
        { first: '1960-01' },
        'model.json: metadata.dates.last "1953-12" comes before metadata.dates.first "1960-01"',
      ],
      [
        { unit: 'days' },
        'model.json: metadata.dates.unit must be "months" for YYYY-MM dates, got "days"',
      ],
      [
        { unit: undefined },
        'model.json: metadata.dates.unit must be "months" for YYYY-MM dates, got undefined',
      ],
    ];
    for (const [patch, message] of bad) {
      const files_ = edited((m) => {
        Object.assign(m.dates, patch);
      });
      await expect(ForecastingTask.load(files_)).rejects.toThrow(message);
    }
  });
});

describe('saved dates', () => {
  it('a daily series of month ends is continued by months: step 1, unit months (not 31 days)', async () => {
    const dates: string[] = [];
    for (let m = 0; m < 40; m++) {
      const year = 2000 + Math.floor(m / 12);
      const month = (m % 12) + 1;
      const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      dates.push(`${year}-${String(month).padStart(2, '0')}-${last}`);
    }
    const series: TimeSeries = {
      columns: { level: Float64Array.from({ length: 40 }, (_, i) => Math.sin(i) + i / 10) },
      dates,
    };
    const task = ForecastingTask.create(forecastSpec({ training: { epochs: 1 } }));
    await task.train(series);
    const metadata = JSON.parse((await task.save())['model.json']).metadata;
    expect(metadata.dates).toEqual({
      form: 'YYYY-MM-DD',
      unit: 'months',
      step: 1,
      first: '2000-01-31',
      last: '2003-04-30',
    });
    const forecast = await task.forecast(series);
    expect(forecast.dates).toEqual(['2003-05-31']);
    task.dispose();
  }, 30_000);
});
