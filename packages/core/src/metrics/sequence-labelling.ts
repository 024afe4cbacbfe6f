// Sequence-labelling metrics: token accuracy and per-tag scores (as scikit-learn computes them over
// the flattened tokens), and span (chunk) precision/recall/F1 as seqeval computes them for BIO/BIOES
// tags. Sentences are given as arrays of tag strings; gold and predicted must pair up token for token.

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  /** Gold members: tokens with this tag, or gold spans of this type. */
  support: number;
}

export interface TaggingReport {
  /** Correct tokens / all tokens (0 when there are no tokens). */
  accuracy: number;
  tokens: number;
  /** Every tag seen in gold or predicted (scikit-learn's label set for per-class scores). */
  perTag: Record<string, Scores>;
  /** Unweighted mean of perTag F1 (scikit-learn's average='macro'). */
  macroF1: number;
}

export type SpanMode = 'default' | 'strict';
export type SpanScheme = 'bio' | 'bioes';

export interface Span {
  type: string;
  start: number;
  /** Exclusive. */
  end: number;
}

export interface SpanOptions {
  /** default: seqeval's get_entities (conlleval-compatible); strict: seqeval's mode='strict'. */
  mode?: SpanMode;
  /** Tags must follow it (a prefix outside it is an error); strict mode reads spans by it (default: spanScheme of the gold tags). */
  scheme?: SpanScheme;
}

export interface SpanReport {
  /** Micro averages over all spans (seqeval's default f1_score). */
  precision: number;
  recall: number;
  f1: number;
  /** Every span type seen in gold or predicted. */
  perType: Record<string, Scores>;
  predicted: number;
  gold: number;
  correct: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const harmonic = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

function scores(correct: number, predicted: number, gold: number): Scores {
  const precision = ratio(correct, predicted);
  const recall = ratio(correct, gold);
  return { precision, recall, f1: harmonic(precision, recall), support: gold };
}

interface Counts {
  correct: number;
  predicted: number;
  gold: number;
}

// Counts per tag or span type, created on first sight.
class CountsByName extends Map<string, Counts> {
  of(name: string): Counts {
    let entry = this.get(name);
    if (!entry) {
      entry = { correct: 0, predicted: 0, gold: 0 };
      this.set(name, entry);
    }
    return entry;
  }

  scores(): Record<string, Scores> {
    const result: Record<string, Scores> = {};
    for (const name of [...this.keys()].sort()) {
      const c = this.of(name);
      result[name] = scores(c.correct, c.predicted, c.gold);
    }
    return result;
  }
}

function checkPairs(
  gold: readonly (readonly string[])[],
  predicted: readonly (readonly string[])[],
): void {
  if (gold.length !== predicted.length) {
    throw new Error(
      `sequence metrics: ${predicted.length} predicted sentences for ${gold.length} gold sentences (they must pair up)`,
    );
  }
  for (const [i, tags] of gold.entries()) {
    const length = (predicted[i] as readonly string[]).length;
    if (tags.length !== length) {
      throw new Error(
        `sequence metrics: sentence ${i} has ${tags.length} gold tags and ${length} predicted tags (they must pair up)`,
      );
    }
  }
}

export function taggingReport(
  gold: readonly (readonly string[])[],
  predicted: readonly (readonly string[])[],
): TaggingReport {
  checkPairs(gold, predicted);
  const counts = new CountsByName();
  let tokens = 0;
  let correct = 0;
  for (const [i, tags] of gold.entries()) {
    const guesses = predicted[i] as readonly string[];
    for (const [j, tag] of tags.entries()) {
      const guess = guesses[j] as string;
      tokens++;
      counts.of(tag).gold++;
      counts.of(guess).predicted++;
      if (tag === guess) {
        correct++;
        counts.of(tag).correct++;
      }
    }
  }
  const perTag = counts.scores();
  const f1Sum = Object.values(perTag).reduce((sum, s) => sum + s.f1, 0);
  return {
    accuracy: ratio(correct, tokens),
    tokens,
    perTag,
    macroF1: ratio(f1Sum, counts.size),
  };
}

interface ParsedTag {
  prefix: 'O' | 'B' | 'I' | 'E' | 'S';
  type: string;
}

// seqeval's reading: the first letter is the prefix, the rest after "-" the type ("_" when absent).
// Porting note: seqeval warns and guesses on other tags ("PER" reads as prefix P, type "ER"); we refuse.
function parseTag(tag: string, where: () => string): ParsedTag {
  if (tag === 'O') return { prefix: 'O', type: '_' };
  const match = /^([BIES])(?:-(.+))?$/.exec(tag);
  if (!match) {
    throw new Error(
      `span metrics: tag "${tag}" (${where()}) is not O or B-, I-, E-, S- followed by a type`,
    );
  }
  return { prefix: match[1] as ParsedTag['prefix'], type: match[2] ?? '_' };
}

/** The span scheme the tags follow: every tag O or [BIES]-type with at least one typed tag; E or S makes it bioes. */
export function spanScheme(tags: Iterable<string>): SpanScheme | undefined {
  let typed = false;
  let bioes = false;
  for (const tag of tags) {
    if (tag === 'O') continue;
    const match = /^([BIES])-(.+)$/.exec(tag);
    if (!match) return undefined;
    typed = true;
    if (match[1] === 'E' || match[1] === 'S') bioes = true;
  }
  if (!typed) return undefined;
  return bioes ? 'bioes' : 'bio';
}

// seqeval's get_entities (default mode), which mirrors conlleval: a chunk ends before B/S/O or a
// type change and after E/S; a chunk starts at B/S, at a type change, and at I/E after O, E or S.
function endsBefore(previous: ParsedTag, current: ParsedTag): boolean {
  const p = previous.prefix;
  const c = current.prefix;
  if (p === 'E' || p === 'S') return true;
  if ((p === 'B' || p === 'I') && (c === 'B' || c === 'S' || c === 'O')) return true;
  return p !== 'O' && previous.type !== current.type;
}

function startsAt(previous: ParsedTag, current: ParsedTag): boolean {
  const p = previous.prefix;
  const c = current.prefix;
  if (c === 'B' || c === 'S') return true;
  if ((p === 'E' || p === 'S' || p === 'O') && (c === 'E' || c === 'I')) return true;
  return c !== 'O' && previous.type !== current.type;
}

const outside: ParsedTag = { prefix: 'O', type: '_' };

function defaultSpans(parsed: readonly ParsedTag[]): Span[] {
  const spans: Span[] = [];
  let previous = outside;
  let begin = 0;
  for (let i = 0; i <= parsed.length; i++) {
    const current = parsed[i] ?? outside;
    if (endsBefore(previous, current)) spans.push({ type: previous.type, start: begin, end: i });
    if (startsAt(previous, current)) begin = i;
    previous = current;
  }
  return spans;
}

// seqeval's mode='strict' (scheme.py Tokens.entities) for IOB2 and IOBES: a span starts at B (or S),
// runs over I (and E) of the same type, and counts only if it ends as the scheme says: in IOB2 any
// token ends it, in IOBES only after an E or an S. An I (or E) with no B before it starts nothing.
function strictSpans(parsed: readonly ParsedTag[], scheme: SpanScheme): Span[] {
  const spans: Span[] = [];
  let i = 0;
  while (i < parsed.length) {
    const first = parsed[i] as ParsedTag;
    if (first.prefix !== 'B' && first.prefix !== 'S') {
      i++;
      continue;
    }
    let end = i + 1;
    if (first.prefix === 'B') {
      let previous = first;
      for (; end < parsed.length; end++) {
        const token = parsed[end] as ParsedTag;
        const inside =
          (previous.prefix === 'B' || previous.prefix === 'I') &&
          (token.prefix === 'I' || (scheme === 'bioes' && token.prefix === 'E')) &&
          token.type === first.type;
        if (!inside) break;
        previous = token;
      }
    }
    const last = parsed[end - 1] as ParsedTag;
    const complete = scheme === 'bio' || last.prefix === 'E' || last.prefix === 'S';
    if (complete) spans.push({ type: first.type, start: i, end });
    i = end;
  }
  return spans;
}

function parseAll(
  tags: readonly string[],
  scheme: SpanScheme | undefined,
  where: (token: number) => string,
): ParsedTag[] {
  return tags.map((tag, j) => {
    const parsed = parseTag(tag, () => where(j));
    if (scheme === 'bio' && (parsed.prefix === 'E' || parsed.prefix === 'S')) {
      throw new Error(
        `span metrics: tag "${tag}" (${where(j)}) is not part of the bio scheme (O, B-, I-)`,
      );
    }
    return parsed;
  });
}

function resolvedScheme(options: SpanOptions, tags: Iterable<string>): SpanScheme | undefined {
  if (options.scheme !== undefined || options.mode !== 'strict') return options.scheme;
  const scheme = spanScheme(tags);
  if (!scheme) {
    throw new Error(
      'span metrics: strict mode needs a scheme: pass scheme "bio" or "bioes" (the gold tags do not show one)',
    );
  }
  return scheme;
}

function checkOptions(options: SpanOptions): void {
  if (options.mode !== undefined && options.mode !== 'default' && options.mode !== 'strict') {
    throw new Error(`span metrics: mode "${options.mode}" is not "default" or "strict"`);
  }
  if (options.scheme !== undefined && options.scheme !== 'bio' && options.scheme !== 'bioes') {
    throw new Error(`span metrics: scheme "${options.scheme}" is not "bio" or "bioes"`);
  }
}

/** The spans of one sentence's tags. */
export function extractSpans(tags: readonly string[], options: SpanOptions = {}): Span[] {
  checkOptions(options);
  const scheme = resolvedScheme(options, tags);
  const parsed = parseAll(tags, scheme, (j) => `token ${j}`);
  return options.mode === 'strict'
    ? strictSpans(parsed, scheme as SpanScheme)
    : defaultSpans(parsed);
}

/** Span precision/recall/F1 over sentences: micro averages as seqeval's f1_score, per type as its classification_report. */
export function spanReport(
  gold: readonly (readonly string[])[],
  predicted: readonly (readonly string[])[],
  options: SpanOptions = {},
): SpanReport {
  checkOptions(options);
  checkPairs(gold, predicted);
  const scheme = resolvedScheme(options, gold.flat());
  const spansOf = (sentences: readonly (readonly string[])[], side: string) =>
    sentences.map((tags, i) => {
      const parsed = parseAll(tags, scheme, (j) => `${side} sentence ${i}, token ${j}`);
      return options.mode === 'strict'
        ? strictSpans(parsed, scheme as SpanScheme)
        : defaultSpans(parsed);
    });
  const goldSpans = spansOf(gold, 'gold');
  const predictedSpans = spansOf(predicted, 'predicted');
  const counts = new CountsByName();
  let correct = 0;
  let goldTotal = 0;
  let predictedTotal = 0;
  for (const [i, spans] of goldSpans.entries()) {
    const key = (s: Span) => `${s.type}\u0000${s.start}\u0000${s.end}`;
    const goldKeys = new Set(spans.map(key));
    for (const span of spans) counts.of(span.type).gold++;
    goldTotal += spans.length;
    for (const span of predictedSpans[i] as Span[]) {
      counts.of(span.type).predicted++;
      predictedTotal++;
      if (goldKeys.has(key(span))) {
        counts.of(span.type).correct++;
        correct++;
      }
    }
  }
  const perType = counts.scores();
  const micro = scores(correct, predictedTotal, goldTotal);
  return {
    precision: micro.precision,
    recall: micro.recall,
    f1: micro.f1,
    perType,
    predicted: predictedTotal,
    gold: goldTotal,
    correct,
  };
}
