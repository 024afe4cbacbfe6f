// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatEpoch,
  formatMetric,
  formatThroughput,
  mainMetric,
  significant,
} from './format.js';

describe('formatDuration', () => {
  it('writes seconds, minutes with padded seconds, hours with padded minutes', () => {
    expect(formatDuration(0.4)).toBe('< 1 s');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(59.6)).toBe('1 min 00 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3599)).toBe('59 min 59 s');
    expect(formatDuration(3600 + 2 * 60 + 10)).toBe('1 h 02 min');
    expect(formatDuration(26 * 3600)).toBe('26 h 00 min');
  });

  it('gives a dash for an unknown, infinite or negative time', () => {
    for (const value of [undefined, Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(formatDuration(value)).toBe('—');
    }
  });
});

describe('formatThroughput', () => {
  it('uses one decimal below 10, integers below 1000, k and M above', () => {
    expect(formatThroughput(7.46)).toBe('7.5 tokens/s');
    expect(formatThroughput(312.4)).toBe('312 tokens/s');
    expect(formatThroughput(1234)).toBe('1.23k tokens/s');
    expect(formatThroughput(12_345)).toBe('12.3k tokens/s');
    expect(formatThroughput(1_204_000, 'windows')).toBe('1.20M windows/s');
    expect(formatThroughput(undefined)).toBe('—');
  });
});

describe('formatBytes', () => {
  it('uses decimal units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(12_345)).toBe('12.3 kB');
    expect(formatBytes(1_456_000)).toBe('1.46 MB');
    expect(formatBytes(undefined)).toBe('—');
  });
});

describe('metrics', () => {
  it('names the metric each task reports per epoch', () => {
    expect(mainMetric.classification.key).toBe('accuracy');
    expect(mainMetric.generation.key).toBe('perplexity');
    expect(mainMetric.translation.key).toBe('bleu');
    expect(mainMetric.forecasting.key).toBe('rmse');
  });

  it('shows accuracy as a percentage and other metrics as numbers', () => {
    expect(formatMetric('accuracy', 0.8125)).toBe('81.3%');
    expect(formatMetric('bleu', 21.456)).toBe('21.46');
    expect(formatMetric('perplexity', 12.3456)).toBe('12.35');
    expect(formatMetric('rmse', 0.0123456)).toBe('0.01235');
    expect(formatMetric('rmse', undefined)).toBe('—');
  });

  it('keeps significant digits without exponents for usual sizes', () => {
    expect(significant(Math.LN2, 4)).toBe('0.6931');
    expect(significant(1234.5678, 4)).toBe('1235');
    expect(significant(0, 4)).toBe('0');
    expect(significant(-2.5e-3, 2)).toBe('-0.0025');
  });

  it('shows the epoch of a progress point, counted from 1, within the run', () => {
    expect(formatEpoch(1, 10)).toBe('epoch 1/10');
    expect(formatEpoch(10, 10)).toBe('epoch 10/10');
    // A resumed run's points never read past the last epoch or before the first.
    expect(formatEpoch(11, 10)).toBe('epoch 10/10');
    expect(formatEpoch(0, 10)).toBe('epoch 1/10');
  });
});
