// Generated ids as text: pieces concatenate to the text; words are joined by single spaces with
// <eos> as a line break; a word continuation takes a space after a prompt that ended inside a line.
import { bosId, eosId, unkId } from '@recurrent/data';
import { describe, expect, it } from 'vitest';
import { pieceRenderer, renderText } from './render.js';
import { TokenStream } from './token-stream.js';

const chars = TokenStream.build({ type: 'char' }, [...'ab\n'], {});
const words = TokenStream.build({ type: 'word' }, ['the', 'cat', 'sat', '.', '<eos>'], {});
const c = (t: string) => chars.vocabulary.id(t);
const w = (t: string) => words.vocabulary.id(t);

describe('renderText', () => {
  it('concatenates characters; special tokens by name', () => {
    expect(renderText(chars, c('a'), [c('b'), c('\n'), c('a'), unkId])).toBe('b\na<unk>');
  });

  it('joins words with spaces and ends lines at <eos>', () => {
    const generated = [w('the'), w('cat'), w('sat'), w('.'), eosId, w('the'), w('cat'), eosId];
    expect(renderText(words, eosId, generated)).toBe('the cat sat .\nthe cat\n');
  });

  it('starts with a space after a prompt that ended inside a line', () => {
    expect(renderText(words, w('the'), [w('cat'), w('sat')])).toBe(' cat sat');
    expect(renderText(words, w('sat'), [eosId, w('the')])).toBe('\nthe');
    expect(renderText(words, w('the'), [unkId, bosId])).toBe(' <unk> <bos>');
  });

  it('gives pieces that concatenate to the text', () => {
    const generated = [w('cat'), eosId, eosId, w('the'), unkId, w('.')];
    const renderer = pieceRenderer(words, w('the'));
    const pieces = generated.map((id) => renderer.piece(id));
    expect(pieces).toEqual([' cat', '\n', '\n', 'the', ' <unk>', ' .']);
    expect(pieces.join('')).toBe(renderText(words, w('the'), generated));
  });

  it('refuses an id outside the vocabulary', () => {
    expect(() => renderText(chars, c('a'), [99])).toThrow(
      "token id 99 is outside the vocabulary's 7 tokens",
    );
  });
});
