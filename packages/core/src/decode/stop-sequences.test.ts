import { describe, expect, it } from 'vitest';
import { StopSequences } from './stop-sequences.js';

describe('StopSequences', () => {
  const stops = new StopSequences([[1, 2, 3], [5], [2, 3]]);

  it('finds the stop sequence the tokens end with, the longest when several do', () => {
    expect(stops.completed([])).toBe(0);
    expect(stops.completed([1, 2])).toBe(0);
    expect(stops.completed([4, 5])).toBe(1);
    expect(stops.completed([4, 2, 3])).toBe(2);
    expect(stops.completed([0, 1, 2, 3])).toBe(3);
    expect(stops.completed([1, 2, 3, 4])).toBe(0);
  });

  it('counts the last tokens that may still begin a stop sequence', () => {
    expect(stops.undecided([])).toBe(0);
    expect(stops.undecided([4])).toBe(0);
    expect(stops.undecided([4, 1])).toBe(1);
    expect(stops.undecided([4, 1, 2])).toBe(2);
    expect(stops.undecided([4, 2])).toBe(1);
    expect(stops.undecided([1, 2, 4])).toBe(0);
    // Overlaps: in 1 1 1 only the last two can still begin 1 1 2.
    expect(new StopSequences([[1, 1, 2]]).undecided([1, 1, 1])).toBe(2);
    expect(new StopSequences([]).undecided([1, 2])).toBe(0);
  });
});
