// Chronological splits: contiguous, in time order, sizes as counts or fractions.
import { describe, expect, it } from 'vitest';
import { chronologicalSplit } from './split.js';

describe('chronologicalSplit', () => {
  it('holds out the last points for test, validation just before it', () => {
    expect(chronologicalSplit(144, { testSize: 48 })).toEqual({
      train: { start: 0, end: 96 },
      validation: { start: 96, end: 96 },
      test: { start: 96, end: 144 },
    });
    expect(chronologicalSplit(100, { testSize: 0.2, validationSize: 10 })).toEqual({
      train: { start: 0, end: 70 },
      validation: { start: 70, end: 80 },
      test: { start: 80, end: 100 },
    });
    // 20% of the 3,650 Melbourne days is 730.
    expect(chronologicalSplit(3650, { testSize: 0.2 }).test).toEqual({ start: 2920, end: 3650 });
  });

  it('refuses sizes that leave too little for training, or that are not counts or fractions', () => {
    expect(() =>
      chronologicalSplit(20, { testSize: 10, validationSize: 5, minimumTrainLength: 13 }),
    ).toThrow(
      'a series of 20 points leaves 5 for training after 10 test and 5 validation points; training needs at least 13',
    );
    expect(() => chronologicalSplit(10, { testSize: 10 })).toThrow('leaves 0 for training');
    expect(() => chronologicalSplit(10, { testSize: 1.5 })).toThrow(
      'testSize must be a count (integer >= 0) or a fraction in (0, 1), got 1.5',
    );
    expect(() => chronologicalSplit(10, { testSize: -1 })).toThrow('testSize must be a count');
    expect(() => chronologicalSplit(10, { testSize: 0.01 })).toThrow(
      'testSize 0.01 of 10 points rounds to 0 points',
    );
  });
});
