// Teacher-forcing schedules against values worked out by hand from the schema's formulas, the
// mask's draws against a replay of core's Random and against binomial bounds, and the bad-setting
// table (every message names the spec field).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Random } from '../init/random.js';
import type { TeacherForcingSpec } from '../spec/types.generated.js';
import {
  checkTeacherForcing,
  TeacherForcingError,
  teacherForcingMask,
  teacherForcingRandom,
  teacherForcingRatio,
} from './teacher-forcing.js';

const at = (epoch: number, step = 0) => ({ epoch, step });

function spec(ratio: number, schedule?: Record<string, unknown>): TeacherForcingSpec {
  return (
    schedule === undefined
      ? { ratio }
      : { ratio, schedule: { per: 'epoch', minRatio: 0, ...schedule } }
  ) as TeacherForcingSpec;
}

async function rows(mask: tf.Tensor): Promise<number[][]> {
  const values = (await mask.array()) as number[][];
  mask.dispose();
  return values;
}

describe('teacherForcingRatio', () => {
  it('is 1 without a spec and the ratio without a schedule or with a constant one', () => {
    expect(teacherForcingRatio(undefined, at(5, 900))).toBe(1);
    expect(teacherForcingRatio(spec(0.6), at(5, 900))).toBe(0.6);
    expect(teacherForcingRatio(spec(0.6, { type: 'constant' }), at(9, 1e6))).toBe(0.6);
  });

  it('linear: ratio - decay * epoch, floored at minRatio', () => {
    const s = spec(1, { type: 'linear', decay: 0.1, minRatio: 0.25 });
    expect(teacherForcingRatio(s, at(0, 500))).toBe(1);
    expect(teacherForcingRatio(s, at(3, 500))).toBeCloseTo(0.7, 12);
    expect(teacherForcingRatio(s, at(7, 500))).toBeCloseTo(0.3, 12);
    expect(teacherForcingRatio(s, at(8, 500))).toBe(0.25);
    expect(teacherForcingRatio(s, at(100, 500))).toBe(0.25);
  });

  it('exponential per step: ratio * k^step, floored at minRatio', () => {
    const s = spec(0.9, { type: 'exponential', k: 0.5, per: 'step' });
    expect(teacherForcingRatio(s, at(4, 0))).toBe(0.9);
    expect(teacherForcingRatio(s, at(4, 3))).toBeCloseTo(0.1125, 12);
    const floored = spec(0.9, { type: 'exponential', k: 0.5, per: 'step', minRatio: 0.2 });
    expect(teacherForcingRatio(floored, at(0, 3))).toBe(0.2);
  });

  it('inverse sigmoid: ratio * k / (k + exp(i / k))', () => {
    const s = spec(1, { type: 'inverse-sigmoid', k: 10, per: 'step' });
    expect(teacherForcingRatio(s, at(0, 0))).toBeCloseTo(0.9090909090909091, 12);
    expect(teacherForcingRatio(s, at(0, 10))).toBeCloseTo(0.7862697284804238, 12);
    expect(teacherForcingRatio(s, at(0, 50))).toBeCloseTo(0.06312606892413997, 12);
    // exp overflows to Infinity far out: the ratio reaches 0 (or the floor), never NaN.
    expect(teacherForcingRatio(s, at(0, 1e6))).toBe(0);
    const byEpoch = spec(0.8, { type: 'inverse-sigmoid', k: 3, minRatio: 0.1 });
    expect(teacherForcingRatio(byEpoch, at(2, 7000))).toBeCloseTo(0.48507053533710315, 12);
    expect(teacherForcingRatio(byEpoch, at(40, 0))).toBe(0.1);
  });

  it('decreases monotonically within [minRatio, ratio] for every decaying schedule', () => {
    for (const schedule of [
      { type: 'linear', decay: 0.03, minRatio: 0.1 },
      { type: 'exponential', k: 0.9, minRatio: 0.1 },
      { type: 'inverse-sigmoid', k: 5, minRatio: 0.1 },
    ]) {
      let previous = Number.POSITIVE_INFINITY;
      for (let epoch = 0; epoch < 60; epoch++) {
        const value = teacherForcingRatio(spec(0.95, schedule), at(epoch));
        expect(value).toBeLessThanOrEqual(previous);
        expect(value).toBeGreaterThanOrEqual(0.1);
        expect(value).toBeLessThanOrEqual(0.95);
        previous = value;
      }
      expect(previous).toBeCloseTo(0.1, 3);
    }
  });

  const refused: Array<[string, TeacherForcingSpec, string]> = [
    [
      'decay on an exponential schedule',
      spec(1, { type: 'exponential', k: 0.9, decay: 0.1 }),
      'training.teacherForcing.schedule.decay: has no effect on a "exponential" schedule',
    ],
    [
      'k on a linear schedule',
      spec(1, { type: 'linear', decay: 0.1, k: 2 }),
      'training.teacherForcing.schedule.k: has no effect on a "linear" schedule',
    ],
    [
      'a linear schedule without decay',
      spec(1, { type: 'linear' }),
      'training.teacherForcing.schedule.decay: a linear schedule needs decay > 0, got undefined',
    ],
    [
      'exponential k of 1',
      spec(1, { type: 'exponential', k: 1 }),
      'training.teacherForcing.schedule.k: an exponential schedule needs k in (0, 1), got 1',
    ],
    [
      'inverse-sigmoid k below 1',
      spec(1, { type: 'inverse-sigmoid', k: 0.5 }),
      'training.teacherForcing.schedule.k: an inverse-sigmoid schedule needs k >= 1, got 0.5',
    ],
    [
      'a floor above the ratio',
      spec(0.5, { type: 'linear', decay: 0.1, minRatio: 0.7 }),
      'training.teacherForcing.schedule.minRatio: (0.7) must be below training.teacherForcing.ratio (0.5)',
    ],
    [
      'a decaying schedule from ratio 0',
      spec(0, { type: 'inverse-sigmoid', k: 4 }),
      'training.teacherForcing.schedule.minRatio: (0) must be below training.teacherForcing.ratio (0)',
    ],
    [
      'a floor on a constant schedule',
      spec(0.5, { type: 'constant', minRatio: 0.2 }),
      'training.teacherForcing.schedule.minRatio: has no effect on a "constant" schedule',
    ],
    [
      'a ratio above 1',
      spec(1.5),
      'training.teacherForcing.ratio: must be a number from 0 to 1, got 1.5',
    ],
    [
      'an unknown type',
      spec(1, { type: 'cosine' }),
      'training.teacherForcing.schedule.type: must be "constant", "linear", "exponential" or "inverse-sigmoid", got "cosine"',
    ],
    [
      'an unknown unit',
      spec(1, { type: 'linear', decay: 0.1, per: 'batch' }),
      'training.teacherForcing.schedule.per: must be "step" or "epoch", got "batch"',
    ],
  ];
  it.each(refused)('refuses %s, naming the field', (_, bad, message) => {
    expect(() => checkTeacherForcing(bad)).toThrow(TeacherForcingError);
    expect(() => checkTeacherForcing(bad)).toThrow(message);
    expect(() => teacherForcingRatio(bad, at(0))).toThrow(message);
  });

  it('refuses a position that is not a count', () => {
    const s = spec(1, { type: 'linear', decay: 0.1, per: 'step' });
    expect(() => teacherForcingRatio(s, at(0, -1))).toThrow(
      "the position's step must be an integer >= 0, got -1",
    );
    expect(() => teacherForcingRatio(s, { epoch: 0 } as never)).toThrow('got undefined');
  });
});

describe('teacherForcingMask', () => {
  it('is undefined at ratio 1 (no mask: every step teacher-forced) and draws nothing', () => {
    const random = new Random(3);
    expect(teacherForcingMask(1, 4, 9, random)).toBeUndefined();
    expect(random.state).toEqual(new Random(3).state);
  });

  it('draws row by row, step 1 on, 1 where random.next() < ratio; column 0 is always 1', async () => {
    const replay = new Random(11);
    const mask = teacherForcingMask(0.4, 3, 5, new Random(11)) as tf.Tensor2D;
    expect(mask.dtype).toBe('float32');
    expect(mask.shape).toEqual([3, 5]);
    const expected = [0, 1, 2].map(() => [
      1,
      ...[1, 2, 3, 4].map(() => (replay.next() < 0.4 ? 1 : 0)),
    ]);
    expect(await rows(mask)).toEqual(expected);
  });

  it('at ratio 0 reads only the start token from the target', async () => {
    expect(await rows(teacherForcingMask(0, 2, 4, new Random(0)) as tf.Tensor)).toEqual([
      [1, 0, 0, 0],
      [1, 0, 0, 0],
    ]);
  });

  it('keeps column 0 at 1 for every row and step count', async () => {
    for (const [ratio, r, s] of [
      [0.01, 50, 1],
      [0.2, 7, 2],
      [0.9, 31, 17],
    ] as const) {
      const values = await rows(teacherForcingMask(ratio, r, s, new Random(r * s)) as tf.Tensor);
      expect(values.map((row) => row[0])).toEqual(Array(r).fill(1));
    }
  });

  it('draws at the ratio, independently per row and per step (binomial bounds, 5 sigma)', async () => {
    const R = 200;
    const T = 51;
    for (const ratio of [0.3, 0.75]) {
      const values = await rows(
        teacherForcingMask(ratio, R, T, teacherForcingRandom(42, 0, 0)) as tf.Tensor,
      );
      const draws = values.flatMap((row) => row.slice(1));
      const n = draws.length;
      const ones = draws.filter((v) => v === 1).length;
      const sigma = Math.sqrt((ratio * (1 - ratio)) / n);
      expect(Math.abs(ones / n - ratio)).toBeLessThan(5 * sigma);
      // Per step: after a 1 the next step is 1 at the same rate (no correlation along time).
      let afterOne = 0;
      let onesAfterOne = 0;
      for (const row of values) {
        for (let t = 2; t < T; t++) {
          if (row[t - 1] === 1) {
            afterOne++;
            if (row[t] === 1) onesAfterOne++;
          }
        }
      }
      const sigmaAfter = Math.sqrt((ratio * (1 - ratio)) / afterOne);
      expect(Math.abs(onesAfterOne / afterOne - ratio)).toBeLessThan(5 * sigmaAfter);
      // Per row: the rows of one step are separate draws, not one choice for the whole batch.
      const columnsAllSame = Array.from({ length: T - 1 }, (_, t) =>
        values.every((row) => row[t + 1] === values[0]?.[t + 1]),
      ).filter(Boolean).length;
      expect(columnsAllSame).toBe(0);
    }
  });

  it('refuses a bad ratio or shape', () => {
    const random = new Random(0);
    expect(() => teacherForcingMask(-0.1, 2, 2, random)).toThrow(
      'teacherForcingMask: ratio must be a number from 0 to 1, got -0.1',
    );
    expect(() => teacherForcingMask(0.5, 0, 2, random)).toThrow(
      'teacherForcingMask: rows must be an integer >= 1, got 0',
    );
    expect(() => teacherForcingMask(0.5, 2, 1.5, random)).toThrow(
      'teacherForcingMask: steps must be an integer >= 1, got 1.5',
    );
  });

  it('leaves only the returned mask allocated', () => {
    const before = tf.memory().numTensors;
    const mask = teacherForcingMask(0.5, 8, 8, new Random(1)) as tf.Tensor;
    expect(tf.memory().numTensors).toBe(before + 1);
    mask.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('teacherForcingRandom', () => {
  const draw = (seed: number, epoch: number, index: number) =>
    rows(teacherForcingMask(0.5, 6, 12, teacherForcingRandom(seed, epoch, index)) as tf.Tensor);

  it('gives a batch the same mask whenever it is asked for (a resumed run redraws the same)', async () => {
    // The uninterrupted run draws epoch 0's batches, then epoch 1's; a run resumed at epoch 1
    // batch 2 draws that batch first.
    const uninterrupted: number[][][] = [];
    for (const epoch of [0, 1]) {
      for (let index = 0; index < 4; index++) uninterrupted.push(await draw(42, epoch, index));
    }
    expect(await draw(42, 1, 2)).toEqual(uninterrupted[6]);
    expect(await draw(42, 0, 0)).toEqual(uninterrupted[0]);
  });

  it('gives different masks to different batches, epochs and seeds', async () => {
    const seen = new Set<string>();
    for (const [seed, epoch, index] of [
      [42, 0, 0],
      [42, 0, 1],
      [42, 1, 0],
      [43, 0, 0],
      [0, 0, 0],
      [0, 1, 1],
    ] as const) {
      seen.add(JSON.stringify(await draw(seed, epoch, index)));
    }
    expect(seen.size).toBe(6);
  });

  it('does not repeat the stream of Random(seed) (what fit seeds from training.seed)', () => {
    expect(teacherForcingRandom(42, 0, 0).state).not.toEqual(new Random(42).state);
  });

  it('refuses numbers that are not counts', () => {
    expect(() => teacherForcingRandom(1.5, 0, 0)).toThrow(
      'teacherForcingRandom: seed must be an integer from 0 to 4294967295, got 1.5',
    );
    expect(() => teacherForcingRandom(1, -1, 0)).toThrow('epoch must be');
    expect(() => teacherForcingRandom(1, 0, Number.NaN)).toThrow('batchIndex must be');
  });
});
