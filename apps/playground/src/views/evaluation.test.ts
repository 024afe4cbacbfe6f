// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { evaluationFigures } from './evaluation.js';

describe('evaluationFigures', () => {
  it('shows a classification run as accuracy, macro-F1 and loss', () => {
    const figures = evaluationFigures('classification', {
      accuracy: 0.86,
      macroF1: 0.8591,
      loss: 0.35123,
      perClass: {},
      confusion: {},
      count: 300,
    });
    expect(figures.map((f) => `${f.label} ${f.text}`)).toEqual([
      'accuracy 86.0%',
      'macro-F1 85.9%',
      'loss 0.3512',
    ]);
    expect(figures[0]?.value).toBe(0.86);
  });

  it('reads nested fields and leaves out the ones the object lacks', () => {
    expect(
      evaluationFigures('tagging', { accuracy: 0.9, spans: { f1: 0.75 } }).map((f) => f.label),
    ).toEqual(['accuracy', 'span F1']);
    expect(evaluationFigures('translation', { bleu: 12.345, tokenAccuracy: Number.NaN })).toEqual([
      { label: 'BLEU', text: '12.35', value: 12.345 },
    ]);
  });

  it('sets a forecast beside the naive baseline, per target when there are several', () => {
    const report = (rmse: number) => ({ overall: { rmse, mae: 0 }, steps: [], mase: null });
    const one = { targets: { passengers: { model: report(21.5), naive: report(48.25) } } };
    expect(evaluationFigures('forecasting', one).map((f) => `${f.label} ${f.text}`)).toEqual([
      'RMSE 21.50',
      'naive RMSE 48.25',
    ]);
    const two = {
      targets: {
        a: { model: report(1), naive: report(2) },
        b: { model: report(3), naive: report(4) },
      },
    };
    expect(evaluationFigures('forecasting', two).map((f) => f.label)).toEqual([
      'a RMSE',
      'a naive RMSE',
      'b RMSE',
      'b naive RMSE',
    ]);
  });

  it('gives nothing for a missing evaluation (no validation data)', () => {
    expect(evaluationFigures('generation', undefined)).toEqual([]);
    expect(evaluationFigures('forecasting', {})).toEqual([]);
  });
});
