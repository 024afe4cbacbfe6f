// The CRF's numbers against an independent truth: brute-force enumeration of every tag path in
// float64 (log Z, the best path, the loss and, by central differences, its gradient), plus the
// invariants of padding (masked positions change nothing) and batching (a batch = its rows).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerGradients } from '../grad/register-gradients.js';
import { Random } from '../init/random.js';
import { assignValues } from '../layers/params.js';
import { CrfLayer } from './crf-layer.js';
import { crfLogPartition, crfPathScore } from './forward-algorithm.js';
import { disallowedTransitionScore } from './scores.js';
import { type AllowedTransitions, allowedTransitions, schemeViolation } from './tag-scheme.js';
import { viterbiDecode } from './viterbi.js';

registerGradients();

interface Case {
  k: number;
  lengths: number[];
  time: number;
  /** [B, T, K] row-major. */
  emissions: Float64Array;
  start: Float64Array;
  end: Float64Array;
  transitions: Float64Array;
  /** Gold tags [B, T] (padded positions random too). */
  tags: Int32Array;
}

function randomCase(seed: number, k: number, lengths: number[], time = Math.max(...lengths)): Case {
  const random = new Random(seed);
  const values = (n: number, scale: number) =>
    Float64Array.from({ length: n }, () => Math.fround(random.uniform(-scale, scale)));
  const b = lengths.length;
  return {
    k,
    lengths,
    time,
    emissions: values(b * time * k, 2),
    start: values(k, 1),
    end: values(k, 1),
    transitions: values(k * k, 1),
    tags: Int32Array.from({ length: b * time }, () => Math.floor(random.next() * k)),
  };
}

/** A CRF layer holding the case's values. */
function crfOf(c: Case): CrfLayer {
  const crf = new CrfLayer(c.k, new Random(1));
  assignValues(crf.startTransitions.variable, Float32Array.from(c.start));
  assignValues(crf.endTransitions.variable, Float32Array.from(c.end));
  assignValues(crf.transitions.variable, Float32Array.from(c.transitions));
  return crf;
}

/** Every tag sequence of `length` over k tags. */
function* paths(k: number, length: number): Generator<number[]> {
  const path = new Array<number>(length).fill(0);
  for (;;) {
    yield [...path];
    let i = length - 1;
    while (i >= 0 && path[i] === k - 1) path[i--] = 0;
    if (i < 0) return;
    path[i] = (path[i] as number) + 1;
  }
}

/** The float64 score of `path` in row b, forbidden transitions scored disallowedTransitionScore. */
function pathScore(c: Case, b: number, path: number[], allowed?: AllowedTransitions): number {
  const { k, time } = c;
  const at = (ok: boolean | undefined, v: number) =>
    allowed && !ok ? disallowedTransitionScore : v;
  const first = path[0] as number;
  const last = path[path.length - 1] as number;
  let s = at(allowed?.start[first], c.start[first] as number);
  s += at(allowed?.end[last], c.end[last] as number);
  path.forEach((tag, t) => {
    s += c.emissions[(b * time + t) * k + tag] as number;
    if (t > 0) {
      const from = path[t - 1] as number;
      s += at(allowed?.between[from]?.[tag], c.transitions[from * k + tag] as number);
    }
  });
  return s;
}

/** Brute force over every path of row b (optionally only those `keep` accepts). */
function bruteForce(
  c: Case,
  b: number,
  allowed?: AllowedTransitions,
  keep?: (p: number[]) => boolean,
) {
  const scores: Array<{ path: number[]; score: number }> = [];
  for (const path of paths(c.k, c.lengths[b] as number)) {
    if (!keep || keep(path)) scores.push({ path, score: pathScore(c, b, path, allowed) });
  }
  const max = Math.max(...scores.map((s) => s.score));
  const logZ = max + Math.log(scores.reduce((sum, s) => sum + Math.exp(s.score - max), 0));
  const best = scores.reduce((a, s) => (s.score > a.score ? s : a));
  return { logZ, best, count: scores.length };
}

/** The case's mean NLL per token, in float64 by brute force. */
function bruteForceLoss(c: Case, allowed?: AllowedTransitions): number {
  let total = 0;
  c.lengths.forEach((n, b) => {
    const gold = Array.from(c.tags.subarray(b * c.time, b * c.time + n));
    total += bruteForce(c, b, allowed).logZ - pathScore(c, b, gold, allowed);
  });
  return total / c.lengths.reduce((a, n) => a + n, 0);
}

const emissionsOf = (c: Case) =>
  tf.tensor3d(Float32Array.from(c.emissions), [c.lengths.length, c.time, c.k]);
const tagsOf = (c: Case) => tf.tensor2d(c.tags, [c.lengths.length, c.time], 'int32');

/** log Z and path scores from the implementation, as numbers. */
function implementation(c: Case, allowed?: AllowedTransitions) {
  const crf = crfOf(c);
  const [logZ, gold] = tf.tidy(() => {
    const e = emissionsOf(c);
    return [
      crfLogPartition(e, c.lengths, crf, allowed).arraySync() as number[],
      crfPathScore(e, tagsOf(c), c.lengths, crf, allowed).arraySync() as number[],
    ];
  });
  for (const p of crf.parameters) p.variable.dispose();
  return { logZ, gold };
}

/** Gradients of the mean NLL per token with respect to the emissions and the CRF's parameters. */
function implementationGradients(c: Case, allowed?: AllowedTransitions) {
  const crf = crfOf(c);
  const emissions = tf.tidy(() => tf.variable(emissionsOf(c)));
  const tags = tagsOf(c);
  const tokens = c.lengths.reduce((a, n) => a + n, 0);
  const { value, grads } = tf.variableGrads(
    () =>
      tf.div(
        tf.sum(
          tf.sub(
            crfLogPartition(emissions, c.lengths, crf, allowed),
            crfPathScore(emissions, tags, c.lengths, crf, allowed),
          ),
        ),
        tokens,
      ) as tf.Scalar,
    [emissions, ...crf.parameters.map((p) => p.variable)],
  );
  const read = (v: tf.Variable) => Array.from((grads[v.name] as tf.Tensor).dataSync());
  const result = {
    loss: value.dataSync()[0] as number,
    emissions: read(emissions),
    start: read(crf.startTransitions.variable),
    end: read(crf.endTransitions.variable),
    transitions: read(crf.transitions.variable),
  };
  tf.dispose([value, ...Object.values(grads), emissions, tags]);
  for (const p of crf.parameters) p.variable.dispose();
  return result;
}

const bio = ['O', 'B-X', 'I-X'];
const bioes = ['O', 'B-X', 'I-X', 'E-X', 'S-X'].slice(0, 4); // O, B-X, I-X, E-X: 4 tags
const bioWith4 = ['O', 'B-X', 'I-X', 'B-Y'];

describe('crfLogPartition', () => {
  it('equals brute-force enumeration of every tag path (lengths 1–5, 3 and 4 tags)', () => {
    for (const k of [3, 4]) {
      for (let seed = 0; seed < 4; seed++) {
        const c = randomCase(100 * k + seed, k, [1, 2, 3, 4, 5]);
        const { logZ, gold } = implementation(c);
        c.lengths.forEach((n, b) => {
          const expected = bruteForce(c, b);
          expect(expected.count).toBe(k ** n);
          expect(logZ[b]).toBeCloseTo(expected.logZ, 4);
          const goldPath = Array.from(c.tags.subarray(b * c.time, b * c.time + n));
          expect(gold[b]).toBeCloseTo(pathScore(c, b, goldPath), 4);
        });
      }
    }
  });

  it.each([
    ['bio', bio],
    ['bio', bioWith4],
    ['bioes', bioes],
  ] as const)(
    'with %s constraints %j: equals the log-sum over the paths the scheme allows',
    (scheme, tags) => {
      const allowed = allowedTransitions(tags, scheme);
      for (let seed = 0; seed < 3; seed++) {
        const c = randomCase(7 + seed, tags.length, [5, 1, 4, 2, 3]);
        const { logZ } = implementation(c, allowed);
        c.lengths.forEach((_n, b) => {
          // Independent of the matrices: schemeViolation on the tag names picks the allowed paths.
          const expected = bruteForce(
            c,
            b,
            undefined,
            (p) =>
              schemeViolation(
                p.map((i) => tags[i] as string),
                scheme,
              ) === undefined,
          );
          expect(expected.count).toBeGreaterThan(0);
          expect(logZ[b]).toBeCloseTo(expected.logZ, 4);
        });
      }
    },
  );
});

describe('viterbiDecode', () => {
  it('finds the brute-force best path and its score, with and without constraints', () => {
    for (const [tags, scheme] of [
      [bio, 'none'],
      [bioWith4, 'none'],
      [bio, 'bio'],
      [bioWith4, 'bio'],
      [bioes, 'bioes'],
    ] as const) {
      const allowed = scheme === 'none' ? undefined : allowedTransitions(tags, scheme);
      for (let seed = 0; seed < 5; seed++) {
        const c = randomCase(50 + seed, tags.length, [3, 5, 1, 4, 2]);
        const result = viterbiDecode(
          Float32Array.from(c.emissions),
          [c.lengths.length, c.time, c.k],
          c.lengths,
          { start: c.start, end: c.end, transitions: c.transitions },
          allowed,
        );
        c.lengths.forEach((_n, b) => {
          const keep = (p: number[]) =>
            schemeViolation(
              p.map((i) => tags[i] as string),
              scheme,
            ) === undefined;
          const expected = bruteForce(c, b, undefined, keep).best;
          expect(result.tags[b]).toEqual(expected.path);
          expect(result.scores[b]).toBeCloseTo(expected.score, 9);
        });
      }
    }
  });

  it('never outputs a forbidden transition under constraints, even where emissions favour one', () => {
    const tags = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
    const allowed = allowedTransitions(tags, 'bio');
    const random = new Random(3);
    const [batch, time, k] = [40, 12, tags.length];
    // Emissions that strongly favour I- tags everywhere (I- after O or first is forbidden).
    const emissions = Float32Array.from(
      { length: batch * time * k },
      (_, i) => (i % k === 2 || i % k === 4 ? 3 : 0) + random.uniform(-2, 2),
    );
    const lengths = Int32Array.from({ length: batch }, () => 1 + Math.floor(random.next() * time));
    const transitions = Float32Array.from({ length: k * k }, () => random.uniform(-1, 1));
    const withConstraints = viterbiDecode(
      emissions,
      [batch, time, k],
      lengths,
      { start: new Float32Array(k), end: new Float32Array(k), transitions },
      allowed,
    );
    const without = viterbiDecode(emissions, [batch, time, k], lengths, {
      start: new Float32Array(k),
      end: new Float32Array(k),
      transitions,
    });
    const broken = (paths: number[][]) =>
      paths.filter(
        (p) =>
          schemeViolation(
            p.map((i) => tags[i] as string),
            'bio',
          ) !== undefined,
      ).length;
    expect(broken(withConstraints.tags)).toBe(0);
    expect(broken(without.tags)).toBeGreaterThan(batch / 2); // the test has teeth
    withConstraints.tags.forEach((p, b) => {
      expect(p.length).toBe(lengths[b]);
    });
  });

  it('refuses lengths outside 1..T and values of the wrong size', () => {
    const crf = { start: [0, 0], end: [0, 0], transitions: [0, 0, 0, 0] };
    expect(() => viterbiDecode(new Float32Array(8), [2, 2, 2], [2, 0], crf)).toThrow(
      'viterbi: row 1 has length 0; each length must be between 1 and the padded time axis (2)',
    );
    expect(() => viterbiDecode(new Float32Array(8), [2, 2, 2], [3, 1], crf)).toThrow(
      'row 0 has length 3',
    );
    expect(() => viterbiDecode(new Float32Array(7), [2, 2, 2], [2, 1], crf)).toThrow(
      'viterbi: 7 emission scores do not fill the shape [2, 2, 2]',
    );
    expect(() =>
      viterbiDecode(new Float32Array(8), [2, 2, 2], [2, 1], { ...crf, transitions: [0] }),
    ).toThrow(
      'viterbi: CRF values for 2 tags need start [2], end [2] and transitions [2, 2], got 2, 2 and 1 values',
    );
  });
});

describe('CRF gradients', () => {
  /** Central differences of the float64 brute-force loss with respect to one value of the case. */
  function numericGradient(
    c: Case,
    field: 'emissions' | 'start' | 'end' | 'transitions',
    allowed?: AllowedTransitions,
  ) {
    const eps = 1e-5;
    return Array.from(c[field], (v, i) => {
      c[field][i] = v + eps;
      const up = bruteForceLoss(c, allowed);
      c[field][i] = v - eps;
      const down = bruteForceLoss(c, allowed);
      c[field][i] = v;
      return (up - down) / (2 * eps);
    });
  }

  it.each([
    ['no constraints', 3, undefined],
    ['no constraints', 4, undefined],
    ['bio constraints', 4, allowedTransitions(bioWith4, 'bio')],
  ] as const)(
    'match central differences of the brute-force loss (%s, %i tags)',
    (_name, k, allowed) => {
      // Gold tags that the scheme allows, so that the loss is finite-scaled (else -1e4 dominates).
      const c = randomCase(11 + k, k, [3, 1, 5, 4]);
      if (allowed) {
        c.lengths.forEach((n, b) => {
          for (let t = 0; t < c.time; t++) c.tags[b * c.time + t] = t === 0 ? 1 : t < n ? 2 : 0; // B-X I-X I-X ...
        });
      }
      const analytic = implementationGradients(c, allowed);
      expect(analytic.loss).toBeCloseTo(bruteForceLoss(c, allowed), 4);
      for (const field of ['emissions', 'start', 'end', 'transitions'] as const) {
        const numeric = numericGradient(c, field, allowed);
        analytic[field].forEach((g, i) => {
          expect(Math.abs(g - (numeric[i] as number)), `${field}[${i}]`).toBeLessThan(
            2e-5 + 1e-3 * Math.abs(numeric[i] as number),
          );
        });
        // Padded emission positions get exactly zero gradient.
        if (field === 'emissions') {
          c.lengths.forEach((n, b) => {
            for (let t = n; t < c.time; t++) {
              for (let j = 0; j < c.k; j++)
                expect(analytic.emissions[(b * c.time + t) * c.k + j]).toBe(0);
            }
          });
        }
      }
      if (allowed) {
        // Forbidden transitions get no gradient: their score is the constant disallowedTransitionScore.
        allowed.between.flat().forEach((ok, ij) => {
          if (!ok) expect(analytic.transitions[ij]).toBe(0);
        });
      }
    },
  );
});

describe('masking and batching', () => {
  it('masked positions change nothing: loss, gradients and Viterbi are those of the unpadded rows', () => {
    const c = randomCase(21, 4, [2, 5, 3]);
    const refill = randomCase(22, 4, [2, 5, 3]);
    // Same real values, other random values (emissions and tags) in the padded positions.
    const padded: Case = {
      ...c,
      emissions: Float64Array.from(c.emissions),
      tags: Int32Array.from(c.tags),
    };
    c.lengths.forEach((n, b) => {
      for (let t = n; t < c.time; t++) {
        padded.tags[b * c.time + t] = refill.tags[b * c.time + t] as number;
        for (let j = 0; j < c.k; j++) {
          const i = (b * c.time + t) * c.k + j;
          padded.emissions[i] = 50 * (refill.emissions[i] as number); // large: would overflow an unmasked exp
        }
      }
    });
    const a = implementationGradients(c);
    const b = implementationGradients(padded);
    expect(b.loss).toBe(a.loss);
    expect(b.emissions).toEqual(a.emissions);
    expect(b.start).toEqual(a.start);
    expect(b.end).toEqual(a.end);
    expect(b.transitions).toEqual(a.transitions);
    const decode = (x: Case) =>
      viterbiDecode(Float32Array.from(x.emissions), [3, x.time, 4], x.lengths, x);
    expect(decode(padded)).toEqual(decode(c));
  });

  it('a batch gives what its rows give one by one, each unpadded', () => {
    const c = randomCase(31, 3, [4, 1, 5, 3, 2]);
    const batch = implementation(c);
    c.lengths.forEach((n, b) => {
      const row: Case = {
        ...c,
        lengths: [n],
        time: n,
        emissions: c.emissions.slice(b * c.time * c.k, (b * c.time + n) * c.k),
        tags: c.tags.slice(b * c.time, b * c.time + n),
      };
      const alone = implementation(row);
      expect(batch.logZ[b]).toBeCloseTo(alone.logZ[0] as number, 5);
      expect(batch.gold[b]).toBeCloseTo(alone.gold[0] as number, 5);
    });
  });

  it('refuses emissions, tags and lengths that do not fit, naming what is wrong', () => {
    const c = randomCase(41, 3, [2, 3]);
    const crf = crfOf(c);
    tf.tidy(() => {
      const e = emissionsOf(c);
      expect(() => crfLogPartition(tf.zeros([2, 3, 4]), [2, 3], crf)).toThrow(
        'crfLogPartition: emissions must be float32 [B, T, 3] (one score per tag), got float32 [2, 3, 4]',
      );
      expect(() => crfLogPartition(e, [2], crf)).toThrow(
        'crfLogPartition: 1 lengths for a batch of 2 rows',
      );
      expect(() => crfLogPartition(e, [0, 3], crf)).toThrow('row 0 has length 0');
      expect(() => crfPathScore(e, tf.zeros([2, 3]), [2, 3], crf)).toThrow(
        'crfPathScore: tags must be int32 [2, 3] (one tag id per token of the emissions), got float32 [2, 3]',
      );
      const unknownTag = tf.tensor2d(
        [
          [0, 2, -1],
          [1, 3, 0],
        ],
        undefined,
        'int32',
      );
      expect(() => crfPathScore(e, unknownTag, [2, 3], crf)).toThrow(
        "crfPathScore: row 1, token 1 has tag id 3, outside 0..2 (the CRF's 3 tags); padded positions may hold anything, real ones must be known tags",
      );
      expect(() => crfPathScore(e, unknownTag, [2, 1], crf)).not.toThrow();
      expect(() =>
        crfLogPartition(e, [2, 3], crf, allowedTransitions(['O', 'B-X'], 'bio')),
      ).toThrow('crf: the allowed transitions are for 2 tags, but the CRF has 3');
    });
    for (const p of crf.parameters) p.variable.dispose();
  });

  it('leaves no tensors behind (forward, gradients, with constraints)', () => {
    const c = randomCase(51, 3, [3, 5, 1]);
    implementationGradients(c, allowedTransitions(bio, 'bio'));
    const before = tf.memory().numTensors;
    implementationGradients(c, allowedTransitions(bio, 'bio'));
    implementationGradients(c);
    implementation(c);
    expect(tf.memory().numTensors).toBe(before);
  });
});
