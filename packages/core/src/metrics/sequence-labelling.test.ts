// Sequence-labelling metrics against seqeval's documented examples (chakki-works/seqeval: README,
// the docstrings of seqeval/metrics/sequence_labeling.py and v1.py, the tables of tests/test_scheme.py
// and tests/test_metrics.py) and hand-computed cases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSpans, spanReport, spanScheme, taggingReport } from './sequence-labelling.js';

// seqeval README "Usage" and the f1_score / accuracy_score / classification_report docstrings.
const readmeTrue = [
  ['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O'],
  ['B-PER', 'I-PER', 'O'],
];
const readmePred = [
  ['O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'I-MISC', 'O'],
  ['B-PER', 'I-PER', 'O'],
];

const asTuples = (tags: string[], options?: Parameters<typeof extractSpans>[1]) =>
  extractSpans(tags, options).map((s) => [s.type, s.start, s.end]);

describe('taggingReport', () => {
  it('token accuracy as seqeval accuracy_score: 0.80 on the README example', () => {
    const report = taggingReport(readmeTrue, readmePred);
    expect(report.tokens).toBe(10);
    expect(report.accuracy).toBeCloseTo(0.8, 12);
  });

  it('per-tag precision/recall/F1 and macro F1, hand-computed', () => {
    // gold:      A A B C | B
    // predicted: A B B A | C   → correct at tokens 0 and 2: accuracy 2/5
    // A: predicted 2 (correct 1), gold 2 → p 1/2, r 1/2, f1 1/2
    // B: predicted 2 (correct 1), gold 2 → p 1/2, r 1/2, f1 1/2
    // C: predicted 1 (correct 0), gold 1 → 0; macro F1 = (1/2 + 1/2 + 0) / 3 = 1/3
    const report = taggingReport([['A', 'A', 'B', 'C'], ['B']], [['A', 'B', 'B', 'A'], ['C']]);
    expect(report.accuracy).toBeCloseTo(2 / 5, 12);
    expect(Object.keys(report.perTag)).toEqual(['A', 'B', 'C']);
    expect(report.perTag.A).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(report.perTag.B).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(report.perTag.C).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(report.macroF1).toBeCloseTo(1 / 3, 12);
  });

  it('scores a tag only predicted (support 0) and counts it in the macro average, as scikit-learn', () => {
    const report = taggingReport([['A', 'A']], [['A', 'Z']]);
    expect(report.perTag.Z).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    // A: p 1, r 1/2 → f1 2/3; Z: 0 → macro 1/3
    expect(report.macroF1).toBeCloseTo(1 / 3, 12);
  });

  it('is 0 (not NaN) on no tokens, and names sentences that do not pair up', () => {
    expect(taggingReport([], [])).toEqual({ accuracy: 0, tokens: 0, perTag: {}, macroF1: 0 });
    expect(() => taggingReport([['A']], [])).toThrow('0 predicted sentences for 1 gold sentences');
    expect(() => taggingReport([['A'], ['A', 'B']], [['A'], ['A']])).toThrow(
      'sentence 1 has 2 gold tags and 1 predicted tags',
    );
  });
});

describe('extractSpans, default mode (seqeval get_entities, conlleval-compatible)', () => {
  it("reads seqeval's documented examples", () => {
    // get_entities docstring: [('PER', 0, 1), ('LOC', 3, 3)] with inclusive ends.
    expect(asTuples(['B-PER', 'I-PER', 'O', 'B-LOC'])).toEqual([
      ['PER', 0, 2],
      ['LOC', 3, 4],
    ]);
    // tests/test_metrics.py test_get_entities: [('MISC', 3, 5), ('PER', 7, 8)].
    expect(asTuples(['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O', 'B-PER', 'I-PER'])).toEqual([
      ['MISC', 3, 6],
      ['PER', 7, 9],
    ]);
    // test_get_entities_with_only_IOB: tags without a type read as type "_".
    expect(asTuples(['O', 'O', 'O', 'B', 'I', 'I', 'O'])).toEqual([['_', 3, 6]]);
    expect(asTuples(['B', 'I', 'O'])).toEqual([['_', 0, 2]]);
  });

  it('follows conlleval on ill-formed sequences (hand-traced through get_entities)', () => {
    // I after O starts a span; a type change ends one and starts another.
    expect(asTuples(['O', 'I-PER', 'I-PER'])).toEqual([['PER', 1, 3]]);
    expect(asTuples(['B-PER', 'I-LOC', 'I-LOC'])).toEqual([
      ['PER', 0, 1],
      ['LOC', 1, 3],
    ]);
    // B after B or I starts a new span of the same type.
    expect(asTuples(['B-PER', 'B-PER', 'I-PER'])).toEqual([
      ['PER', 0, 1],
      ['PER', 1, 3],
    ]);
    // A sentence may start with I.
    expect(asTuples(['I-ORG', 'O'])).toEqual([['ORG', 0, 1]]);
    // BIOES: E and S end a span; I after E starts one; B without E still counts in default mode.
    expect(asTuples(['B-LOC', 'E-LOC', 'S-PER', 'I-PER', 'O', 'B-ORG', 'I-ORG'])).toEqual([
      ['LOC', 0, 2],
      ['PER', 2, 3],
      ['PER', 3, 4],
      ['ORG', 5, 7],
    ]);
    expect(asTuples(['E-LOC', 'E-LOC'])).toEqual([
      ['LOC', 0, 1],
      ['LOC', 1, 2],
    ]);
    // Types with a hyphen keep it (seqeval splits on the first "-" only).
    expect(asTuples(['B-ORG-COMPANY', 'I-ORG-COMPANY'])).toEqual([['ORG-COMPANY', 0, 2]]);
    expect(asTuples([])).toEqual([]);
    expect(asTuples(['O', 'O'])).toEqual([]);
  });

  it('refuses tags that are not O or B-/I-/E-/S- (seqeval only warns), and E/S under scheme bio', () => {
    expect(() => extractSpans(['O', 'NOUN'])).toThrow(
      'span metrics: tag "NOUN" (token 1) is not O or B-, I-, E-, S- followed by a type',
    );
    expect(() => extractSpans(['B-X', 'E-X'], { scheme: 'bio' })).toThrow(
      'tag "E-X" (token 1) is not part of the bio scheme',
    );
    expect(() => extractSpans(['O'], { mode: 'lenient' as never })).toThrow(
      'mode "lenient" is not "default" or "strict"',
    );
  });
});

describe('extractSpans, strict mode (seqeval mode="strict")', () => {
  // tests/test_scheme.py test_iob2_tokens: (tokens, expected spans with exclusive ends).
  const iob2: Array<[string[], Array<[string, number, number]>]> = [
    [[], []],
    [['B-PER'], [['PER', 0, 1]]],
    [['I-PER'], []],
    [['O'], []],
    [['O', 'I-PER'], []],
    [['O', 'B-PER'], [['PER', 1, 2]]],
    [['I-PER', 'O'], []],
    [['I-PER', 'I-PER'], []],
    [['I-PER', 'I-ORG'], []],
    [['I-PER', 'B-PER'], [['PER', 1, 2]]],
    [['I-PER', 'B-ORG'], [['ORG', 1, 2]]],
    [['B-PER', 'O'], [['PER', 0, 1]]],
    [['B-PER', 'I-PER'], [['PER', 0, 2]]],
    [['B-PER', 'I-ORG'], [['PER', 0, 1]]],
    [
      ['B-PER', 'B-PER'],
      [
        ['PER', 0, 1],
        ['PER', 1, 2],
      ],
    ],
    [
      ['B-PER', 'B-ORG'],
      [
        ['PER', 0, 1],
        ['ORG', 1, 2],
      ],
    ],
  ];
  it.each(iob2)('IOB2 %j → %j', (tags, expected) => {
    expect(asTuples(tags, { mode: 'strict', scheme: 'bio' })).toEqual(expected);
  });

  // tests/test_scheme.py test_iobes_tokens.
  const iobes: Array<[string[], Array<[string, number, number]>]> = [
    [['O'], []],
    [['I-PER'], []],
    [['B-PER'], []],
    [['E-PER'], []],
    [['S-PER'], [['PER', 0, 1]]],
    [['O', 'S-PER'], [['PER', 1, 2]]],
    [['O', 'B-PER'], []],
    [['I-PER', 'E-PER'], []],
    [['I-PER', 'S-PER'], [['PER', 1, 2]]],
    [['B-PER', 'O'], []],
    [['B-PER', 'I-PER'], []],
    [['B-PER', 'B-PER'], []],
    [['B-PER', 'E-PER'], [['PER', 0, 2]]],
    [['B-PER', 'E-ORG'], []],
    [['B-PER', 'S-PER'], [['PER', 1, 2]]],
    [['E-PER', 'S-PER'], [['PER', 1, 2]]],
    [['S-PER', 'O'], [['PER', 0, 1]]],
    [['S-PER', 'I-PER'], [['PER', 0, 1]]],
    [['S-PER', 'E-PER'], [['PER', 0, 1]]],
    [
      ['S-PER', 'S-PER'],
      [
        ['PER', 0, 1],
        ['PER', 1, 2],
      ],
    ],
    // Hand-traced longer cases: B I I E is one span; B I E I E keeps the first and drops the rest.
    [['B-LOC', 'I-LOC', 'I-LOC', 'E-LOC', 'O'], [['LOC', 0, 4]]],
    [['B-LOC', 'I-LOC', 'E-LOC', 'I-LOC', 'E-LOC'], [['LOC', 0, 3]]],
  ];
  it.each(iobes)('IOBES %j → %j', (tags, expected) => {
    expect(asTuples(tags, { mode: 'strict', scheme: 'bioes' })).toEqual(expected);
  });

  it('takes the scheme from the tags when none is given, and refuses when they show none', () => {
    expect(asTuples(['O', 'I-PER', 'B-PER'], { mode: 'strict' })).toEqual([['PER', 2, 3]]);
    expect(() => extractSpans(['O', 'O'], { mode: 'strict' })).toThrow(
      'strict mode needs a scheme',
    );
  });
});

describe('spanScheme', () => {
  it('tells bio from bioes and from tags that are not spans', () => {
    expect(spanScheme(['O', 'B-PER', 'I-PER'])).toBe('bio');
    expect(spanScheme(['B-PER'])).toBe('bio');
    expect(spanScheme(['O', 'B-PER', 'E-PER', 'S-LOC'])).toBe('bioes');
    expect(spanScheme(['NOUN', 'VERB'])).toBeUndefined();
    expect(spanScheme(['O', 'B-PER', 'X'])).toBeUndefined();
    expect(spanScheme(['O'])).toBeUndefined();
    expect(spanScheme(['B', 'I'])).toBeUndefined();
    expect(spanScheme(new Set(['O', 'I-X']))).toBe('bio');
  });
});

describe('spanReport', () => {
  it("reproduces seqeval's README: f1 0.50, MISC 0/0/0 support 1, PER 1/1/1 support 1", () => {
    for (const options of [{}, { mode: 'strict', scheme: 'bio' } as const]) {
      const report = spanReport(readmeTrue, readmePred, options);
      expect(report.f1).toBeCloseTo(0.5, 12);
      expect(report.precision).toBeCloseTo(0.5, 12);
      expect(report.recall).toBeCloseTo(0.5, 12);
      expect(report.perType.MISC).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
      expect(report.perType.PER).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 });
      expect(report).toMatchObject({ gold: 2, predicted: 2, correct: 1 });
    }
  });

  it('differs between modes where conlleval and strict disagree (hand-computed)', () => {
    // Gold: one PER span [1,3). Predicted "O I-PER I-PER": conlleval reads the same span; strict
    // IOB2 reads none (an I with no B starts nothing).
    const gold = [['O', 'B-PER', 'I-PER']];
    const predicted = [['O', 'I-PER', 'I-PER']];
    expect(spanReport(gold, predicted)).toMatchObject({ f1: 1, correct: 1, predicted: 1 });
    expect(spanReport(gold, predicted, { mode: 'strict' })).toMatchObject({
      precision: 0,
      recall: 0,
      f1: 0,
      predicted: 0,
      gold: 1,
      correct: 0,
    });
  });

  it('micro-averages over sentences and lists predicted-only types with support 0', () => {
    // Sentence 1: gold LOC[0,1) PER[2,4); predicted LOC[0,1) PER[2,3) → 1 correct.
    // Sentence 2: gold none; predicted ORG[0,1) → 0 correct.
    // predicted 3, gold 2, correct 1 → p 1/3 r 1/2 f1 0.4
    const report = spanReport(
      [['B-LOC', 'O', 'B-PER', 'I-PER'], ['O']],
      [['B-LOC', 'O', 'B-PER', 'O'], ['B-ORG']],
    );
    expect(report).toMatchObject({ predicted: 3, gold: 2, correct: 1 });
    expect(report.precision).toBeCloseTo(1 / 3, 12);
    expect(report.recall).toBeCloseTo(0.5, 12);
    expect(report.f1).toBeCloseTo(0.4, 12);
    expect(Object.keys(report.perType)).toEqual(['LOC', 'ORG', 'PER']);
    expect(report.perType.ORG).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(report.perType.PER).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it('does not match spans across sentences with the same offsets', () => {
    const report = spanReport(
      [
        ['B-X', 'O'],
        ['O', 'O'],
      ],
      [
        ['O', 'O'],
        ['B-X', 'O'],
      ],
    );
    expect(report).toMatchObject({ correct: 0, gold: 1, predicted: 1, f1: 0 });
  });

  it('names the side, sentence and token of a tag it cannot read', () => {
    expect(() => spanReport([['O', 'B-X']], [['O', 'MISC']])).toThrow(
      'tag "MISC" (predicted sentence 0, token 1)',
    );
  });
});

describe('spanReport against conlleval', () => {
  // test/fixtures/conlleval: 1,000 random, often ill-formed BIO pairs and conlleval's output on them.
  const folder = join(import.meta.dirname, '../../test/fixtures/conlleval');
  const gold: string[][] = [];
  const predicted: string[][] = [];
  let open = false;
  for (const line of readFileSync(join(folder, 'random-bio.txt'), 'utf8').split('\n')) {
    if (line === '') {
      open = false;
      continue;
    }
    if (!open) {
      gold.push([]);
      predicted.push([]);
      open = true;
    }
    const [, , g, p] = line.split(' ');
    gold.at(-1)?.push(g as string);
    predicted.at(-1)?.push(p as string);
  }
  const output = readFileSync(join(folder, 'random-bio.conlleval.txt'), 'utf8');
  const percent = (text: string, name: string) =>
    Number(new RegExp(`${name}: +([\\d.]+)`).exec(text)?.[1]) / 100;
  // conlleval prints percentages with 2 decimals: a fraction within half of 0.0001.
  const printedAs = (value: number | undefined, printed: number) =>
    expect(Math.abs((value ?? Number.NaN) - printed)).toBeLessThanOrEqual(0.00005 + 1e-12);

  it('counts the same spans and scores them the same (default mode)', () => {
    const counts =
      /processed (\d+) tokens with (\d+) phrases; found: (\d+) phrases; correct: (\d+)/.exec(
        output,
      );
    const report = spanReport(gold, predicted);
    expect(gold.flat()).toHaveLength(Number(counts?.[1]));
    expect([report.gold, report.predicted, report.correct]).toEqual([
      Number(counts?.[2]),
      Number(counts?.[3]),
      Number(counts?.[4]),
    ]);
    const overall = output.split('\n')[1] as string;
    printedAs(report.precision, percent(overall, 'precision'));
    printedAs(report.recall, percent(overall, 'recall'));
    printedAs(report.f1, percent(overall, 'FB1'));
    printedAs(taggingReport(gold, predicted).accuracy, percent(overall, 'accuracy'));
    const types = output
      .split('\n')
      .slice(2)
      .filter((line) => line.trim() !== '');
    expect(Object.keys(report.perType)).toEqual(types.map((line) => line.split(':')[0]?.trim()));
    for (const line of types) {
      const type = line.split(':')[0]?.trim() as string;
      const scores = report.perType[type];
      const found = Number(/(\d+)$/.exec(line)?.[1]);
      printedAs(scores?.precision, percent(line, 'precision'));
      printedAs(scores?.recall, percent(line, 'recall'));
      printedAs(scores?.f1, percent(line, 'FB1'));
      const spansFound = predicted
        .flatMap((tags) => extractSpans(tags))
        .filter((s) => s.type === type);
      expect(spansFound).toHaveLength(found);
    }
  });
});
