// Generated ids as text, one piece per token, so that a stream's pieces concatenate to the whole
// text. Char models: each token's character. Word models: words joined by single spaces, <eos>
// as a line break (Porting note: PyTorch's word_language_model prints "<eos>" and a space; a line
// break reads as the text the model learned). The first piece of a word model takes a space when
// the prompt ended inside a line, so prompt + text reads as one text. Other special tokens
// (<unk>, and <pad>/<bos>, which an undertrained model may still choose) appear by their names.
import { eosId } from '@recurrent/data';
import type { TokenStream } from './token-stream.js';

export interface PieceRenderer {
  /** The text `token` adds after the tokens before it. */
  piece(token: number): string;
}

/** Renders the tokens that follow a prompt whose last id is `lastPromptId`. */
export function pieceRenderer(stream: TokenStream, lastPromptId: number): PieceRenderer {
  const { tokens } = stream.vocabulary;
  const name = (id: number) => {
    const token = tokens[id];
    if (token === undefined) {
      throw new RangeError(`token id ${id} is outside the vocabulary's ${tokens.length} tokens`);
    }
    return token;
  };
  if (stream.tokenizer.options.type === 'char') return { piece: name };
  let previous = lastPromptId;
  return {
    piece(token) {
      const text = token === eosId ? '\n' : name(token);
      const separator = token === eosId || previous === eosId ? '' : ' ';
      previous = token;
      return separator + text;
    },
  };
}

/** The whole text of `ids` after the prompt (the pieces concatenated). */
export function renderText(
  stream: TokenStream,
  lastPromptId: number,
  ids: readonly number[],
): string {
  const renderer = pieceRenderer(stream, lastPromptId);
  let text = '';
  for (const id of ids) text += renderer.piece(id);
  return text;
}
