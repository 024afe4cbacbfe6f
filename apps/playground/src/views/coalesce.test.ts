// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createCoalescer } from './coalesce.js';

/** A hand-driven frame clock: `frame(ms)` advances time and runs what was scheduled. */
function fakeFrames() {
  let time = 0;
  let next = 1;
  const callbacks = new Map<number, () => void>();
  return {
    schedule(callback: () => void) {
      callbacks.set(next, callback);
      return next++;
    },
    unschedule(handle: number) {
      callbacks.delete(handle);
    },
    now: () => time,
    frame(ms = 16) {
      time += ms;
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const callback of due) callback();
    },
    get pending() {
      return callbacks.size;
    },
  };
}

describe('createCoalescer', () => {
  it('hands over everything pushed before a frame in one flush', () => {
    const clock = fakeFrames();
    const flushes: number[][] = [];
    const c = createCoalescer<number>((items) => flushes.push(items), { ...clock });
    for (let i = 0; i < 50; i++) c.push(i);
    expect(flushes).toEqual([]);
    clock.frame();
    expect(flushes).toEqual([Array.from({ length: 50 }, (_, i) => i)]);
    expect(clock.pending).toBe(0);
  });

  it('waits minIntervalMs between flushes, keeping what arrives meanwhile', () => {
    const clock = fakeFrames();
    const flushes: number[][] = [];
    const c = createCoalescer<number>((items) => flushes.push(items), {
      ...clock,
      minIntervalMs: 100,
    });
    c.push(1);
    clock.frame(16); // t = 16: first flush
    c.push(2);
    clock.frame(16); // t = 32: too soon
    c.push(3);
    clock.frame(50); // t = 82: still too soon
    expect(flushes).toEqual([[1]]);
    clock.frame(40); // t = 122 ≥ 16 + 100
    expect(flushes).toEqual([[1], [2, 3]]);
  });

  it('flushes at most ten times a second under a stream of points', () => {
    const clock = fakeFrames();
    let flushCount = 0;
    let received = 0;
    const c = createCoalescer<number>(
      (items) => {
        flushCount++;
        received += items.length;
      },
      { ...clock, minIntervalMs: 100 },
    );
    // 1000 points over one second of 16 ms frames (about 16 points a frame).
    for (let f = 0; f < 63; f++) {
      for (let i = 0; i < 16; i++) c.push(i);
      clock.frame(16);
    }
    c.flushNow();
    expect(received).toBe(63 * 16);
    expect(flushCount).toBeLessThanOrEqual(11);
    expect(flushCount).toBeGreaterThanOrEqual(9);
  });

  it('flushNow hands over at once and unschedules the frame; cancel drops the buffer', () => {
    const clock = fakeFrames();
    const flushes: number[][] = [];
    const c = createCoalescer<number>((items) => flushes.push(items), { ...clock });
    c.push(1);
    c.flushNow();
    expect(flushes).toEqual([[1]]);
    expect(clock.pending).toBe(0);
    c.flushNow(); // nothing buffered: no empty flush
    expect(flushes).toEqual([[1]]);
    c.push(2);
    c.cancel();
    clock.frame(500);
    expect(flushes).toEqual([[1]]);
  });
});
