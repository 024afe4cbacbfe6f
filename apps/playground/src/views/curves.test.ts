// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { CurvePoint } from '../protocol.js';
import { appendPoints, emptyCurves, hasValues, lastValue } from './curves.js';

const batch = (at: number, loss: number) => ({
  kind: 'batch' as const,
  point: { epoch: Math.floor(at), at, loss } satisfies CurvePoint,
});
const epoch = (at: number, loss: number, validationLoss?: number, accuracy?: number) => ({
  kind: 'epoch' as const,
  point: {
    epoch: at - 1,
    at,
    loss,
    ...(validationLoss !== undefined ? { validationLoss } : {}),
    ...(accuracy !== undefined ? { metrics: { accuracy, f1: 0.5 } } : {}),
  } satisfies CurvePoint,
});

describe('appendPoints', () => {
  it('puts an epoch record on the row of the batch that ended it', () => {
    const c = emptyCurves();
    appendPoints(c, [batch(0.5, 0.9), batch(1, 0.7), epoch(1, 0.8, 0.75, 0.6)], 'accuracy');
    expect(c.at).toEqual([0.5, 1]);
    expect(c.batchLoss).toEqual([0.9, 0.7]);
    expect(c.epochLoss).toEqual([null, 0.8]);
    expect(c.validationLoss).toEqual([null, 0.75]);
    expect(c.metric).toEqual([null, 0.6]);
  });

  it('keeps rows sorted by x when a point arrives late, and columns the same length', () => {
    const c = emptyCurves();
    appendPoints(c, [batch(0.25, 1), batch(0.75, 0.8)], 'accuracy');
    appendPoints(c, [batch(0.5, 0.9), batch(0.75, 0.7)], 'accuracy');
    expect(c.at).toEqual([0.25, 0.5, 0.75]);
    expect(c.batchLoss).toEqual([1, 0.9, 0.7]);
    for (const column of [c.epochLoss, c.validationLoss, c.metric]) expect(column).toHaveLength(3);
  });

  it('reads the metric it is asked for, and null for a non-finite value', () => {
    const c = emptyCurves();
    appendPoints(c, [epoch(1, Number.NaN, undefined, 0.7)], 'f1');
    expect(c.metric).toEqual([0.5]);
    expect(c.epochLoss).toEqual([null]);
    expect(c.validationLoss).toEqual([null]);
    expect(hasValues(c.validationLoss)).toBe(false);
  });

  it('finds the latest value of a column', () => {
    const c = emptyCurves();
    appendPoints(
      c,
      [epoch(1, 0.8, 0.7, 0.6), batch(1.5, 0.5), epoch(2, 0.4, 0.6, 0.8)],
      'accuracy',
    );
    appendPoints(c, [batch(2.5, 0.3)], 'accuracy');
    expect(lastValue(c.metric)).toBe(0.8);
    expect(lastValue(c.batchLoss)).toBe(0.3);
    expect(lastValue(emptyCurves().metric)).toBeUndefined();
  });
});
