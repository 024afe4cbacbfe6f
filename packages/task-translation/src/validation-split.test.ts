// The default validation split keeps every source sentence on one side, takes a seeded tenth of
// the distinct sources, and repeats for a seed.
import { describe, expect, it } from 'vitest';
import { tatoeba } from '../test/tatoeba.js';
import { splitPairs } from './validation-split.js';

describe('splitPairs', () => {
  it('holds out a seeded tenth of the distinct sources with all their pairs', () => {
    const split = splitPairs(tatoeba, { seed: 7 });
    const distinct = new Set(tatoeba.map((p) => p.source)).size;
    expect(distinct).toBe(154);
    expect(split.sources).toEqual({ train: 139, validation: 15 });
    const trainSources = new Set(split.train.map((p) => p.source));
    const validationSources = new Set(split.validation.map((p) => p.source));
    expect(validationSources.size).toBe(15);
    for (const source of validationSources) expect(trainSources.has(source)).toBe(false);
    // Nothing lost or repeated: the two sides are the pairs, each side in the data's order.
    expect(split.train.length + split.validation.length).toBe(tatoeba.length);
    const position = new Map(tatoeba.map((p, i) => [p, i]));
    for (const side of [split.train, split.validation]) {
      const at = side.map((p) => position.get(p) as number);
      expect(at).toEqual([...at].sort((a, b) => a - b));
    }
    expect(splitPairs(tatoeba, { seed: 7 })).toEqual(split);
    expect(splitPairs(tatoeba, { seed: 8 }).validation).not.toEqual(split.validation);
  });

  it('groups by the key given (e.g. the normalised source)', () => {
    const pairs = [
      { source: 'Go.', target: 'Va !' },
      { source: 'go', target: 'Bouge !' },
      { source: 'Hi.', target: 'Salut !' },
    ];
    const split = splitPairs(pairs, {
      seed: 1,
      share: 0.5,
      key: (p) => p.source.toLowerCase().replace('.', ''),
    });
    expect(split.sources).toEqual({ train: 1, validation: 1 });
    const goSide = split.train.some((p) => p.source === 'Go.') ? split.train : split.validation;
    expect(goSide.map((p) => p.source).sort()).toEqual(['Go.', 'go']);
  });
});
