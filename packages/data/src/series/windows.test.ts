// Windows: hand-built layout, error cases, and a property test that no window sees its future.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { chronologicalSplit } from './split.js';
import { windows } from './windows.js';

const ramp = (length: number, scale = 1) => Float64Array.from({ length }, (_, i) => i * scale);

describe('windows', () => {
  it('lays inputs out as [n, window, features] and targets as [n, horizon, targets]', () => {
    const a = ramp(6); // 0..5
    const b = ramp(6, 10); // 0, 10, ..., 50
    const result = windows([a, b], [a], { window: 2, horizon: 2 });
    expect(result.count).toBe(3);
    expect(Array.from(result.targetIndex)).toEqual([2, 3, 4]);
    expect(Array.from(result.inputs)).toEqual([0, 0, 1, 10, 1, 10, 2, 20, 2, 20, 3, 30]);
    expect(Array.from(result.targets)).toEqual([2, 3, 3, 4, 4, 5]);
  });

  it('keeps targets in [start, end) while inputs reach back before start', () => {
    const result = windows([ramp(10)], [ramp(10)], { window: 3, horizon: 1, start: 7, end: 10 });
    expect(Array.from(result.targetIndex)).toEqual([7, 8, 9]);
    expect(Array.from(result.inputs.slice(0, 3))).toEqual([4, 5, 6]);
  });

  it('names lengths when the series is too short or no window fits', () => {
    expect(() => windows([ramp(4)], [ramp(4)], { window: 3, horizon: 2 })).toThrow(
      new DataError(
        'series',
        undefined,
        'the series has 4 points, fewer than window 3 + horizon 2 = 5',
      ),
    );
    expect(() =>
      windows([ramp(10)], [ramp(10)], { window: 3, horizon: 2, start: 9, end: 10 }),
    ).toThrow('no window fits: targets in [9, 10) with window 3 and horizon 2');
    expect(() => windows([ramp(10)], [ramp(9)], { window: 3, horizon: 1 })).toThrow(
      'series 1 has 9 points where series 0 has 10',
    );
    expect(() => windows([ramp(10)], [ramp(10)], { window: 0, horizon: 1 })).toThrow(
      'window must be a positive integer, got 0',
    );
  });

  it('never lets a target precede an input, and the test part follows training (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 80 }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        (window, horizon, extra, testShare) => {
          const length = 2 * (window + horizon) + extra;
          // Each value is its own index, so the windows tell which points they hold.
          const index = ramp(length);
          const testSize = Math.max(horizon, Math.round(testShare * length));
          fc.pre(length - testSize >= window + horizon);
          const split = chronologicalSplit(length, {
            testSize,
            minimumTrainLength: window + horizon,
          });
          const train = windows([index], [index], { window, horizon, ...split.train });
          const test = windows([index], [index], { window, horizon, ...split.test });
          for (const part of [train, test]) {
            for (let n = 0; n < part.count; n++) {
              const inputs = part.inputs.subarray(n * window, (n + 1) * window);
              const targets = part.targets.subarray(n * horizon, (n + 1) * horizon);
              const latestInput = Math.max(...inputs);
              const earliestTarget = Math.min(...targets);
              if (!(earliestTarget > latestInput)) return false;
              if (earliestTarget !== part.targetIndex[n]) return false;
            }
          }
          const lastTrainTarget = Math.max(...train.targets);
          const firstTestTarget = Math.min(...test.targets);
          return (
            lastTrainTarget < split.test.start &&
            firstTestTarget >= split.test.start &&
            firstTestTarget > lastTrainTarget
          );
        },
      ),
      { seed: 15, numRuns: 300 },
    );
  });
});
