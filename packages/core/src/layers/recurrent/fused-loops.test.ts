// The shared fused backward loop flushes gradients that decay below 1e-30 to zero (float32
// subnormals make every later multiply ~100x slower) and leaves every other value exact.
import { describe, expect, it } from 'vitest';
import { fusedBackwardLoop } from './fused-loops.js';

describe('fusedBackwardLoop', () => {
  it('flushes decayed gradients below 1e-30 to zero and keeps the rest exact', () => {
    // rnn-tanh, one unit, T steps with h = 0 (so dtanh = 1) and W_hh = 0.5: the gradient of step
    // T-1-k is 0.5^k, which passes 1e-30 after 99 steps and float32's subnormals after 126.
    const T = 160;
    const dGates = new Float32Array(T);
    const dh0 = new Float32Array(1);
    const dhRecurrent = new Float32Array(1);
    fusedBackwardLoop(
      { cell: 'rnn-tanh', T, B: 1, H: 1, reverse: false },
      {
        dOut: new Float32Array(T),
        dhLast: Float32Array.of(1),
        dcLast: undefined,
        gates: new Float32Array(T),
        extra: new Float32Array(T), // h' = 0
        hPrev: new Float32Array(T),
        cPrev: new Float32Array(T),
        mask: undefined,
        dhRecurrent,
        dGatesX: dGates,
        dGatesH: dGates,
        dh0,
        dc0: new Float32Array(1),
      },
      (t) => {
        dhRecurrent[0] = 0.5 * (dGates[t] as number); // dGates[t] · W_hh
      },
    );
    for (let k = 0; k < T; k++) {
      const value = dGates[T - 1 - k] as number;
      const exact = Math.fround(0.5 ** k);
      if (exact >= 1e-30) expect(value, `step ${T - 1 - k}`).toBe(exact);
      else expect(value, `step ${T - 1 - k}`).toBe(0);
    }
    expect(dh0[0]).toBe(0);
  });
});
