// Next-token scores to a choice, on the CPU in float64: repetition penalty, argmax, log-softmax,
// and the sampling distribution in Hugging Face's order (repetition penalty -> temperature ->
// top-k -> top-p -> softmax). Pure functions over one row of logits, shared by every strategy.
import { DecodeError } from './check-options.js';

/** Row `row` of row-major [rows x size] logits, widened to float64 (exactly), checked for NaN. */
export function rowLogits(logits: Float32Array, row: number, size: number): Float64Array {
  if (logits.length < (row + 1) * size) {
    throw new DecodeError(
      `the model gave ${logits.length} logits, fewer than ${row + 1} rows of ${size} (its vocabularySize)`,
    );
  }
  const out = Float64Array.from(logits.subarray(row * size, (row + 1) * size));
  let finite = false;
  for (let i = 0; i < size; i++) {
    const x = out[i] as number;
    if (Number.isNaN(x))
      throw new DecodeError(`the model's logit of token ${i} is NaN (row ${row})`);
    if (x > Number.NEGATIVE_INFINITY) finite = true;
  }
  if (!finite) throw new DecodeError(`every logit of row ${row} is -Infinity: no token can follow`);
  return out;
}

/**
 * Hugging Face's repetition penalty (CTRL, Keskar et al. 2019), in place: the logit of every token
 * in `seen` is divided by `penalty` when positive and multiplied by it otherwise, so a penalty
 * above 1 always makes a seen token less likely. `seen` lists each token once.
 */
export function penalizeRepetitions(
  logits: Float64Array,
  seen: Iterable<number>,
  penalty: number,
): void {
  if (penalty === 1) return;
  for (const token of seen) {
    const x = logits[token] as number;
    logits[token] = x > 0 ? x / penalty : x * penalty;
  }
}

/** The highest logit's token; ties go to the lowest id. */
export function argmax(logits: Float64Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) {
    if ((logits[i] as number) > (logits[best] as number)) best = i;
  }
  return best;
}

/** log softmax(logits), stable (the maximum is subtracted first). */
export function logSoftmax(logits: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of logits) if (x > max) max = x;
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const shift = max + Math.log(sum);
  return logits.map((x) => x - shift);
}

/**
 * The `count` highest-valued ids, best first; equal values in id order. -Infinity entries are
 * never chosen, so fewer may come back.
 */
export function topTokens(values: Float64Array, count: number): number[] {
  const better = (a: number, b: number) =>
    (values[a] as number) > (values[b] as number) ||
    ((values[a] as number) === (values[b] as number) && a < b);
  if (count * 8 >= values.length) {
    const ids: number[] = [];
    for (let i = 0; i < values.length; i++) {
      if ((values[i] as number) > Number.NEGATIVE_INFINITY) ids.push(i);
    }
    ids.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
    return ids.slice(0, count);
  }
  // Few of many (a beam's slots, a small k): a short sorted list, most ids rejected by one test.
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (!((values[i] as number) > Number.NEGATIVE_INFINITY)) continue;
    if (best.length === count && !better(i, best[count - 1] as number)) continue;
    let at = best.length === count ? count - 1 : best.length;
    while (at > 0 && better(i, best[at - 1] as number)) {
      best[at] = best[at - 1] as number;
      at--;
    }
    best[at] = i;
  }
  return best;
}

export interface SamplingSettings {
  temperature: number;
  /** Keep the k highest logits (ties: the lower ids); undefined keeps all. */
  topK: number | undefined;
  /** Keep the smallest set of most probable tokens whose probability reaches p; 1 keeps all. */
  topP: number;
}

/**
 * The distribution sampling draws from, over every id (0 for the removed ones), in float64:
 * logits / temperature, then top-k, then top-p on the softmax of what top-k kept, then the softmax
 * of what remains. Porting note: Hugging Face's top-k keeps every token tied with the k-th; here
 * exactly k are kept (ties to the lower id), so top-k 1 is exactly greedy.
 */
export function samplingDistribution(
  logits: Float64Array,
  { temperature, topK, topP }: SamplingSettings,
): Float64Array {
  const size = logits.length;
  const scaled = temperature === 1 ? logits : logits.map((x) => x / temperature);
  let kept: number[] | undefined; // ids still in, best first (undefined: all)
  if (topK !== undefined && topK < size) kept = topTokens(scaled, topK);
  if (topP < 1) {
    kept ??= topTokens(scaled, size);
    const probabilities = softmaxOver(scaled, kept);
    // A token stays while the mass of the tokens before it is below p (HF's TopPLogitsWarper).
    let mass = 0;
    let count = 0;
    while (count < kept.length && mass < topP) {
      mass += probabilities[kept[count] as number] as number;
      count++;
    }
    kept = kept.slice(0, count);
  }
  return softmaxOver(scaled, kept);
}

/** softmax over the ids in `kept` (every id when undefined); 0 elsewhere. */
function softmaxOver(logits: Float64Array, kept: readonly number[] | undefined): Float64Array {
  const ids = kept ?? Array.from(logits.keys());
  let max = Number.NEGATIVE_INFINITY;
  for (const id of ids) max = Math.max(max, logits[id] as number);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (const id of ids) {
    const e = Math.exp((logits[id] as number) - max);
    out[id] = e;
    sum += e;
  }
  for (const id of ids) out[id] = (out[id] as number) / sum;
  return out;
}

/**
 * Inverse-CDF draw: the first id (in id order) whose cumulative probability exceeds u * total, for u
 * uniform in [0, 1). It depends on the probabilities and u only, so a seed gives the same tokens
 * wherever the probabilities agree.
 */
export function drawToken(probabilities: Float64Array, u: number): number {
  let total = 0;
  for (const p of probabilities) total += p;
  const target = u * total;
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] as number;
    if (p <= 0) continue;
    cumulative += p;
    last = i;
    if (target < cumulative) return i;
  }
  return last; // rounding left target at the very top: the last possible token
}
