import { SpecValidationError, TaskError } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import {
  ForecastingSpecError,
  forecastingSettings,
  resolveColumns,
} from './forecasting-settings.js';

function spec(forecasting: Record<string, unknown>, units: number | 'auto' = 'auto') {
  return {
    version: 1,
    name: 'f',
    task: 'forecasting',
    forecasting,
    layers: [
      { type: 'lstm', hiddenSize: 4, returnSequences: false },
      { type: 'dense', units },
    ],
    training: { optimizer: { type: 'adam' } },
  };
}

describe('forecastingSettings', () => {
  it('reads the defaults: horizon 1, standard scaling, no differencing, direct', () => {
    const settings = forecastingSettings(spec({ window: 12 }));
    expect(settings).toMatchObject({
      window: 12,
      horizon: 1,
      scaling: 'standard',
      differencing: 'none',
      lags: [],
      strategy: 'direct',
      outputSteps: 1,
    });
    expect(settings.features).toBeUndefined();
    expect(settings.targets).toBeUndefined();
    expect(settings.season).toBeUndefined();
    expect(settings.spec.task).toBe('forecasting');
  });

  it('turns differencing into the lags it applies, in order', () => {
    const lags = (differencing: string) =>
      forecastingSettings(spec({ window: 12, differencing, season: 12 })).lags;
    expect(lags('none')).toEqual([]);
    expect(lags('first')).toEqual([1]);
    expect(lags('seasonal')).toEqual([12]);
    expect(lags('first-and-seasonal')).toEqual([1, 12]);
  });

  it('outputs horizon steps when direct and one when recursive', () => {
    expect(forecastingSettings(spec({ window: 12, horizon: 6 })).outputSteps).toBe(6);
    expect(
      forecastingSettings(spec({ window: 12, horizon: 6, strategy: 'recursive' })).outputSteps,
    ).toBe(1);
  });

  it('takes the targets to be all features when only the features are given', () => {
    const settings = forecastingSettings(spec({ window: 3, features: ['a', 'b'] }));
    expect(settings.features).toEqual(['a', 'b']);
    expect(settings.targets).toEqual(['a', 'b']);
  });

  it('refuses another task and an invalid spec', () => {
    const other = () =>
      forecastingSettings({
        version: 1,
        name: 'c',
        task: 'classification',
        input: { tokenizer: { type: 'char' } },
        layers: [
          { type: 'embedding', embeddingDim: 4 },
          { type: 'gru', hiddenSize: 4, returnSequences: false },
          { type: 'dense', units: 'auto' },
        ],
        training: { optimizer: { type: 'adam' } },
      });
    expect(other).toThrow(TaskError);
    expect(other).toThrow(
      'a forecasting task needs task "forecasting", the spec says "classification"',
    );
    expect(() => forecastingSettings(spec({ window: 3, differencing: 'seasonal' }))).toThrow(
      SpecValidationError,
    );
  });
});

describe('resolveColumns', () => {
  const series = { columns: { passengers: [1, 2], fuel: [3, 4] }, source: 'air.csv' };

  it('takes every column in key order as features and all of them as targets', () => {
    const resolved = resolveColumns(forecastingSettings(spec({ window: 3 })), series);
    expect(resolved.features).toEqual(['passengers', 'fuel']);
    expect(resolved.targets).toEqual(['passengers', 'fuel']);
    expect(resolved.spec.forecasting?.features).toEqual(['passengers', 'fuel']);
    expect(resolved.spec.forecasting?.targets).toEqual(['passengers', 'fuel']);
  });

  it('keeps given targets and takes the features from the data', () => {
    const resolved = resolveColumns(
      forecastingSettings(spec({ window: 3, targets: ['passengers'] })),
      series,
    );
    expect(resolved.features).toEqual(['passengers', 'fuel']);
    expect(resolved.targets).toEqual(['passengers']);
  });

  it('keeps columns the spec lists (and writes the default targets into the spec)', () => {
    const resolved = resolveColumns(
      forecastingSettings(spec({ window: 3, features: ['fuel'] })),
      series,
    );
    expect(resolved.features).toEqual(['fuel']);
    expect(resolved.targets).toEqual(['fuel']);
    expect(resolved.spec.forecasting?.targets).toEqual(['fuel']);
  });

  it('names a target the data does not have, with the columns it has', () => {
    expect(() =>
      resolveColumns(forecastingSettings(spec({ window: 3, targets: ['Passengers'] })), series),
    ).toThrow(
      new ForecastingSpecError(
        'forecasting.targets "Passengers" is not a column of air.csv (its columns: "passengers", "fuel")',
      ),
    );
  });

  it('refuses a recursive spec whose features from the data include a covariate', () => {
    expect(() =>
      resolveColumns(
        forecastingSettings(spec({ window: 3, targets: ['passengers'], strategy: 'recursive' })),
        series,
      ),
    ).toThrow(/every feature must be a target; "fuel" is not/);
  });

  it('refuses a first series without columns', () => {
    expect(() =>
      resolveColumns(forecastingSettings(spec({ window: 3 })), { columns: {}, source: 'e.csv' }),
    ).toThrow('e.csv has no value columns to take the features from');
  });
});
