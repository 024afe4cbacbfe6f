// The abort-signal stop on its own (fit.test.ts shows the run it stops resumes exactly).
import { describe, expect, it } from 'vitest';
import { fakeRun } from '../../../test/fake-run.js';
import { StopOnAbort } from './abort.js';

describe('StopOnAbort', () => {
  it('stops the run at the first batch boundary after the signal is aborted', () => {
    const controller = new AbortController();
    const run = fakeRun();
    const stop = new StopOnAbort(controller.signal);
    stop.onBatchBegin(run);
    expect(run.stopReason).toBeUndefined();
    controller.abort();
    stop.onBatchBegin(run);
    expect(run.log).toEqual(['stop aborted']);
  });

  it('stops before the first batch when the signal was aborted already', () => {
    const run = fakeRun();
    new StopOnAbort(AbortSignal.abort()).onBatchBegin(run);
    expect(run.stopReason).toBe('aborted');
  });
});
