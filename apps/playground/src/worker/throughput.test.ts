// Tokens per second over a window of recent batches, and the time left at that pace.
import { describe, expect, it } from 'vitest';
import { Throughput } from './throughput.js';

describe('Throughput', () => {
  it('divides the tokens of the last batches by their time, and says nothing before a batch', () => {
    let now = 1000;
    const t = new Throughput(() => now, 3);
    expect(t.tokensPerSecond()).toBe(0);
    expect(t.secondsFor(10)).toBeUndefined();
    now += 500;
    t.add(100); // 100 tokens in 0.5 s
    expect(t.tokensPerSecond()).toBe(200);
    expect(t.secondsFor(4)).toBe(2);
    now += 1500;
    t.add(100); // 200 tokens in 2 s
    expect(t.tokensPerSecond()).toBe(100);
    expect(t.secondsFor(3)).toBe(3); // 1 s a batch
  });

  it('forgets batches older than its window (a slow first batch stops counting)', () => {
    let now = 0;
    const t = new Throughput(() => now, 2);
    now += 10_000;
    t.add(10); // slow: compiling kernels
    now += 100;
    t.add(10);
    now += 100;
    t.add(10);
    // The window is the last two batches: 20 tokens in 0.2 s.
    expect(t.tokensPerSecond()).toBeCloseTo(100, 10);
    expect(t.secondsFor(0)).toBe(0);
  });
});
