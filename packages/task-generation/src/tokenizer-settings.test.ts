// Each tokenizer and vocabulary setting of a generation spec changes what the task learns from
// (the CLI's old character model ignored all of them): one test per setting, through the task.
import '@recurrent/backend-cpu';
import { useBackend } from '@recurrent/core';
import { bosId, eosId, padId, unkId } from '@recurrent/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { GenerationTask } from './generation-task.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** A task trained one epoch on `text` with these input settings (one stream, chunks of 4). */
async function trained(input: Record<string, unknown>, text: string): Promise<GenerationTask> {
  const task = GenerationTask.create({
    version: 1,
    name: 'settings',
    task: 'generation',
    input: { maxLength: 4, ...input },
    layers: [
      { type: 'embedding', embeddingDim: 4 },
      { type: 'gru', hiddenSize: 4 },
      { type: 'dense', units: 'auto' },
    ],
    training: { epochs: 1, batchSize: 1, optimizer: { type: 'adam' }, seed: 1 },
  });
  await task.train(text);
  return task;
}

const ordinary = (tokens: readonly string[]) => tokens.slice(4);
const ids = (task: GenerationTask, text: string) => Array.from(task.encode(text));

describe('tokenizer settings', () => {
  const mixedCase = 'The Cat sat. THE CAT SAT. the cat sat.\n'.repeat(3);

  it('lowercase: no upper-case tokens, and "A" reads as "a"', async () => {
    const lower = await trained({ tokenizer: { type: 'char', lowercase: true } }, mixedCase);
    expect(ordinary(lower.vocabulary.tokens).filter((t) => t !== t.toLowerCase())).toEqual([]);
    expect(ids(lower, 'A')).toEqual(ids(lower, 'a'));
    expect(ids(lower, 'a')).not.toEqual([unkId]);
    const cased = await trained({ tokenizer: { type: 'char' } }, mixedCase);
    expect(ordinary(cased.vocabulary.tokens)).toEqual(expect.arrayContaining(['T', 'C', 'A']));
    expect(ids(cased, 'A')).not.toEqual(ids(cased, 'a'));
    lower.dispose();
    cased.dispose();
  });

  it('normalize: NFC composes accents (the default), none keeps them apart, NFKC unfolds ligatures', async () => {
    // "é" written both ways: precomposed U+00E9 and e + combining acute U+0301.
    const text = 'caf\u00e9 cafe\u0301 \ufb01ne \ufb01ne\n'.repeat(3);
    const nfc = await trained({ tokenizer: { type: 'char' } }, text);
    expect(nfc.vocabulary.tokens).toContain('\u00e9');
    expect(nfc.vocabulary.tokens).not.toContain('\u0301');
    expect(nfc.vocabulary.tokens).toContain('\ufb01');
    expect(ids(nfc, 'cafe\u0301')).toEqual(ids(nfc, 'caf\u00e9'));
    const none = await trained({ tokenizer: { type: 'char', normalize: 'none' } }, text);
    expect(none.vocabulary.tokens).toContain('\u0301');
    expect(ids(none, 'cafe\u0301')).not.toEqual(ids(none, 'caf\u00e9'));
    const nfkc = await trained({ tokenizer: { type: 'char', normalize: 'NFKC' } }, text);
    expect(nfkc.vocabulary.tokens).not.toContain('\ufb01');
    expect(ids(nfkc, '\ufb01')).toEqual(ids(nfkc, 'fi'));
    for (const task of [nfc, none, nfkc]) task.dispose();
  });

  it('rules: treebank splits contractions as the Penn Treebank does, basic at every mark', async () => {
    const text = "I don't know. You don't either.\n".repeat(3);
    const treebank = await trained({ tokenizer: { type: 'word', rules: 'treebank' } }, text);
    expect(treebank.vocabulary.tokens).toEqual(expect.arrayContaining(['do', "n't"]));
    expect(treebank.vocabulary.tokens).not.toContain('don');
    const basic = await trained({ tokenizer: { type: 'word' } }, text);
    expect(basic.vocabulary.tokens).toEqual(expect.arrayContaining(['don', "'", 't']));
    expect(basic.vocabulary.tokens).not.toContain("n't");
    treebank.dispose();
    basic.dispose();
  });

  it('splitPunctuation: false keeps a word and its marks as one token', async () => {
    const text = 'the end. the end. the end!\n'.repeat(3);
    const whole = await trained({ tokenizer: { type: 'word', splitPunctuation: false } }, text);
    expect(ordinary(whole.vocabulary.tokens).sort()).toEqual(['end!', 'end.', 'the']);
    const split = await trained({ tokenizer: { type: 'word' } }, text);
    expect(ordinary(split.vocabulary.tokens).sort()).toEqual(['!', '.', 'end', 'the']);
    whole.dispose();
    split.dispose();
  });

  it('word streams end each line with <eos>; the special ids are fixed', async () => {
    const task = await trained({ tokenizer: { type: 'word' } }, 'a b\nc a\nb c\n'.repeat(4));
    expect(task.vocabulary.tokens.slice(0, 4)).toEqual(['<pad>', '<unk>', '<bos>', '<eos>']);
    expect([padId, unkId, bosId, eosId]).toEqual([0, 1, 2, 3]);
    const [a, b, c] = ['a', 'b', 'c'].map((w) => task.vocabulary.id(w));
    // A final line break ends the last line; it does not add an empty one.
    expect(ids(task, 'a b\nc')).toEqual([a, b, eosId, c, eosId]);
    expect(ids(task, 'a b\nc\n')).toEqual([a, b, eosId, c, eosId]);
    expect(ids(task, 'a\n\nb')).toEqual([a, eosId, eosId, b, eosId]);
    task.dispose();
  });
});

describe('vocabulary limits', () => {
  // 44 characters; the last tenth (4) is held out, so the vocabulary comes from the first 41 (the
  // last of them is the held-out part's context): a 20, b 8, c 8, d 4, e 1 (f and g only in the
  // held-out end).
  const text = `${'aaab'.repeat(4)}${'aabc'.repeat(4)}${'cdcd'.repeat(2)}eefg`;

  it('maxSize: the most frequent tokens, special tokens included in the count', async () => {
    const task = await trained({ tokenizer: { type: 'char' }, vocabulary: { maxSize: 7 } }, text);
    expect(task.vocabulary.size).toBe(7);
    expect(ordinary(task.vocabulary.tokens)).toEqual(['a', 'b', 'c']);
    expect(ids(task, 'abcd')).toEqual([4, 5, 6, unkId]);
    task.dispose();
  });

  it('minFrequency: tokens rarer than the limit in the training part read as <unk>', async () => {
    const task = await trained(
      { tokenizer: { type: 'char' }, vocabulary: { minFrequency: 2 } },
      text,
    );
    // e occurs twice in the text but once in the training part; f and g only in the held-out end.
    expect(ordinary(task.vocabulary.tokens)).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(task, 'dfg')).toEqual([task.vocabulary.id('d'), unkId, unkId]);
    task.dispose();
  });
});
