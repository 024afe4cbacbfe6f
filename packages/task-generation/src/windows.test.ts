// The training part of a stream as windows with next-token targets, and the held-out end.
import '@recurrent/backend-cpu';
import { useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitStream, TrainingTextError, windowBatches } from './windows.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('splitStream', () => {
  it('holds out the last tenth of the windows, at least one batch', () => {
    // 1001 tokens: 100 windows of 10; a tenth is 10 windows, a batch 4 → 10 held out.
    expect(splitStream(1001, 10, 4, true, 'text')).toEqual({
      windows: 90,
      trainTokens: 901,
      heldOutStart: 900,
    });
    // A batch of 16 is more than a tenth of 100 windows → 16 held out.
    expect(splitStream(1001, 10, 16, true, 'text')).toEqual({
      windows: 84,
      trainTokens: 841,
      heldOutStart: 840,
    });
    // Without holding out, every window trains.
    expect(splitStream(1001, 10, 16, false, 'text')).toEqual({
      windows: 100,
      trainTokens: 1001,
      heldOutStart: 1001,
    });
  });

  it('refuses empty and short streams, saying how much is needed', () => {
    expect(() => splitStream(0, 10, 4, true, 'the training text')).toThrow(
      new TrainingTextError('the training text is empty: there is nothing to train on'),
    );
    expect(() => splitStream(80, 10, 4, true, 'x')).toThrow(
      'x has 80 tokens, 7 windows of 10 (input.maxLength); training needs at least 8 windows, 81 tokens: one batch of 4 (training.batchSize) to train on and one held out for validation',
    );
    expect(splitStream(81, 10, 4, true, 'x').windows).toBe(4);
    expect(() => splitStream(40, 10, 4, false, 'x')).toThrow(
      'x has 40 tokens, 3 windows of 10 (input.maxLength); training needs at least 4 windows, 41 tokens: one batch of 4 (training.batchSize)',
    );
  });
});

describe('windowBatches', () => {
  // ids equal to positions, so every value says where it came from.
  const ids = Int32Array.from({ length: 120 }, (_, i) => i);

  it('covers every window once, targets one step ahead, rows of later batches continuing earlier ones', () => {
    const before = tf.memory().numTensors;
    const data = windowBatches(ids, 11, 10, 4); // 11 windows in ceil(11 / 4) = 3 batches
    expect(data.batchCount).toBe(3);
    const starts: number[] = [];
    const rows: number[][] = [];
    for (let i = 0; i < data.batchCount; i++) {
      const batch = data.batch(i);
      const tokens = batch.inputs.tokens as tf.Tensor;
      const x = tokens.arraySync() as number[][];
      const y = Array.from(batch.targets.dataSync());
      expect(tokens.dtype).toBe('int32');
      expect(x.length).toBeLessThanOrEqual(4);
      x.forEach((row, r) => {
        expect(row).toEqual(Array.from({ length: 10 }, (_, t) => (row[0] as number) + t));
        expect(y.slice(r * 10, r * 10 + 10)).toEqual(row.map((v) => v + 1));
        starts.push(row[0] as number);
      });
      rows.push(x.map((row) => row[0] as number));
      tf.dispose([tokens, batch.targets]);
    }
    expect(starts.sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, w) => w * 10));
    // Batch 0 rows start at windows 0, 3, 6, 9; batch 1 at 1, 4, 7, 10: each continues its row.
    expect(rows).toEqual([
      [0, 30, 60, 90],
      [10, 40, 70, 100],
      [20, 50, 80],
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
