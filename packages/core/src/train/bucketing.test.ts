// Bucketing on the lengths of real sentences (the sentiment dataset's first 200, in words).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bucketByLength, paddingShare } from './bucketing.js';

describe('bucketByLength', () => {
  it('keeps every sequence exactly once and groups similar lengths', () => {
    const lengths = [5, 1, 9, 3, 3, 7, 2];
    const batches = bucketByLength(lengths, 3);
    expect(batches).toEqual([[1, 6, 3], [4, 0, 5], [2]]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('shuffles the batches (not their contents) the same way for the same seed', () => {
    const lengths = Array.from({ length: 40 }, (_, i) => (i * 37) % 23);
    const a = bucketByLength(lengths, 4, 7);
    const b = bucketByLength(lengths, 4, 7);
    const c = bucketByLength(lengths, 4, 8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect([...a].sort((x, y) => (x[0] as number) - (y[0] as number))).toEqual(
      [...bucketByLength(lengths, 4)].sort((x, y) => (x[0] as number) - (y[0] as number)),
    );
  });

  it('cuts padding on real sentence lengths', () => {
    const text = readFileSync(
      new URL(
        '../../../../../shared/datasets/sentiment-labelled-sentences/amazon_cells_labelled.txt',
        import.meta.url,
      ),
      'utf8',
    );
    const lengths = text
      .split('\n')
      .filter(Boolean)
      .slice(0, 200)
      .map((line) => (line.split('\t')[0] as string).split(/\s+/).length);
    const inOrder = Array.from({ length: Math.ceil(lengths.length / 16) }, (_, b) =>
      Array.from({ length: Math.min(16, lengths.length - b * 16) }, (_, k) => b * 16 + k),
    );
    const bucketed = bucketByLength(lengths, 16, 1);
    expect(paddingShare(lengths, bucketed)).toBeLessThan(paddingShare(lengths, inOrder) / 3);
  });

  it('names a bad batch size', () => {
    expect(() => bucketByLength([1, 2], 0)).toThrow('batchSize must be a positive integer, got 0');
  });
});
