// Tagged CoNLL files: CoNLL-U (UPOS or XPOS) and CoNLL-2003-style columns, format detection, the bad
// inputs each refuses (with file and line), and the writers' round trips. The CoNLL-U snippets are
// quoted from UD English EWT and Atis (CC BY-SA 4.0; see test/fixtures/atis-LICENSE.txt).
import { describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { columnsWithTags, parseConllColumns } from './conll-columns.js';
import { conlluWithTags, parseConllu, parseConlluTags } from './conllu.js';
import { detectTaggedFormat, parseTaggedText, parseTokenText } from './tagged-corpus.js';

// UD English EWT dev, sentences -0002 and -0003 of weblog ...marketview_20040611132900 (multiword tokens).
const ewt = `# sent_id = weblog-blogspot.com_marketview_20040611132900_ENG_20040611_132900-0002
# text = We've moved on.
1-2\tWe've\t_\t_\t_\t_\t_\t_\t_\t_
1\tWe\twe\tPRON\tPRP\tCase=Nom|Number=Plur|Person=1|PronType=Prs\t3\tnsubj\t3:nsubj\t_
2\t've\thave\tAUX\tVBP\tMood=Ind|Number=Plur|Person=1|Tense=Pres|VerbForm=Fin\t3\taux\t3:aux\t_
3\tmoved\tmove\tVERB\tVBN\tTense=Past|VerbForm=Part\t0\troot\t0:root\t_
4\ton\ton\tADV\tRB\t_\t3\tadvmod\t3:advmod\tSpaceAfter=No
5\t.\t.\tPUNCT\t.\t_\t3\tpunct\t3:punct\t_

# sent_id = weblog-blogspot.com_marketview_20040611132900_ENG_20040611_132900-0003
# text = We've grown up.
1-2\tWe've\t_\t_\t_\t_\t_\t_\t_\t_
1\tWe\twe\tPRON\tPRP\tCase=Nom|Number=Plur|Person=1|PronType=Prs\t3\tnsubj\t3:nsubj\t_
2\t've\thave\tAUX\tVBP\tMood=Ind|Number=Plur|Person=1|Tense=Pres|VerbForm=Fin\t3\taux\t3:aux\t_
3\tgrown\tgrow\tVERB\tVBN\tTense=Past|VerbForm=Part\t0\troot\t0:root\t_
4\tup\tup\tADP\tRP\t_\t3\tcompound:prt\t3:compound:prt\tSpaceAfter=No
5\t.\t.\tPUNCT\t.\t_\t3\tpunct\t3:punct\t_
`;

// UD English Atis dev 0010.dev (Atis has no XPOS: every XPOS is "_").
const atis = `# sent_id = 0010.dev
# parallel_id = atis/dev10
# text = what is restriction ap57
1\twhat\twhat\tPRON\t_\tPronType=Int,Rel\t0\troot\t_\t_
2\tis\tbe\tAUX\t_\tMood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin\t1\tcop\t_\t_
3\trestriction\trestriction\tNOUN\t_\tNumber=Sing\t4\tcompound\t_\t_
4\tap57\tAp57\tPROPN\t_\tNumber=Sing\t1\tnsubj\t_\t_
`;

// CoNLL-2003 layout (token POS chunk entity) over the Atis sentence, entities marked by hand.
const columns = `-DOCSTART- -X- -X- O

what PRON B-NP O
is AUX B-VP O
restriction NOUN B-NP O
ap57 PROPN I-NP B-NAME

show VERB B-VP O
me PRON B-NP O
`;

const fails = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
  throw new Error('expected a DataError');
};

describe('parseConlluTags', () => {
  it('reads FORM and UPOS (default) or XPOS, leaving multiword ranges out', () => {
    const upos = parseConlluTags(ewt, 'ewt.conllu');
    expect(upos.format).toBe('conllu');
    expect(upos.column).toBe('upos');
    expect(upos.sentences).toEqual([
      {
        tokens: ['We', "'ve", 'moved', 'on', '.'],
        tags: ['PRON', 'AUX', 'VERB', 'ADV', 'PUNCT'],
        line: 4,
      },
      {
        tokens: ['We', "'ve", 'grown', 'up', '.'],
        tags: ['PRON', 'AUX', 'VERB', 'ADP', 'PUNCT'],
        line: 13,
      },
    ]);
    const xpos = parseConlluTags(ewt, 'ewt.conllu', { column: 'xpos' });
    expect(xpos.column).toBe('xpos');
    expect(xpos.sentences[1]?.tags).toEqual(['PRP', 'VBP', 'VBN', 'RP', '.']);
    expect(xpos.empty).toEqual([]);
  });

  it('keeps parseConllu working, now with xpos', () => {
    const { sentences } = parseConllu(ewt, 'ewt.conllu');
    expect(sentences[0]?.forms).toEqual(['We', "'ve", 'moved', 'on', '.']);
    expect(sentences[0]?.xpos).toEqual(['PRP', 'VBP', 'VBN', 'RB', '.']);
    expect(sentences[0]?.comments.text).toBe("We've moved on.");
  });

  it('refuses XPOS when it is "_" on every token (Atis), naming the first token line and suggesting upos', () => {
    expect(fails(() => parseConlluTags(atis, 'atis.conllu', { column: 'xpos' }))).toBe(
      'atis.conllu:4: XPOS is "_" on every token: the file has no XPOS tags (choose the upos column)',
    );
    expect(parseConlluTags(atis, 'atis.conllu').sentences[0]?.tags).toEqual([
      'PRON',
      'AUX',
      'NOUN',
      'PROPN',
    ]);
  });

  it('refuses a word whose tag is "_" when others have tags', () => {
    const oneMissing = atis.replace('\tNOUN\t', '\t_\t');
    expect(fails(() => parseConlluTags(oneMissing, 'a.conllu'))).toBe(
      'a.conllu:6: UPOS of token "restriction" is "_" (no tag); every word needs one',
    );
  });

  it('refuses a row with a missing column, naming its line', () => {
    const missing = atis.replace('\tNumber=Sing\t4\tcompound', '\t4\tcompound');
    expect(fails(() => parseConlluTags(missing, 'a.conllu'))).toBe(
      'a.conllu:6: 9 tab-separated fields where CoNLL-U has 10',
    );
  });

  it('skips a block with no tokens (comments only) and reports its line', () => {
    const text = `# newdoc id = x\n# note = nothing here\n\n${atis}\n# sent_id = lonely\n`;
    const corpus = parseConlluTags(text, 'a.conllu');
    expect(corpus.sentences).toHaveLength(1);
    expect(corpus.sentences[0]?.line).toBe(7);
    expect(corpus.empty).toEqual([{ line: 1 }, { line: 12 }]);
  });

  it('reads CRLF line endings and a byte-order mark the same as LF', () => {
    const crlf = `\ufeff${ewt.replaceAll('\n', '\r\n')}`;
    expect(parseConlluTags(crlf, 'ewt.conllu')).toEqual(parseConlluTags(ewt, 'ewt.conllu'));
  });

  it('refuses a tag column that CoNLL-U does not have', () => {
    expect(fails(() => parseConlluTags(ewt, 'e.conllu', { column: 'deprel' as never }))).toBe(
      'e.conllu: tag column "deprel" is not a CoNLL-U tag column: choose "upos" or "xpos"',
    );
  });
});

describe('parseConllColumns', () => {
  it('reads token first and tag last by default, skipping -DOCSTART- lines', () => {
    const corpus = parseConllColumns(columns, 'c.txt');
    expect(corpus.format).toBe('columns');
    expect(corpus.column).toBe('column 4');
    expect(corpus.sentences).toEqual([
      { tokens: ['what', 'is', 'restriction', 'ap57'], tags: ['O', 'O', 'O', 'B-NAME'], line: 3 },
      { tokens: ['show', 'me'], tags: ['O', 'O'], line: 8 },
    ]);
    expect(corpus.empty).toEqual([]);
  });

  it('reads a chosen tag or token column (1-based)', () => {
    const pos = parseConllColumns(columns, 'c.txt', { tagColumn: 2 });
    expect(pos.column).toBe('column 2');
    expect(pos.sentences[1]?.tags).toEqual(['VERB', 'PRON']);
    const swapped = parseConllColumns(columns, 'c.txt', { tokenColumn: 2, tagColumn: 1 });
    expect(swapped.sentences[1]).toMatchObject({ tokens: ['VERB', 'PRON'], tags: ['show', 'me'] });
  });

  it('takes tabs or spaces, CRLF, and keeps tokens exactly as written', () => {
    const text = 'Caf\u00e9\tPROPN\r\n#\tSYM\r\n10\u00a0000\tNUM\r\n\r\nA  \t DET \r\n';
    const corpus = parseConllColumns(text, 't.tsv');
    expect(corpus.sentences).toEqual([
      { tokens: ['Caf\u00e9', '#', '10\u00a0000'], tags: ['PROPN', 'SYM', 'NUM'], line: 1 },
      { tokens: ['A'], tags: ['DET'], line: 5 },
    ]);
  });

  it('refuses a line with a different column count than the first token line', () => {
    const bad = columns.replace('is AUX B-VP O', 'is AUX O');
    expect(fails(() => parseConllColumns(bad, 'c.txt'))).toBe(
      "c.txt:4: 3 columns where the file's first token line (line 3) has 4",
    );
  });

  it('refuses a tag column the lines do not have, a one-column file, and equal columns', () => {
    expect(fails(() => parseConllColumns(columns, 'c.txt', { tagColumn: 5 }))).toBe(
      'c.txt:3: tag column 5 does not exist: the token lines have 4 columns',
    );
    expect(fails(() => parseConllColumns('what\nis\n', 'c.txt'))).toBe(
      'c.txt:1: 1 column: a tagged file needs a token column and a tag column (token ... tag)',
    );
    expect(fails(() => parseConllColumns(columns, 'c.txt', { tagColumn: 1 }))).toBe(
      'c.txt: the tag column and the token column are both column 1',
    );
    expect(fails(() => parseConllColumns(columns, 'c.txt', { tokenColumn: 0 }))).toBe(
      'c.txt: token column 0 is not a column number (1-based: 1 is the first column)',
    );
  });

  it('reads a token of 1,000+ characters whole, in both formats and through the writers', () => {
    const long = 'x'.repeat(1500);
    expect(parseConllColumns(`${long} NOUN\nb X\n`, 'l.txt').sentences[0]?.tokens[0]).toBe(long);
    const conllu = `1\t${long}\t_\tNOUN\t_\t_\t0\troot\t_\t_\n`;
    expect(parseConlluTags(conllu, 'l.conllu').sentences[0]?.tokens).toEqual([long]);
    expect(conlluWithTags(conllu, 'l.conllu', 'upos', [['X']])).toBe(conllu.replace('NOUN', 'X'));
    expect(columnsWithTags(`${long}\n`, 'l.txt', [['X']])).toBe(`${long} X\n`);
  });

  it('reads an empty file as no sentences', () => {
    expect(parseConllColumns('\n\n', 'e.txt')).toEqual({
      sentences: [],
      empty: [],
      format: 'columns',
      column: 'last column',
    });
  });
});

describe('parseTaggedText and format detection', () => {
  it('detects CoNLL-U by name or by its first token line, else columns', () => {
    expect(detectTaggedFormat(columns, 'train.conllu')).toBe('conllu');
    expect(detectTaggedFormat(atis, 'train.txt')).toBe('conllu');
    expect(detectTaggedFormat(`\r\n${ewt}`, 'x')).toBe('conllu');
    expect(detectTaggedFormat(columns, 'train.conll')).toBe('columns');
    // Ten tab-separated columns without a numeric id are a column file.
    expect(detectTaggedFormat('a\tb\tc\td\te\tf\tg\th\ti\tj\n', 'x')).toBe('columns');
    expect(parseTaggedText(atis, 'x').format).toBe('conllu');
    expect(parseTaggedText(columns, 'x').format).toBe('columns');
  });

  it('passes the column to each format: upos/xpos for CoNLL-U, a number for columns', () => {
    expect(parseTaggedText(ewt, 'e', { column: 'xpos' }).sentences[0]?.tags[0]).toBe('PRP');
    expect(parseTaggedText(ewt, 'e', { column: 'UPOS' }).column).toBe('upos');
    expect(parseTaggedText(columns, 'c', { column: '2' }).column).toBe('column 2');
    expect(parseTaggedText(columns, 'c', { column: 'column 3' }).sentences[0]?.tags[0]).toBe(
      'B-NP',
    );
  });

  it('refuses a column or option the format does not have', () => {
    expect(fails(() => parseTaggedText(columns, 'c.txt', { column: 'upos' }))).toBe(
      'c.txt: tag column "upos" is not a 1-based column number (upos and xpos are CoNLL-U columns; this file reads as whitespace-separated columns)',
    );
    expect(fails(() => parseTaggedText(ewt, 'e.conllu', { column: '4' }))).toBe(
      'e.conllu: tag column "4" is not a CoNLL-U tag column: choose "upos" or "xpos"',
    );
    expect(fails(() => parseTaggedText(ewt, 'e.conllu', { tokenColumn: 2 }))).toBe(
      'e.conllu: a token column applies to column files; CoNLL-U tokens are its FORM field',
    );
    expect(fails(() => parseTaggedText(ewt, 'e', { format: 'iob' as never }))).toBe(
      'e: format "iob" is not "conllu", "columns" or "auto"',
    );
  });

  it('reads text to tag without tags: CoNLL-U with "_" tags, a one-column file', () => {
    const untagged = atis.replace(/\t(PRON|AUX|NOUN|PROPN)\t/g, '\t_\t');
    expect(() => parseTaggedText(untagged, 'u.conllu')).toThrow('UPOS is "_" on every token');
    expect(parseTokenText(untagged, 'u.conllu').sentences).toEqual([
      { tokens: ['what', 'is', 'restriction', 'ap57'], line: 4 },
    ]);
    expect(parseTokenText('what\nis\n\nshow\n', 'u.txt')).toEqual({
      sentences: [
        { tokens: ['what', 'is'], line: 1 },
        { tokens: ['show'], line: 4 },
      ],
      empty: [],
      format: 'columns',
    });
  });
});

describe('conlluWithTags', () => {
  const predicted = [
    ['X1', 'X2', 'X3', 'X4', 'X5'],
    ['Y1', 'Y2', 'Y3', 'Y4', 'Y5'],
  ];

  it.each(['upos', 'xpos'] as const)(
    'replaces the %s field only: tokens kept, every other line and field byte-identical',
    (column) => {
      const written = conlluWithTags(ewt, 'ewt.conllu', column, predicted);
      const reread = parseConlluTags(written, 'out.conllu', { column });
      expect(reread.sentences.map((s) => s.tokens)).toEqual(
        parseConlluTags(ewt, 'ewt.conllu').sentences.map((s) => s.tokens),
      );
      expect(reread.sentences.map((s) => s.tags)).toEqual(predicted);
      const field = column === 'upos' ? 3 : 4;
      const before = ewt.split('\n');
      const after = written.split('\n');
      expect(after).toHaveLength(before.length);
      let changed = 0;
      for (const [i, line] of before.entries()) {
        if (/^\d+\t/.test(line)) {
          const a = line.split('\t');
          const b = (after[i] as string).split('\t');
          a.splice(field, 1);
          b.splice(field, 1);
          expect(b).toEqual(a);
          changed++;
        } else {
          expect(after[i]).toBe(line);
        }
      }
      expect(changed).toBe(10);
    },
  );

  it('keeps CRLF line endings and a byte-order mark', () => {
    const crlf = `\ufeff${atis.replaceAll('\n', '\r\n')}`;
    const written = conlluWithTags(crlf, 'a.conllu', 'upos', [['A', 'B', 'C', 'D']]);
    expect(written.startsWith('\ufeff# sent_id = 0010.dev\r\n')).toBe(true);
    expect(written.split('\r\n')).toHaveLength(crlf.split('\r\n').length);
    expect(written).toContain('\r\n1\twhat\twhat\tA\t_\t');
    expect(parseConlluTags(written, 'a.conllu').sentences[0]?.tags).toEqual(['A', 'B', 'C', 'D']);
  });

  it('refuses tags that do not pair up with the sentences, or cannot be written', () => {
    expect(fails(() => conlluWithTags(ewt, 'e.conllu', 'upos', [predicted[0] as string[]]))).toBe(
      'e.conllu: 1 tagged sentences for the 2 sentences of the file',
    );
    expect(
      fails(() => conlluWithTags(ewt, 'e.conllu', 'upos', [['A'], predicted[1] as string[]])),
    ).toBe('e.conllu:4: 1 tags for the 5 tokens of sentence 1');
    expect(fails(() => conlluWithTags(atis, 'a.conllu', 'upos', [['A', 'B C', 'C', 'D']]))).toBe(
      'a.conllu:5: predicted tag "B C" cannot be written in a column (empty or with whitespace)',
    );
  });
});

describe('columnsWithTags', () => {
  it('appends the predicted tag as a last column; blank and -DOCSTART- lines kept', () => {
    const predicted = [
      ['O', 'O', 'B-NAME', 'I-NAME'],
      ['O', 'B-NAME'],
    ];
    const written = columnsWithTags(columns, 'c.txt', predicted);
    expect(written.split('\n').slice(0, 4)).toEqual([
      '-DOCSTART- -X- -X- O',
      '',
      'what PRON B-NP O O',
      'is AUX B-VP O O',
    ]);
    // conlleval layout: gold is the next-to-last column, predicted the last.
    const gold = parseConllColumns(written, 'out.txt', { tagColumn: 4 });
    const reread = parseConllColumns(written, 'out.txt');
    expect(reread.column).toBe('column 5');
    expect(reread.sentences.map((s) => s.tags)).toEqual(predicted);
    expect(gold.sentences).toEqual(parseConllColumns(columns, 'c.txt').sentences);
    const before = columns.split('\n');
    for (const [i, line] of written.split('\n').entries()) {
      if (/^(-DOCSTART-|$)/.test(before[i] as string)) expect(line).toBe(before[i]);
      else expect(line.startsWith(`${before[i]} `)).toBe(true);
    }
  });

  it('separates with a tab where the line uses tabs, keeps CRLF, and takes a token-only file', () => {
    const written = columnsWithTags('what\tx\r\nis y \r\n', 't.tsv', [['PRON', 'AUX']]);
    expect(written).toBe('what\tx\tPRON\r\nis y AUX\r\n');
    expect(columnsWithTags('what\nis\n', 't.txt', [['PRON', 'AUX']])).toBe('what PRON\nis AUX\n');
  });

  it('refuses tags that do not pair up with the sentences', () => {
    expect(fails(() => columnsWithTags(columns, 'c.txt', [['O', 'O', 'O', 'O'], ['O']]))).toBe(
      'c.txt:8: 1 tags for the 2 tokens of sentence 2',
    );
  });
});
