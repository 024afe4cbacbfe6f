// BIO (IOB2) and BIOES transition rules, checked against tables written out by hand, and the
// allowed-transition matrices checked against schemeViolation on every short sequence.
import { describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  schemeViolation,
  type TagScheme,
  TagSchemeError,
} from './tag-scheme.js';

/** Every sequence of `length` over `tags`. */
function* sequences(tags: readonly string[], length: number): Generator<string[]> {
  if (length === 0) {
    yield [];
    return;
  }
  for (const rest of sequences(tags, length - 1)) for (const tag of tags) yield [...rest, tag];
}

describe('allowedTransitions', () => {
  it('allows everything without a scheme, whatever the tags are', () => {
    const allowed = allowedTransitions(['NOUN', 'I-X', '<weird>'], 'none');
    expect(allowed.start).toEqual([true, true, true]);
    expect(allowed.end).toEqual([true, true, true]);
    expect(allowed.between).toEqual([
      [true, true, true],
      [true, true, true],
      [true, true, true],
    ]);
  });

  it('BIO (IOB2): I-X only after B-X or I-X, never first; any tag may end', () => {
    const tags = ['O', 'B-LOC', 'I-LOC', 'B-PER', 'I-PER'];
    const allowed = allowedTransitions(tags, 'bio');
    expect(allowed.start).toEqual([true, true, false, true, false]);
    expect(allowed.end).toEqual([true, true, true, true, true]);
    // rows: from; columns: to (O, B-LOC, I-LOC, B-PER, I-PER)
    expect(allowed.between).toEqual([
      [true, true, false, true, false], // O
      [true, true, true, true, false], // B-LOC
      [true, true, true, true, false], // I-LOC
      [true, true, false, true, true], // B-PER
      [true, true, false, true, true], // I-PER
    ]);
  });

  it('BIOES: spans open with B, continue with I, close with E; S is a whole span', () => {
    const tags = ['O', 'B-X', 'I-X', 'E-X', 'S-X', 'B-Y', 'E-Y'];
    const allowed = allowedTransitions(tags, 'bioes');
    expect(allowed.start).toEqual([true, true, false, false, true, true, false]);
    expect(allowed.end).toEqual([true, false, false, true, true, false, true]);
    expect(allowed.between).toEqual([
      //O     B-X    I-X    E-X    S-X    B-Y    E-Y
      [true, true, false, false, true, true, false], // O
      [false, false, true, true, false, false, false], // B-X
      [false, false, true, true, false, false, false], // I-X
      [true, true, false, false, true, true, false], // E-X
      [true, true, false, false, true, true, false], // S-X
      [false, false, false, false, false, false, true], // B-Y
      [true, true, false, false, true, true, false], // E-Y
    ]);
  });

  it.each([
    [
      'bio',
      ['O', 'B-LOC', 'E-LOC'],
      'tag "E-LOC" (tag 2) is not O, B-type or I-type (constraints "bio"); use constraints "none" for other tag sets',
    ],
    [
      'bio',
      ['O', 'NOUN'],
      'tag "NOUN" (tag 1) is not O, B-type or I-type (constraints "bio"); use constraints "none" for other tag sets',
    ],
    [
      'bioes',
      ['B-', 'O'],
      'tag "B-" (tag 0) is not O, B-type, I-type, E-type or S-type (constraints "bioes"); use constraints "none" for other tag sets',
    ],
    [
      'bio',
      ['B_LOC'],
      'tag "B_LOC" (tag 0) is not O, B-type or I-type (constraints "bio"); use constraints "none" for other tag sets',
    ],
  ] as const)('refuses a tag outside the %s scheme, naming it', (scheme, tags, message) => {
    expect(() => allowedTransitions(tags, scheme)).toThrow(TagSchemeError);
    expect(() => allowedTransitions(tags, scheme)).toThrow(message);
  });
});

describe('schemeViolation', () => {
  it.each([
    ['bio', ['O', 'B-LOC', 'I-LOC', 'O'], undefined],
    ['bio', ['B-LOC', 'B-LOC', 'I-LOC'], undefined],
    ['bio', ['O', 'O', 'I-LOC'], 'I-LOC after O at token 3'],
    ['bio', ['I-PER', 'O'], 'I-PER at token 1 starts the sentence (a span begins with B-)'],
    ['bio', ['B-PER', 'I-LOC'], 'I-LOC after B-PER at token 2'],
    ['bio', ['O', 'S-PER'], '"S-PER" at token 2 is not O, B-type or I-type'],
    ['bioes', ['S-X', 'B-Y', 'I-Y', 'E-Y', 'O'], undefined],
    ['bioes', ['B-X', 'O'], 'O after B-X at token 2'],
    ['bioes', ['O', 'B-X'], 'B-X ends the sentence at token 2 (a span ends with E- or S-)'],
    ['bioes', ['E-X'], 'E-X at token 1 starts the sentence (a span begins with B- or S-)'],
    ['none', ['I-X', 'whatever'], undefined],
    ['bio', [], undefined],
  ] as const)('%s %j → %s', (scheme, tags, expected) => {
    expect(schemeViolation(tags, scheme)).toBe(expected);
  });

  it.each([
    ['bio', ['O', 'B-A', 'I-A', 'B-B', 'I-B']],
    ['bioes', ['O', 'B-A', 'I-A', 'E-A', 'S-A', 'S-B']],
  ] as const)(
    '%s: a sequence is valid exactly when its start, end and every pair are allowed',
    (scheme, tags) => {
      const allowed = allowedTransitions(tags, scheme as TagScheme);
      let valid = 0;
      for (let length = 1; length <= 3; length++) {
        for (const sequence of sequences(tags, length)) {
          const ids = sequence.map((tag) => (tags as readonly string[]).indexOf(tag));
          const byMatrix =
            allowed.start[ids[0] as number] === true &&
            allowed.end[ids[ids.length - 1] as number] === true &&
            ids.slice(1).every((to, t) => allowed.between[ids[t] as number]?.[to] === true);
          expect(schemeViolation(sequence, scheme) === undefined, sequence.join(' ')).toBe(
            byMatrix,
          );
          if (byMatrix) valid++;
        }
      }
      expect(valid).toBeGreaterThan(10);
    },
  );
});
