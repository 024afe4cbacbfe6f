// Corpus BLEU as sacrebleu computes it (its defaults: mteval-v13a tokenization, "exp" smoothing,
// n-grams up to 4, brevity penalty against the closest reference length, corpus-level counts), so
// scores are comparable with published ones. Scores are on sacrebleu's 0-100 scale.

export type BleuTokenizer = '13a' | 'none';
export type BleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';

export interface BleuOptions {
  tokenize?: BleuTokenizer;
  lowercase?: boolean;
  smoothMethod?: BleuSmoothing;
  /** floor: the numerator for a zero count (default 0.1); add-k: k (default 1). */
  smoothValue?: number;
  /** Average only over the n-gram orders the hypotheses could have (sentence-level use). */
  effectiveOrder?: boolean;
  maxOrder?: number;
}

export interface BleuResult {
  score: number;
  /** Per order: matched and total hypothesis n-grams. */
  counts: number[];
  totals: number[];
  precisions: number[];
  brevityPenalty: number;
  hypothesisLength: number;
  referenceLength: number;
}

// mteval-v13a's punctuation rules, as sacrebleu's TokenizerRegexp applies them.
const rules: Array<[RegExp, string]> = [
  [/([{-~[-` -&(-+:-@/])/g, ' $1 '],
  [/([^0-9])([.,])/g, '$1 $2 '],
  [/([.,])([^0-9])/g, ' $1 $2'],
  [/([0-9])(-)/g, '$1 $2 '],
];

export function tokenize13a(text: string): string {
  let line = text
    .replaceAll('<skipped>', '')
    .replaceAll('-\n', '')
    .replaceAll('\n', ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
  line = ` ${line} `;
  for (const [pattern, replacement] of rules) line = line.replace(pattern, replacement);
  return line.trim().split(/\s+/).filter(Boolean).join(' ');
}

function ngramCounts(tokens: string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = `${n}\u0000${tokens.slice(i, i + n).join('\u0000')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** sacrebleu's choice: the reference length closest to the hypothesis, the shorter on a tie. */
function closestLength(hypothesis: number, references: number[]): number {
  let best = -1;
  let bestDiff = -1;
  for (const length of references) {
    const diff = Math.abs(hypothesis - length);
    if (bestDiff === -1 || diff < bestDiff || (diff === bestDiff && length < best)) {
      best = length;
      bestDiff = diff;
    }
  }
  return best;
}

/**
 * BLEU of `hypotheses` against one or more reference streams (`references[k][i]` is the k-th
 * reference of hypothesis i), as sacrebleu.corpus_bleu(hypotheses, references).
 */
export function corpusBleu(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  options: BleuOptions = {},
): BleuResult {
  const maxOrder = options.maxOrder ?? 4;
  for (const [k, stream] of references.entries()) {
    if (stream.length !== hypotheses.length) {
      throw new Error(
        `BLEU: reference stream ${k} has ${stream.length} sentences for ${hypotheses.length} hypotheses`,
      );
    }
  }
  const prepare = (text: string) => {
    const cased = options.lowercase ? text.toLowerCase() : text;
    const trimmed = cased.trimEnd();
    const tokenized = (options.tokenize ?? '13a') === '13a' ? tokenize13a(trimmed) : trimmed;
    return tokenized.split(' ').filter(Boolean);
  };
  const counts = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let hypothesisLength = 0;
  let referenceLength = 0;
  for (const [i, hypothesis] of hypotheses.entries()) {
    const tokens = prepare(hypothesis);
    const refs = references.map((stream) => prepare(stream[i] as string));
    hypothesisLength += tokens.length;
    referenceLength += closestLength(
      tokens.length,
      refs.map((r) => r.length),
    );
    // Clipped counts: each n-gram counts at most as often as in the reference that has it most.
    const maxReference = new Map<string, number>();
    for (const ref of refs) {
      for (const [gram, count] of ngramCounts(ref, maxOrder)) {
        maxReference.set(gram, Math.max(count, maxReference.get(gram) ?? 0));
      }
    }
    for (const [gram, count] of ngramCounts(tokens, maxOrder)) {
      const n = Number(gram.slice(0, gram.indexOf('\u0000')));
      totals[n - 1] = (totals[n - 1] as number) + count;
      counts[n - 1] = (counts[n - 1] as number) + Math.min(count, maxReference.get(gram) ?? 0);
    }
  }
  return bleuFromStatistics(counts, totals, hypothesisLength, referenceLength, options);
}

/** sacrebleu's compute_bleu: the score from n-gram statistics and lengths. */
export function bleuFromStatistics(
  counts: readonly number[],
  totals: readonly number[],
  hypothesisLength: number,
  referenceLength: number,
  options: BleuOptions = {},
): BleuResult {
  const maxOrder = options.maxOrder ?? counts.length;
  const method = options.smoothMethod ?? 'exp';
  const smoothValue = options.smoothValue ?? (method === 'floor' ? 0.1 : 1);
  const correct = [...counts];
  const total = [...totals];
  const precisions = new Array<number>(maxOrder).fill(0);
  let smoothMteval = 1;
  let order = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (method === 'add-k' && n > 1) {
      correct[n - 1] = (correct[n - 1] as number) + smoothValue;
      total[n - 1] = (total[n - 1] as number) + smoothValue;
    }
    const t = total[n - 1] as number;
    const c = correct[n - 1] as number;
    if (t === 0) break;
    if (options.effectiveOrder) order = n;
    if (c === 0) {
      if (method === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * t);
      } else if (method === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / t;
      }
    } else {
      precisions[n - 1] = (100 * c) / t;
    }
  }
  const brevityPenalty =
    hypothesisLength < referenceLength
      ? hypothesisLength > 0
        ? Math.exp(1 - referenceLength / hypothesisLength)
        : 0
      : 1;
  // sacrebleu's my_log: log(0) is a huge negative number, so any zero precision gives 0.
  const logs = precisions.slice(0, order).map((p) => (p === 0 ? -9999999999 : Math.log(p)));
  const score = brevityPenalty * Math.exp(logs.reduce((a, b) => a + b, 0) / order);
  return {
    score,
    counts: [...counts],
    totals: [...totals],
    precisions,
    brevityPenalty,
    hypothesisLength,
    referenceLength,
  };
}
