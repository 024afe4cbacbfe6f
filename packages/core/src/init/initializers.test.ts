import { describe, expect, it } from 'vitest';
import { fans, initialValues, orthogonalValues } from './initializers.js';
import { Random } from './random.js';

const stats = (values: Float32Array) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std, min: Math.min(...values), max: Math.max(...values) };
};

describe('Random', () => {
  it('is deterministic per seed and resumable from its state', () => {
    const a = new Random(42);
    const b = new Random(42);
    const first = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(first);
    const resumed = Random.fromState(a.state);
    expect(resumed.next()).toBe(a.next());
    expect(new Random(43).next()).not.toBe(first[0]);
  });

  it('draws uniform [0, 1) and standard normal values', () => {
    const r = new Random(1);
    const u = Float32Array.from({ length: 20000 }, () => r.next());
    const n = Float32Array.from({ length: 20000 }, () => r.normal());
    expect(stats(u).min).toBeGreaterThanOrEqual(0);
    expect(stats(u).max).toBeLessThan(1);
    expect(stats(u).mean).toBeCloseTo(0.5, 1);
    expect(stats(n).mean).toBeCloseTo(0, 1);
    expect(stats(n).std).toBeCloseTo(1, 1);
  });
});

describe('initializers (torch.nn.init definitions)', () => {
  const shape = [400, 300];
  const { fanIn, fanOut } = fans(shape);
  const draw = (name: Parameters<typeof initialValues>[0]) =>
    stats(initialValues(name, shape, new Random(5), () => new Float32Array(0)));

  it('fans of a [out, in] weight', () => {
    expect(fans([400, 300])).toEqual({ fanIn: 300, fanOut: 400 });
    expect(() => fans([5])).toThrow('fan in and fan out need a matrix; got shape [5]');
  });

  it('xavier-uniform stays within sqrt(6 / (fan_in + fan_out))', () => {
    const s = draw('xavier-uniform');
    const bound = Math.sqrt(6 / (fanIn + fanOut));
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.std).toBeCloseTo(bound / Math.sqrt(3), 2);
  });

  it('xavier-normal has std sqrt(2 / (fan_in + fan_out))', () => {
    expect(draw('xavier-normal').std).toBeCloseTo(Math.sqrt(2 / (fanIn + fanOut)), 2);
  });

  it('kaiming-uniform and kaiming-normal use fan_in and the ReLU gain', () => {
    expect(draw('kaiming-uniform').max).toBeLessThanOrEqual(Math.sqrt(6 / fanIn));
    expect(draw('kaiming-normal').std).toBeCloseTo(Math.sqrt(2 / fanIn), 2);
  });

  it('zeros, ones and normal', () => {
    expect(draw('zeros')).toMatchObject({ min: 0, max: 0 });
    expect(draw('ones')).toMatchObject({ min: 1, max: 1 });
    expect(draw('normal').std).toBeCloseTo(1, 1);
  });

  it.each([
    [6, 4],
    [4, 6],
    [5, 5],
  ])('orthogonal [%i, %i] has orthonormal rows or columns', (rows, cols) => {
    const w = orthogonalValues([rows, cols], new Random(9));
    const n = Math.min(rows, cols);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < Math.max(rows, cols); k++) {
          dot +=
            rows >= cols
              ? (w[k * cols + i] as number) * (w[k * cols + j] as number)
              : (w[i * cols + k] as number) * (w[j * cols + k] as number);
        }
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
  });

  it('pytorch-default defers to the module-specific default', () => {
    const values = initialValues('pytorch-default', [2], new Random(0), () =>
      Float32Array.from([7, 8]),
    );
    expect(Array.from(values)).toEqual([7, 8]);
  });
});
