// Viterbi decoding of a CRF: the best tag path of each row, on the CPU from read-back scores
// (a sentence's K x K x T dynamic program is small; one read-back beats T backend calls).
import type * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/model.js';
import { crfLayerOf } from './crf-layer.js';
import { checkLengths, effectiveValues } from './scores.js';
import type { AllowedTransitions } from './tag-scheme.js';

/** The CRF's scores as values: start [K], end [K], transitions [K, K] row-major (from i to j). */
export interface CrfValues {
  start: ArrayLike<number>;
  end: ArrayLike<number>;
  transitions: ArrayLike<number>;
}

export interface ViterbiResult {
  /** Best tag ids of each row, one per real token. */
  tags: number[][];
  /** Score of each best path (with disallowedTransitionScore for any forbidden transition it could not avoid). */
  scores: number[];
}

/** Viterbi best path per row, on the CPU from read-back values; padded positions ignored. */
export function viterbiDecode(
  emissions: ArrayLike<number>,
  shape: readonly [number, number, number],
  lengths: ArrayLike<number>,
  crf: CrfValues,
  allowed?: AllowedTransitions,
): ViterbiResult {
  const [batch, time, k] = shape;
  if (emissions.length !== batch * time * k) {
    throw new Error(
      `viterbi: ${emissions.length} emission scores do not fill the shape [${shape.join(', ')}]`,
    );
  }
  checkLengths('viterbi', lengths, batch, time);
  const { start, end, transitions } = effectiveValues(crf, k, allowed);
  const tags: number[][] = [];
  const scores: number[] = [];
  let score = new Float64Array(k);
  let next = new Float64Array(k);
  for (let b = 0; b < batch; b++) {
    const n = lengths[b] as number;
    const base = b * time * k;
    const backpointers = new Int32Array(n * k);
    for (let j = 0; j < k; j++) score[j] = (start[j] as number) + (emissions[base + j] as number);
    for (let t = 1; t < n; t++) {
      for (let j = 0; j < k; j++) {
        let best = -Infinity;
        let from = 0;
        for (let i = 0; i < k; i++) {
          const s = (score[i] as number) + (transitions[i * k + j] as number);
          if (s > best) {
            best = s;
            from = i;
          }
        }
        next[j] = best + (emissions[base + t * k + j] as number);
        backpointers[t * k + j] = from;
      }
      [score, next] = [next, score];
    }
    let best = -Infinity;
    let tag = 0;
    for (let j = 0; j < k; j++) {
      const s = (score[j] as number) + (end[j] as number);
      if (s > best) {
        best = s;
        tag = j;
      }
    }
    const path = new Array<number>(n);
    for (let t = n - 1; t >= 0; t--) {
      path[t] = tag;
      tag = backpointers[t * k + tag] as number;
    }
    tags.push(path);
    scores.push(best);
  }
  return { tags, scores };
}

/** Viterbi paths of the model's emissions [B, T, K] (its CRF's scores read back first). */
export async function crfDecode(
  model: Model,
  emissions: tf.Tensor,
  lengths: ArrayLike<number>,
  allowed?: AllowedTransitions,
): Promise<ViterbiResult> {
  const crf = crfLayerOf(model);
  if (!crf) {
    throw new Error(
      `crfDecode: model "${model.spec.name}" has no CRF layer (a tagging spec with "tagging": {"output": "crf"} adds one)`,
    );
  }
  if (emissions.rank !== 3 || emissions.shape[2] !== crf.numTags) {
    throw new Error(
      `crfDecode: emissions must be [B, T, ${crf.numTags}], got [${emissions.shape.join(', ')}]`,
    );
  }
  const [values, start, end, transitions] = await Promise.all([
    emissions.data(),
    crf.startTransitions.variable.data(),
    crf.endTransitions.variable.data(),
    crf.transitions.variable.data(),
  ]);
  return viterbiDecode(
    values as Float32Array,
    emissions.shape as [number, number, number],
    lengths,
    { start, end, transitions },
    allowed,
  );
}
