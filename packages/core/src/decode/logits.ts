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
  const out = new Float64Array(logits.subarray(row * size, (row + 1) * size));
  let finite = false;
  for (let i = 0; i < size; i++) {
    const x = out[i] as number;
    if (Number.isNaN(x)) {
      throw new DecodeError(`the model's logit of token ${i} is NaN (row ${row})`);
    }
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
  seen: readonly number[],
  penalty: number,
): void {
  if (penalty === 1) return;
  for (let i = 0; i < seen.length; i++) {
    const token = seen[i] as number;
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

/** log sum exp(logits), stable (the maximum is taken out first). */
export function logSumExp(logits: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++)
    if ((logits[i] as number) > max) max = logits[i] as number;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] as number) - max);
  return max + Math.log(sum);
}

/** log softmax(logits). */
export function logSoftmax(logits: Float64Array): Float64Array {
  const shift = logSumExp(logits);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = (logits[i] as number) - shift;
  return out;
}

/**
 * The `count` highest-valued ids, best first; equal values in id order. -Infinity entries are
 * never chosen, so fewer may come back. A bounded heap: O(size + count log count) on most inputs,
 * so a beam's few slots or a small top-k cost one pass over a large vocabulary.
 */
export function topTokens(values: Float64Array, count: number): number[] {
  // "a before b": higher value, or the same value and a lower id.
  const before = (a: number, b: number) =>
    (values[a] as number) > (values[b] as number) ||
    ((values[a] as number) === (values[b] as number) && a < b);
  // heap[0] is the worst id kept; each parent comes after its children.
  const heap: number[] = [];
  const siftDown = (from: number) => {
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) return;
      const right = left + 1;
      const child =
        right < heap.length && before(heap[left] as number, heap[right] as number) ? right : left;
      if (!before(heap[at] as number, heap[child] as number)) return;
      [heap[at], heap[child]] = [heap[child] as number, heap[at] as number];
      at = child;
    }
  };
  for (let i = 0; i < values.length && count > 0; i++) {
    if (!((values[i] as number) > Number.NEGATIVE_INFINITY)) continue;
    if (heap.length < count) {
      heap.push(i);
      let at = heap.length - 1;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!before(heap[parent] as number, heap[at] as number)) break;
        [heap[at], heap[parent]] = [heap[parent] as number, heap[at] as number];
        at = parent;
      }
    } else if (before(i, heap[0] as number)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : 1));
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
  let scaled = logits;
  if (temperature !== 1) {
    scaled = new Float64Array(size);
    for (let i = 0; i < size; i++) scaled[i] = (logits[i] as number) / temperature;
  }
  let kept: number[] | undefined; // ids still in (undefined: all)
  if (topK !== undefined && topK < size) kept = topTokens(scaled, topK);
  if (topP < 1) kept = nucleus(scaled, softmaxOver(scaled, kept), topP, kept);
  return softmaxOver(scaled, kept);
}

/**
 * The smallest set of most probable tokens whose mass reaches p: a token stays while the mass of
 * the tokens ranked before it is below p (HF's TopPLogitsWarper), ties ranked by id. With a
 * ranking from top-k it walks that, a small vocabulary is ranked whole; a large one is not sorted: tokens go into
 * buckets of probability (16 per halving, from the logits), every bucket whose mass is needed whole
 * is kept, and only the bucket where the mass reaches p is ranked exactly.
 */
function nucleus(
  scaled: Float64Array,
  probabilities: Float64Array,
  topP: number,
  ranked: readonly number[] | undefined,
): number[] {
  const keep = (candidates: readonly number[], massBefore: number, into: number[]) => {
    let mass = massBefore;
    for (const id of candidates) {
      if (mass >= topP) break;
      into.push(id);
      mass += probabilities[id] as number;
    }
    return into;
  };
  if (ranked !== undefined) return keep(ranked, 0, []);
  const size = scaled.length;
  if (size <= 512) return keep(topTokens(scaled, size), 0, []); // small: rank them all
  const buckets = 1024;
  const perLog = 16 / Math.LN2;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < size; i++) if ((scaled[i] as number) > max) max = scaled[i] as number;
  const bucketOf = new Uint16Array(size);
  const bucketMass = new Float64Array(buckets);
  for (let i = 0; i < size; i++) {
    const distance = (max - (scaled[i] as number)) * perLog; // log2(p_max / p_i) * 16
    const bucket = distance < buckets - 1 ? Math.floor(distance) : buckets - 1;
    bucketOf[i] = bucket;
    bucketMass[bucket] = (bucketMass[bucket] as number) + (probabilities[i] as number);
  }
  let boundary = 0;
  let massBefore = 0;
  while (boundary < buckets - 1 && massBefore + (bucketMass[boundary] as number) < topP) {
    massBefore += bucketMass[boundary] as number;
    boundary++;
  }
  const kept: number[] = [];
  const edge: number[] = [];
  for (let i = 0; i < size; i++) {
    if ((bucketOf[i] as number) < boundary) kept.push(i);
    else if (bucketOf[i] === boundary) edge.push(i);
  }
  edge.sort((a, b) => (probabilities[b] as number) - (probabilities[a] as number) || a - b);
  return keep(edge, massBefore, kept);
}

/** softmax over the ids in `kept` (every id when undefined); 0 elsewhere. */
function softmaxOver(logits: Float64Array, kept: readonly number[] | undefined): Float64Array {
  const out = new Float64Array(logits.length);
  if (kept === undefined) {
    const shift = logSumExp(logits);
    for (let i = 0; i < logits.length; i++) out[i] = Math.exp((logits[i] as number) - shift);
    return out;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (const id of kept) max = Math.max(max, logits[id] as number);
  let sum = 0;
  for (const id of kept) {
    const e = Math.exp((logits[id] as number) - max);
    out[id] = e;
    sum += e;
  }
  for (const id of kept) out[id] = (out[id] as number) / sum;
  return out;
}

/**
 * Inverse-CDF draw: the first id (in id order) whose cumulative probability exceeds u * total, for u
 * uniform in [0, 1). It depends on the probabilities and u only, so a seed gives the same tokens
 * wherever the probabilities agree.
 */
export function drawToken(probabilities: Float64Array, u: number): number {
  let total = 0;
  for (let i = 0; i < probabilities.length; i++) total += probabilities[i] as number;
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
