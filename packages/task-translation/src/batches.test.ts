// Batches: the layout of sources, decoder inputs and labels written out by hand; the teacher-forcing
// mask drawn from the schedule where the run is, the same for the same (epoch, batch), absent at
// ratio 1 and for validation.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '@recurrent/backend-cpu';
import { teacherForcingRatio, useBackend } from '@recurrent/core';
import { layOut, trainingBatches } from './batches.js';
import type { EncodedPair } from './pair-encoding.js';

const pair = (index: number, source: number[], target: number[]): EncodedPair => ({
  index,
  source: {
    ids: Int32Array.from([...source, 3]),
    tokens: [],
    length: source.length,
    unknown: 0,
  },
  target: Int32Array.from(target),
});

describe('layOut', () => {
  it('pads sources (with <eos>), decoder inputs <bos> y… and labels y… <eos>', () => {
    const layout = layOut([pair(0, [5, 6], [7]), pair(1, [8], [9, 10, 11]), pair(2, [], [12])]);
    expect(layout.rows).toBe(3);
    expect(layout.sourceSteps).toBe(3);
    expect(Array.from(layout.source)).toEqual([5, 6, 3, 8, 3, 0, 3, 0, 0]);
    expect(layout.sourceLengths).toEqual([3, 2, 1]);
    expect(layout.targetSteps).toBe(4);
    expect(Array.from(layout.target)).toEqual([2, 7, 0, 0, 2, 9, 10, 11, 2, 12, 0, 0]);
    expect(Array.from(layout.labels)).toEqual([7, 3, 0, 0, 9, 10, 11, 3, 12, 3, 0, 0]);
    expect(layout.targetLengths).toEqual([2, 4, 2]);
  });
});

describe('trainingBatches', () => {
  const pairs = Array.from({ length: 10 }, (_, i) =>
    pair(
      i,
      Array.from({ length: 1 + (i % 4) }, () => 4 + i),
      [4, 5, 6].slice(0, 1 + (i % 3)),
    ),
  );
  const read = async (t: tf.Tensor | undefined) => (t ? Array.from(await t.data()) : undefined);

  it('batches every pair once, of similar source length, and counts target tokens', async () => {
    await useBackend('cpu');
    const data = trainingBatches(pairs, { batchSize: 4, seed: 1, teacherForcing: undefined });
    expect(data.batchCount).toBe(3);
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    for (let i = 0; i < data.batchCount; i++) {
      const batch = data.batch(i, { epoch: 0, step: i });
      const lengths = batch.inputs.sourceLengths as number[];
      expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
      expect(batch.inputs.teacherForcing).toBeUndefined();
      expect(batch.tokens).toBe((batch.inputs.targetLengths as number[]).reduce((a, b) => a + b));
      const source = (await read(batch.inputs.source as tf.Tensor)) as number[];
      for (let r = 0; r < lengths.length; r++)
        seen.push((source[r * Math.max(...lengths)] as number) - 4);
      tf.dispose([
        batch.targets,
        ...Object.values(batch.inputs).filter((v) => v instanceof tf.Tensor),
      ]);
    }
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('draws the mask of the schedule at the batch position, the same again for the same position', async () => {
    await useBackend('cpu');
    const teacherForcing = {
      ratio: 1,
      schedule: { type: 'linear' as const, per: 'epoch' as const, decay: 0.4, minRatio: 0 },
    };
    const data = trainingBatches(pairs, { batchSize: 4, seed: 3, teacherForcing });
    const mask = (epoch: number, index: number) => {
      const batch = data.batch(index, { epoch, step: 0 });
      const m = batch.inputs.teacherForcing as tf.Tensor | undefined;
      const rows = batch.targets.shape[0] as number;
      const shape = m?.shape;
      const values = m?.dataSync();
      tf.dispose([
        batch.targets,
        ...Object.values(batch.inputs).filter((v) => v instanceof tf.Tensor),
      ]);
      return { rows, shape, values: values ? Array.from(values) : undefined };
    };
    // Epoch 0: ratio 1, no mask. Epoch 1: 0.6. Epoch 3: 0 (floored): only column 0 reads the truth.
    expect(teacherForcingRatio(teacherForcing, { epoch: 1, step: 0 })).toBeCloseTo(0.6, 12);
    expect(mask(0, 0).values).toBeUndefined();
    const first = mask(1, 0);
    expect(first.shape).toEqual([first.rows, first.shape?.[1]]);
    expect(mask(1, 0)).toEqual(first);
    expect(mask(2, 0).values).not.toEqual(first.values);
    expect(mask(1, 1).values).not.toEqual(first.values);
    const steps = first.shape?.[1] as number;
    const zero = mask(3, 0);
    expect(zero.values).toEqual(
      Array.from({ length: zero.rows * steps }, (_, i) => (i % steps === 0 ? 1 : 0)),
    );
    // Validation asks without a position: teacher forcing on every step.
    const validation = data.batch(0);
    expect(validation.inputs.teacherForcing).toBeUndefined();
    tf.dispose([
      validation.targets,
      ...Object.values(validation.inputs).filter((v) => v instanceof tf.Tensor),
    ]);
  });
});
