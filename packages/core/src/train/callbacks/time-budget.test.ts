// The time budget on its own: a stop once more than `maxTimeMs` passed since the run began.
import { describe, expect, it } from 'vitest';
import { fakeRun } from '../../../test/fake-run.js';
import { TimeBudget } from './time-budget.js';

describe('TimeBudget', () => {
  it('stops the run at the first batch boundary past the budget, counted from its start', () => {
    let time = 500;
    const run = fakeRun();
    const budget = new TimeBudget(1000, () => time);
    budget.onTrainBegin();
    for (const t of [600, 1500]) {
      time = t;
      budget.onBatchBegin(run);
    }
    expect(run.stopReason).toBeUndefined(); // 1000 ms exactly is still inside the budget
    time = 1500.5;
    budget.onBatchBegin(run);
    expect(run.log).toEqual(['stop time-budget']);
  });

  it('with a budget of 0 stops before the first batch', () => {
    let time = 0;
    const run = fakeRun();
    const budget = new TimeBudget(0, () => time);
    budget.onTrainBegin();
    time = 0.001;
    budget.onBatchBegin(run);
    expect(run.stopReason).toBe('time-budget');
  });
});
