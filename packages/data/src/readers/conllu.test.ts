// CoNLL-U on real UD English-Atis sentences, multiword tokens and empty nodes, and bad rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { parseConllu } from './conllu.js';

describe('parseConllu', () => {
  it('reads real sentences: forms, UPOS and comments', () => {
    const path = join(import.meta.dirname, '../../test/fixtures/atis-head.conllu');
    const { sentences } = parseConllu(readFileSync(path, 'utf8'), path);
    expect(sentences).toHaveLength(3);
    const first = sentences[0];
    expect(first?.comments.sent_id).toBe('0001.train');
    expect(first?.forms.join(' ')).toBe(first?.comments.text);
    expect(first?.upos.slice(0, 4)).toEqual(['PRON', 'AUX', 'DET', 'NOUN']);
    expect(first?.line).toBe(4);
  });

  it('leaves out multiword ranges and empty nodes', () => {
    const text =
      "# text = can't\n1-2\tcan't\t_\t_\t_\t_\t_\t_\t_\t_\n1\tca\tcan\tAUX\t_\t_\t0\troot\t_\t_\n1.1\tx\tx\tX\t_\t_\t_\t_\t_\t_\n2\tn't\tnot\tPART\t_\t_\t1\tadvmod\t_\t_\n";
    const { sentences } = parseConllu(text, 'm.conllu');
    expect(sentences[0]?.forms).toEqual(['ca', "n't"]);
    expect(sentences[0]?.upos).toEqual(['AUX', 'PART']);
  });

  it('names a bad row by line, or skips and counts it', () => {
    const text =
      '1\ta\ta\tDET\t_\t_\t0\troot\t_\t_\n2\tb\tb\n\nx\tc\tc\tNOUN\t_\t_\t0\troot\t_\t_\n';
    expect(() => parseConllu(text, 'b.conllu')).toThrow(DataError);
    expect(() => parseConllu(text, 'b.conllu')).toThrow(
      'b.conllu:2: 3 tab-separated fields where CoNLL-U has 10',
    );
    const { sentences, skipped } = parseConllu(text, 'b.conllu', { skipBadRows: true });
    expect(sentences.map((s) => s.forms)).toEqual([['a']]);
    expect(skipped.map((s) => s.line)).toEqual([2, 4]);
    expect(skipped[1]?.problem).toBe('token id "x" is not a number, range or decimal');
  });
});
