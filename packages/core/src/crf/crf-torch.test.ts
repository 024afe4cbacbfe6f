// The CRF against PyTorch 1.13 running pytorch-crf's algorithm with AllenNLP's BIO constraints
// (test/fixtures/make_crf_fixture.py → crf.json): per-row log-likelihood, the token-mean loss and
// its gradients with respect to the emissions and the three parameters, and the Viterbi paths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerGradients } from '../grad/register-gradients.js';
import { Random } from '../init/random.js';
import { assignValues } from '../layers/params.js';
import { CrfLayer } from './crf-layer.js';
import { crfLogPartition, crfPathScore } from './forward-algorithm.js';
import { allowedTransitions } from './tag-scheme.js';
import { viterbiDecode } from './viterbi.js';

registerGradients();

interface TorchCase {
  tags: string[];
  constraints: 'none' | 'bio';
  lengths: number[];
  emissions: number[][][];
  start: number[];
  end: number[];
  transitions: number[][];
  gold: number[][];
  logLikelihood: number[];
  loss: number;
  grad: { emissions: number[][][]; start: number[]; end: number[]; transitions: number[][] };
  viterbi: { tags: number[][]; scores: number[] };
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../test/fixtures/crf.json'), 'utf8'),
) as { cases: Record<string, TorchCase> };

function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string) {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((e, i) => {
    expect(Math.abs((actual[i] as number) - e), `${what}[${i}]`).toBeLessThan(
      1e-5 + 1e-5 * Math.abs(e),
    );
  });
}

describe('CRF against PyTorch (pytorch-crf algorithm)', () => {
  it.each(Object.entries(fixture.cases))('%s', (_name, c) => {
    const k = c.tags.length;
    const allowed = c.constraints === 'bio' ? allowedTransitions(c.tags, 'bio') : undefined;
    const crf = new CrfLayer(k, new Random(0));
    assignValues(crf.startTransitions.variable, Float32Array.from(c.start));
    assignValues(crf.endTransitions.variable, Float32Array.from(c.end));
    assignValues(crf.transitions.variable, Float32Array.from(c.transitions.flat()));
    const emissions = tf.tidy(() => tf.variable(tf.tensor3d(c.emissions)));
    const gold = tf.tensor2d(c.gold, undefined, 'int32');
    const tokens = c.lengths.reduce((a, n) => a + n, 0);
    const before = tf.memory().numTensors;
    const llh = tf.tidy(
      () =>
        tf
          .sub(
            crfPathScore(emissions, gold, c.lengths, crf, allowed),
            crfLogPartition(emissions, c.lengths, crf, allowed),
          )
          .arraySync() as number[],
    );
    expectClose(llh, c.logLikelihood, 'log-likelihood');
    const variables = [emissions, ...crf.parameters.map((p) => p.variable)];
    const { value, grads } = tf.variableGrads(
      () =>
        tf.div(
          tf.neg(
            tf.sum(
              tf.sub(
                crfPathScore(emissions, gold, c.lengths, crf, allowed),
                crfLogPartition(emissions, c.lengths, crf, allowed),
              ),
            ),
          ),
          tokens,
        ) as tf.Scalar,
      variables,
    );
    expectClose(value.dataSync(), [c.loss], 'loss');
    const grad = (v: tf.Variable) => (grads[v.name] as tf.Tensor).dataSync();
    expectClose(grad(emissions), c.grad.emissions.flat(2), 'd emissions');
    expectClose(grad(crf.startTransitions.variable), c.grad.start, 'd start_transitions');
    expectClose(grad(crf.endTransitions.variable), c.grad.end, 'd end_transitions');
    expectClose(grad(crf.transitions.variable), c.grad.transitions.flat(), 'd transitions');
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);

    const decoded = viterbiDecode(
      emissions.dataSync(),
      emissions.shape as [number, number, number],
      c.lengths,
      { start: c.start, end: c.end, transitions: c.transitions.flat() },
      allowed,
    );
    expect(decoded.tags).toEqual(c.viterbi.tags);
    expectClose(decoded.scores, c.viterbi.scores, 'viterbi scores');
    tf.dispose([emissions, gold, ...variables.slice(1)]);
  });
});
