// The CRF's two scores of a batch: log Z (the log-sum over every tag path, by the forward
// algorithm in log space) and the score of given tag paths. Both are masked by each row's length:
// padded positions change nothing. Gradients reach the emissions and the three CRF parameters.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../grad/custom-op.js';
import type { CrfLayer } from './crf-layer.js';
import { checkLengths, effectiveScores } from './scores.js';
import type { AllowedTransitions } from './tag-scheme.js';

function checkEmissions(
  what: string,
  emissions: tf.Tensor,
  crf: CrfLayer,
): [number, number, number] {
  if (emissions.rank !== 3 || emissions.shape[2] !== crf.numTags || emissions.dtype !== 'float32') {
    throw new Error(
      `${what}: emissions must be float32 [B, T, ${crf.numTags}] (one score per tag), got ${emissions.dtype} [${emissions.shape.join(', ')}]`,
    );
  }
  return emissions.shape as [number, number, number];
}

/** [T, B, K] booleans: is step t a real token of row b (full shape: a broadcast condition costs a Tile per call). */
function stepMask(lengths: ArrayLike<number>, batch: number, time: number, k: number): tf.Tensor {
  const values = new Uint8Array(time * batch * k);
  for (let t = 0; t < time; t++) {
    for (let b = 0; b < batch; b++) {
      if (t < (lengths[b] as number)) values.fill(1, (t * batch + b) * k, (t * batch + b + 1) * k);
    }
  }
  return tf.tensor(values, [time, batch, k], 'bool');
}

/**
 * log Z per row [B] as one op: the forward pass runs the recursion alpha_t = logsumexp_i(alpha_{t-1}
 * + A[i, :]) + E_t, keeping rows that have ended; the backward pass runs the backward recursion
 * (beta) and returns the marginals, which are the exact gradient of log Z: the tag marginals for
 * the emissions and the start and end scores, the pair marginals for the transitions. One
 * [B, K, K] broadcast and log-sum-exp per step each way, instead of a taped graph of T steps
 * whose slices each pad a gradient back to [B, T, K].
 */
function logPartitionOp(lengths: ArrayLike<number>, batch: number, time: number) {
  return customOp(([emissions, start, end, transitions], save) => {
    const e = emissions as tf.Tensor;
    const a = transitions as tf.Tensor;
    // Every log-sum-exp runs over the last axis: a reduction over another axis costs a transpose
    // on some backends (tfjs-backend-wasm), once per step.
    const aT = tf.transpose(a); // [to j, from i]
    const mask = stepMask(lengths, batch, time, e.shape[2] as number);
    // Emissions by step, 0 at padded steps: whatever padding holds never reaches an exp.
    const real = tf.where(mask, tf.transpose(e, [1, 0, 2]), tf.zeros(mask.shape));
    const steps = tf.unstack(real); // T × [B, K]
    const masks = tf.unstack(mask); // T × [B, K]
    let alpha = tf.add(steps[0] as tf.Tensor, start as tf.Tensor);
    const alphas = [alpha];
    for (let t = 1; t < time; t++) {
      const previous = alpha;
      alpha = tf.tidy(() => {
        // [B, j, i] = alpha_{t-1}[b, i] + A[i, j]
        const scores = tf.add(tf.expandDims(previous, 1), aT);
        const next = tf.add(tf.logSumExp(scores, 2), steps[t] as tf.Tensor);
        return tf.where(masks[t] as tf.Tensor, next, previous);
      });
      alphas.push(alpha);
    }
    // alpha now holds each row's value at its last real step (ended rows kept theirs).
    const logZ = tf.logSumExp(tf.add(alpha, end as tf.Tensor), 1);
    save([tf.stack(alphas), real, mask, a, end as tf.Tensor, logZ]);

    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sAlphas, sSteps, sMask, sA, sEnd, sLogZ] = saved as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
      const alphaAt = tf.unstack(sAlphas);
      const emissionAt = tf.unstack(sSteps);
      const maskAt = tf.unstack(sMask);
      const logZ3 = tf.reshape(sLogZ, [batch, 1, 1]);
      // dy of each row at its real steps, 0 at padded ones: T × [B, 1, 1].
      const realSteps = new Float32Array(time * batch);
      for (let t = 0; t < time; t++) {
        for (let b = 0; b < batch; b++)
          realSteps[t * batch + b] = t < (lengths[b] as number) ? 1 : 0;
      }
      const stepWeights = tf.unstack(
        tf.reshape(tf.mul(tf.tensor(realSteps, [time, batch]), tf.reshape(dy, [1, batch])), [
          time,
          batch,
          1,
          1,
        ]),
      );
      // beta_t[b, i]: log-sum of the scores after step t given tag i there; end scores at the last real step.
      let beta = tf.add(tf.zeros([batch, sEnd.shape[0] as number]), sEnd);
      const betas: tf.Tensor[] = new Array(time);
      betas[time - 1] = beta;
      // Pair marginals times dy, summed over the steps per row; over the rows once at the end.
      let pairSum: tf.Tensor = tf.zeros([batch, ...sA.shape]);
      for (let t = time - 1; t >= 1; t--) {
        const after = beta;
        const [nextBeta, nextSum] = tf.tidy(() => {
          // s[b, i, j] = A[i, j] + E_t[b, j] + beta_t[b, j]
          const s = tf.add(sA, tf.expandDims(tf.add(emissionAt[t] as tf.Tensor, after), 1));
          const candidate = tf.logSumExp(s, 2);
          // P(y_{t-1} = i, y_t = j). At padded steps (weight 0) it stays finite: emissions are 0
          // there and beta is the end score, so it is at most exp(A[i, j] + end[j] - end[i]).
          const logPair = tf.sub(tf.add(tf.expandDims(alphaAt[t - 1] as tf.Tensor, 2), s), logZ3);
          const weight = stepWeights[t] as tf.Tensor; // [B, 1, 1]
          return [
            tf.where(maskAt[t] as tf.Tensor, candidate, after),
            tf.add(pairSum, tf.mul(tf.exp(logPair), weight)),
          ];
        });
        beta = nextBeta;
        betas[t - 1] = beta;
        pairSum.dispose();
        pairSum = nextSum;
      }
      const dTransitions = tf.sum(pairSum, 0);
      const sBetas = tf.stack(betas);
      // P(y_t = j) at real steps, 0 at padded ones.
      const logMarginal = tf.sub(tf.add(sAlphas, sBetas), tf.reshape(sLogZ, [1, batch, 1]));
      const marginals = tf.where(sMask, tf.exp(logMarginal), tf.zeros(logMarginal.shape)); // [T, B, K]
      const weighted = tf.mul(marginals, tf.reshape(dy, [1, batch, 1]));
      const dEmissions = tf.transpose(weighted, [1, 0, 2]);
      const dStart = tf.sum(tf.unstack(weighted)[0] as tf.Tensor, 0);
      const last = alphaAt[time - 1] as tf.Tensor;
      const endMarginal = tf.exp(tf.sub(tf.add(last, sEnd), tf.reshape(sLogZ, [batch, 1])));
      const dEnd = tf.sum(tf.mul(endMarginal, tf.reshape(dy, [batch, 1])), 0);
      return [dEmissions, dStart, dEnd, dTransitions];
    };
    return { value: logZ, gradFunc };
  });
}

/** log Z per row [B], forward algorithm in log space, masked by lengths (positions >= length change nothing). */
export function crfLogPartition(
  emissions: tf.Tensor,
  lengths: ArrayLike<number>,
  crf: CrfLayer,
  allowed?: AllowedTransitions,
): tf.Tensor {
  const [batch, time] = checkEmissions('crfLogPartition', emissions, crf);
  checkLengths('crfLogPartition', lengths, batch, time);
  return tf.tidy(() => {
    const { start, end, transitions } = effectiveScores(crf, allowed);
    return logPartitionOp(lengths, batch, time)(emissions, start, end, transitions);
  });
}

/**
 * Refuses a gold tag id outside 0..K-1 at a real step: its one-hot row would be zero and the path
 * would silently lose that token's scores. (One read-back of small int32 ids per batch.)
 */
function checkTagIds(tags: tf.Tensor, lengths: ArrayLike<number>, k: number): void {
  const ids = tags.dataSync();
  const time = tags.shape[1] as number;
  for (let b = 0; b < lengths.length; b++) {
    for (let t = 0; t < (lengths[b] as number); t++) {
      const id = ids[b * time + t] as number;
      if (!(id >= 0 && id < k)) {
        throw new Error(
          `crfPathScore: row ${b}, token ${t} has tag id ${id}, outside 0..${k - 1} (the CRF's ${k} tags); padded positions may hold anything, real ones must be known tags`,
        );
      }
    }
  }
}

/** Score of the given tag paths per row [B]: start + emissions + transitions + end, up to each length. */
export function crfPathScore(
  emissions: tf.Tensor,
  tags: tf.Tensor,
  lengths: ArrayLike<number>,
  crf: CrfLayer,
  allowed?: AllowedTransitions,
): tf.Tensor {
  const [batch, time, k] = checkEmissions('crfPathScore', emissions, crf);
  if (
    tags.dtype !== 'int32' ||
    tags.rank !== 2 ||
    tags.shape[0] !== batch ||
    tags.shape[1] !== time
  ) {
    throw new Error(
      `crfPathScore: tags must be int32 [${batch}, ${time}] (one tag id per token of the emissions), got ${tags.dtype} [${tags.shape.join(', ')}]`,
    );
  }
  checkLengths('crfPathScore', lengths, batch, time);
  checkTagIds(tags, lengths, k);
  return tf.tidy(() => {
    const { start, end, transitions } = effectiveScores(crf, allowed);
    // One-hot gold tags at real steps only (padded tag ids, whatever they are, count nothing).
    const real = new Float32Array(batch * time);
    const lastStep = new Float32Array(batch * time);
    for (let b = 0; b < batch; b++) {
      const n = lengths[b] as number;
      real.fill(1, b * time, b * time + n);
      lastStep[b * time + n - 1] = 1;
    }
    // oneHot as int32 then cast: a float32 oneHot is wrong on tfjs-backend-wasm.
    const onehot = tf.mul(
      tf.cast(tf.oneHot(tags as tf.Tensor2D, k), 'float32'),
      tf.tensor(real, [batch, time, 1]),
    ); // [B, T, K]
    const emitted = tf.sum(tf.mul(emissions, onehot), [1, 2]);
    const first = tf.reshape(tf.slice(onehot, [0, 0, 0], [batch, 1, k]), [batch, k]);
    const lastTags = tf.sum(tf.mul(onehot, tf.tensor(lastStep, [batch, time, 1])), 1); // [B, K]
    let score = tf.add(
      emitted,
      tf.add(tf.sum(tf.mul(first, start), 1), tf.sum(tf.mul(lastTags, end), 1)),
    );
    if (time > 1) {
      // counts[b, i, j]: how often tag j follows tag i in row b (pairs that end on a real step).
      const from = tf.slice(onehot, [0, 0, 0], [batch, time - 1, k]);
      const to = tf.slice(onehot, [0, 1, 0], [batch, time - 1, k]);
      const counts = tf.matMul(from as tf.Tensor3D, to as tf.Tensor3D, true, false);
      score = tf.add(score, tf.sum(tf.mul(counts, transitions), [1, 2]));
    }
    return score;
  });
}
