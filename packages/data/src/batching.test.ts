// Padding, bucketing and seeded splits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketByLength, padBatch, paddingShare, splitIndices } from './batching.js';

describe('padBatch', () => {
  it('right-pads with 0 to the longest row, keeps real lengths, truncates to maxLength', () => {
    const batch = padBatch([Int32Array.of(5, 6, 7), Int32Array.of(8), Int32Array.of()]);
    expect(batch).toMatchObject({ rows: 3, steps: 3, lengths: [3, 1, 1] });
    expect(Array.from(batch.ids)).toEqual([5, 6, 7, 8, 0, 0, 0, 0, 0]);
    const cut = padBatch([Int32Array.of(1, 2, 3, 4)], 2);
    expect(Array.from(cut.ids)).toEqual([1, 2]);
    expect(cut.lengths).toEqual([2]);
  });
});

describe('bucketByLength', () => {
  it('keeps every row once and groups similar lengths', () => {
    const batches = bucketByLength([5, 1, 9, 3, 3, 7, 2], 3);
    expect(batches).toEqual([[1, 6, 3], [4, 0, 5], [2]]);
    expect(() => bucketByLength([1], 0)).toThrow('batchSize must be a positive integer, got 0');
  });

  it('shuffles the batches the same way for the same seed, and cuts padding on real sentences', () => {
    const text = readFileSync(
      join(import.meta.dirname, '../test/fixtures/amazon-head.txt'),
      'utf8',
    );
    const lengths = text
      .split('\n')
      .filter(Boolean)
      .map((line) => (line.split('\t')[0] as string).split(/\s+/).length);
    const a = bucketByLength(lengths, 16, 7);
    expect(bucketByLength(lengths, 16, 7)).toEqual(a);
    expect(bucketByLength(lengths, 16, 8)).not.toEqual(a);
    const inOrder = Array.from({ length: Math.ceil(lengths.length / 16) }, (_, b) =>
      Array.from({ length: Math.min(16, lengths.length - b * 16) }, (_, k) => b * 16 + k),
    );
    expect(paddingShare(lengths, a)).toBeLessThan(paddingShare(lengths, inOrder) / 3);
  });
});

describe('splitIndices', () => {
  it('splits every row into exactly one side, the same way for the same seed', () => {
    const { train, validation } = splitIndices(100, 0.05, 3);
    expect(validation).toHaveLength(5);
    expect([...train, ...validation].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(splitIndices(100, 0.05, 3)).toEqual({ train, validation });
    expect(splitIndices(100, 0.05, 4).validation).not.toEqual(validation);
    expect(() => splitIndices(10, 1, 0)).toThrow('the validation share must be in [0, 1), got 1');
  });
});
