// The yielding stepper passes every call through unchanged and gives the event loop a turn between
// steps, so that a timer can abort a long decoding on backends whose reads resolve at once.

import { describe, expect, it } from 'vitest';
import type { DecodeStepper } from './contract.js';
import { decode } from './decode.js';
import { yieldingStepper } from './yielding-stepper.js';

/** A stepper over a fixed next-token table (token t is followed by t + 1 mod 5), no tensors. */
function cycleStepper(busyMs = 0): DecodeStepper<number> & { calls: string[] } {
  const calls: string[] = [];
  const scores = (last: number) => {
    const end = performance.now() + busyMs;
    while (performance.now() < end) {
      // a model step that takes time without awaiting anything
    }
    const logits = new Float32Array(5).fill(-5);
    logits[(last + 1) % 5] = 5;
    return { logits, state: last };
  };
  return {
    calls,
    vocabularySize: 5,
    prefill: async (prompt) => {
      calls.push(`prefill ${prompt.join()}`);
      return scores(prompt[prompt.length - 1] as number);
    },
    step: async (tokens, state) => {
      calls.push(`step ${tokens.join()} from ${state}`);
      return scores(tokens[0] as number);
    },
    select: (state, rows) => {
      calls.push(`select ${rows.join()}`);
      return state;
    },
    release: (state) => {
      calls.push(`release ${state}`);
    },
  };
}

describe('yieldingStepper', () => {
  it('decodes exactly as the stepper it wraps, with the same calls', async () => {
    const plain = cycleStepper();
    const wrapped = cycleStepper();
    const options = { strategy: 'greedy' as const, maxNewTokens: 6, stopSequences: [[1, 2, 0]] };
    const a = await decode(plain, Int32Array.of(0, 1), options);
    const b = await decode(yieldingStepper(wrapped, 0), Int32Array.of(0, 1), options);
    expect(b).toEqual(a);
    expect(wrapped.calls).toEqual(plain.calls);
    expect(a.hypotheses[0]?.tokens).toEqual([2, 3, 4, 0, 1, 2]);
  });

  it('lets a timer abort a decoding whose steps never wait', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    const result = await decode(yieldingStepper(cycleStepper(1)), Int32Array.of(0), {
      strategy: 'greedy',
      maxNewTokens: 100_000,
      signal: controller.signal,
    });
    expect(result.hypotheses[0]?.stoppedBy).toBe('aborted');
    expect(result.hypotheses[0]?.tokens.length).toBeLessThan(1000);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('without it, the same timer fires only after the steps', async () => {
    // The steps decode would make, awaited one by one with no yielding stepper in between.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const stepper = cycleStepper(1);
    let { state } = await stepper.prefill(Int32Array.of(0));
    let steps = 0;
    while (steps < 100 && !controller.signal.aborted) {
      ({ state } = await stepper.step(Int32Array.of(state), state));
      steps++;
    }
    expect(steps).toBe(100);
    expect(controller.signal.aborted).toBe(false);
  });
});
