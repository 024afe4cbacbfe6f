// What the CRF's loss and decoding share: lengths checked against the emissions, and the start,
// end and transition scores with the scheme's forbidden transitions set to disallowedTransitionScore.
import * as tf from '@tensorflow/tfjs-core';
import type { CrfLayer } from './crf-layer.js';
import type { AllowedTransitions } from './tag-scheme.js';

/**
 * The score of a forbidden transition. AllenNLP's choice: finite, so that the loss and its
 * gradient stay finite (a forbidden entry then gets no gradient), and low enough that no path
 * through one competes with an allowed path.
 */
export const disallowedTransitionScore = -1e4;

/** Checks `lengths` against emissions [B, T, K]: one per row, each in 1..T. */
export function checkLengths(
  what: string,
  lengths: ArrayLike<number>,
  batch: number,
  time: number,
): void {
  if (lengths.length !== batch) {
    throw new Error(`${what}: ${lengths.length} lengths for a batch of ${batch} rows`);
  }
  for (let b = 0; b < batch; b++) {
    const n = lengths[b] as number;
    if (!(Number.isInteger(n) && n >= 1 && n <= time)) {
      throw new Error(
        `${what}: row ${b} has length ${n}; each length must be between 1 and the padded time axis (${time})`,
      );
    }
  }
}

/** Checks that `allowed` describes `numTags` tags. */
export function checkAllowed(what: string, allowed: AllowedTransitions, numTags: number): void {
  const sizes = [
    allowed.start.length,
    allowed.end.length,
    allowed.between.length,
    ...allowed.between.map((row) => row.length),
  ];
  if (sizes.some((n) => n !== numTags)) {
    throw new Error(
      `${what}: the allowed transitions are for ${allowed.start.length} tags, but the CRF has ${numTags}`,
    );
  }
}

/** 1 where allowed, 0 where not, as a float32 tensor of `shape`. */
function maskTensor(flags: readonly boolean[], shape: number[]): tf.Tensor {
  return tf.tensor(
    Float32Array.from(flags, (f) => (f ? 1 : 0)),
    shape,
  );
}

/** score where allowed, disallowedTransitionScore elsewhere; with tf ops, so the allowed entries get gradients. */
function constrain(score: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(score, mask), tf.mul(tf.sub(1, mask), disallowedTransitionScore));
}

export interface CrfScores {
  start: tf.Tensor;
  end: tf.Tensor;
  transitions: tf.Tensor;
}

/** The CRF's scores as the loss uses them (the variables themselves without constraints). */
export function effectiveScores(crf: CrfLayer, allowed: AllowedTransitions | undefined): CrfScores {
  const start = crf.startTransitions.variable;
  const end = crf.endTransitions.variable;
  const transitions = crf.transitions.variable;
  if (!allowed) return { start, end, transitions };
  checkAllowed('crf', allowed, crf.numTags);
  const k = crf.numTags;
  return {
    start: constrain(start, maskTensor(allowed.start, [k])),
    end: constrain(end, maskTensor(allowed.end, [k])),
    transitions: constrain(transitions, maskTensor(allowed.between.flat(), [k, k])),
  };
}

/** The same on read-back values, for decoding on the CPU. */
export function effectiveValues(
  values: { start: ArrayLike<number>; end: ArrayLike<number>; transitions: ArrayLike<number> },
  numTags: number,
  allowed: AllowedTransitions | undefined,
): { start: Float64Array; end: Float64Array; transitions: Float64Array } {
  const k = numTags;
  if (values.start.length !== k || values.end.length !== k || values.transitions.length !== k * k) {
    throw new Error(
      `viterbi: CRF values for ${k} tags need start [${k}], end [${k}] and transitions [${k}, ${k}], got ${values.start.length}, ${values.end.length} and ${values.transitions.length} values`,
    );
  }
  if (allowed) checkAllowed('viterbi', allowed, k);
  const pick = (v: number, ok: boolean | undefined) =>
    allowed && !ok ? disallowedTransitionScore : v;
  return {
    start: Float64Array.from(values.start, (v, j) => pick(v, allowed?.start[j])),
    end: Float64Array.from(values.end, (v, j) => pick(v, allowed?.end[j])),
    transitions: Float64Array.from(values.transitions, (v, ij) =>
      pick(v, allowed?.between[Math.floor(ij / k)]?.[ij % k]),
    ),
  };
}
