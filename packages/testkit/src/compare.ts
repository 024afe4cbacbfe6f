// Element-wise closeness: |actual - expected| <= atol + rtol * |expected|, as numpy.allclose.

export interface Tolerance {
  atol: number;
  rtol: number;
}

export interface Mismatch {
  name: string;
  problem: string;
}

/** Every named array of `actual` against `expected`; returns the problems (empty when close). */
export function compareResults(
  expected: ReadonlyMap<string, Float32Array>,
  actual: ReadonlyMap<string, Float32Array>,
  tolerance: (name: string) => Tolerance,
): Mismatch[] {
  const problems: Mismatch[] = [];
  for (const [name, want] of expected) {
    const got = actual.get(name);
    if (!got) {
      problems.push({ name, problem: 'missing' });
      continue;
    }
    if (got.length !== want.length) {
      problems.push({ name, problem: `${got.length} values, expected ${want.length}` });
      continue;
    }
    const { atol, rtol } = tolerance(name);
    let worst = -1;
    let worstExcess = 0;
    for (let i = 0; i < want.length; i++) {
      const w = want[i] as number;
      const g = got[i] as number;
      const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
      if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(g))) {
        worst = i;
        worstExcess = excess;
      }
    }
    if (worst >= 0) {
      problems.push({
        name,
        problem: `element ${worst}: ${got[worst]} vs ${want[worst]} (atol ${atol}, rtol ${rtol})`,
      });
    }
  }
  for (const name of actual.keys()) {
    if (!expected.has(name)) problems.push({ name, problem: 'unexpected extra result' });
  }
  return problems;
}
