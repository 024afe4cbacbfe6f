// Span tag schemes for the CRF's transition constraints: which tag may start a sentence, end it,
// or follow another, under BIO (IOB2) and BIOES; and the first place a gold sequence breaks them.

export type TagScheme = 'none' | 'bio' | 'bioes';

/** Which transitions a scheme allows among `tags` (by index): start[j], end[i], between[i][j] (from i to j). */
export interface AllowedTransitions {
  start: boolean[];
  end: boolean[];
  between: boolean[][];
}

/** A tag that is not O or a prefix of the scheme, '-' and a type. */
export class TagSchemeError extends Error {
  override name = 'TagSchemeError';
}

/** A parsed tag: 'O', or a prefix (B, I, E, S) and a span type. */
interface SchemeTag {
  prefix: 'O' | 'B' | 'I' | 'E' | 'S';
  type: string;
}

const prefixes: Record<Exclude<TagScheme, 'none'>, string> = { bio: 'BI', bioes: 'BIES' };

function describeScheme(scheme: Exclude<TagScheme, 'none'>): string {
  return scheme === 'bio' ? 'O, B-type or I-type' : 'O, B-type, I-type, E-type or S-type';
}

/** The tag's prefix and type, or undefined if it does not belong to the scheme. */
function parseTag(tag: string, scheme: Exclude<TagScheme, 'none'>): SchemeTag | undefined {
  if (tag === 'O') return { prefix: 'O', type: '' };
  const prefix = tag[0] ?? '';
  if (tag[1] !== '-' || tag.length < 3 || !prefixes[scheme].includes(prefix)) return undefined;
  return { prefix: prefix as SchemeTag['prefix'], type: tag.slice(2) };
}

function parseOrThrow(tag: string, scheme: Exclude<TagScheme, 'none'>, where: string): SchemeTag {
  const parsed = parseTag(tag, scheme);
  if (!parsed) {
    throw new TagSchemeError(
      `tag ${JSON.stringify(tag)} ${where}is not ${describeScheme(scheme)} (constraints "${scheme}"); use constraints "none" for other tag sets`,
    );
  }
  return parsed;
}

/** Inside a span: only its continuation may follow (I-X, and E-X in BIOES). */
const opensSpan = (t: SchemeTag, scheme: Exclude<TagScheme, 'none'>) =>
  scheme === 'bioes' && (t.prefix === 'B' || t.prefix === 'I');

/** May `tag` start a sentence? */
function canStart(t: SchemeTag): boolean {
  return t.prefix !== 'I' && t.prefix !== 'E';
}

/** May a sentence end on `tag`? BIO spans end anywhere; BIOES spans end with E or S. */
function canEnd(t: SchemeTag, scheme: Exclude<TagScheme, 'none'>): boolean {
  return !opensSpan(t, scheme);
}

/** May `to` follow `from`? */
function canFollow(from: SchemeTag, to: SchemeTag, scheme: Exclude<TagScheme, 'none'>): boolean {
  const continues = to.prefix === 'I' || to.prefix === 'E';
  const insideSameSpan = (from.prefix === 'B' || from.prefix === 'I') && from.type === to.type;
  if (continues) return insideSameSpan;
  // A span left open (BIOES B-X or I-X) must be continued.
  return !opensSpan(from, scheme);
}

export function allowedTransitions(tags: readonly string[], scheme: TagScheme): AllowedTransitions {
  const k = tags.length;
  if (scheme === 'none') {
    return {
      start: new Array<boolean>(k).fill(true),
      end: new Array<boolean>(k).fill(true),
      between: Array.from({ length: k }, () => new Array<boolean>(k).fill(true)),
    };
  }
  const parsed = tags.map((tag, i) => parseOrThrow(tag, scheme, `(tag ${i}) `));
  return {
    start: parsed.map(canStart),
    end: parsed.map((t) => canEnd(t, scheme)),
    between: parsed.map((from) => parsed.map((to) => canFollow(from, to, scheme))),
  };
}

/** The first place a gold tag sequence breaks the scheme ("I-LOC after O at token 3", 1-based), or undefined. */
export function schemeViolation(tags: readonly string[], scheme: TagScheme): string | undefined {
  if (scheme === 'none') return undefined;
  let previous: { tag: string; parsed: SchemeTag } | undefined;
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i] as string;
    const parsed = parseTag(tag, scheme);
    if (!parsed) {
      return `${JSON.stringify(tag)} at token ${i + 1} is not ${describeScheme(scheme)}`;
    }
    if (!previous && !canStart(parsed)) {
      return `${tag} at token ${i + 1} starts the sentence (a span begins with B-${scheme === 'bioes' ? ' or S-' : ''})`;
    }
    if (previous && !canFollow(previous.parsed, parsed, scheme)) {
      return `${tag} after ${previous.tag} at token ${i + 1}`;
    }
    previous = { tag, parsed };
  }
  if (previous && !canEnd(previous.parsed, scheme)) {
    return `${previous.tag} ends the sentence at token ${tags.length} (a span ends with E- or S-)`;
  }
  return undefined;
}
