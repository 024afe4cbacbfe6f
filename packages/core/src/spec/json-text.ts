// JSON text with positions: syntax errors with line and column, and the line and column of any
// JSON pointer in a parsed document, so spec errors can point into the user's file.
import {
  findNodeAtLocation,
  type Node,
  type ParseErrorCode,
  parseTree,
  printParseErrorCode,
  visit,
} from 'jsonc-parser';

export interface TextPosition {
  /** 1-based line. */
  line: number;
  /** 1-based column, in UTF-16 code units as editors count them. */
  column: number;
}

export interface JsonSyntaxError extends TextPosition {
  message: string;
}

const syntaxMessages: Partial<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ',' between items",
  CloseBraceExpected: "expected '}' to close the object",
  CloseBracketExpected: "expected ']' to close the array",
  EndOfFileExpected: 'unexpected content after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape sequence',
  InvalidCharacter: 'control character inside a string (escape it)',
};

class FirstSyntaxError extends Error {
  constructor(readonly detail: JsonSyntaxError) {
    super(detail.message);
  }
}

/** The first syntax error of `text` in strict JSON, or undefined when jsonc-parser finds none. */
export function findSyntaxError(text: string): JsonSyntaxError | undefined {
  if (text.trim() === '')
    return { message: 'the file is empty: expected a JSON object', line: 1, column: 1 };
  try {
    visit(
      text,
      {
        onComment: (_offset, _length, startLine, startCharacter) => {
          throw new FirstSyntaxError({
            message: 'comments are not allowed in JSON',
            line: startLine + 1,
            column: startCharacter + 1,
          });
        },
        onError: (code: ParseErrorCode, offset, _length, startLine, startCharacter) => {
          const name = printParseErrorCode(code);
          const afterComma = /,\s*$/.test(text.slice(Math.max(0, offset - 200), offset));
          const trailingComma = afterComma && /^[}\]]/.test(text.slice(offset));
          throw new FirstSyntaxError({
            message: trailingComma
              ? 'trailing commas are not allowed in JSON'
              : (syntaxMessages[name] ?? name),
            line: startLine + 1,
            column: startCharacter + 1,
          });
        },
      },
      { disallowComments: false, allowTrailingComma: false },
    );
  } catch (error) {
    if (error instanceof FirstSyntaxError) return error.detail;
    throw error;
  }
  return undefined;
}

/** Maps JSON pointers of a parsed document back to positions in its text. */
export class JsonLocator {
  readonly #root: Node | undefined;
  readonly #lineStarts: number[] = [0];

  constructor(text: string) {
    this.#root = parseTree(text, [], { disallowComments: true });
    for (let i = 0; i < text.length; i++)
      if (text.charCodeAt(i) === 10) this.#lineStarts.push(i + 1);
  }

  /**
   * Position of the value at `pointer`; for a property that does not exist, the position of its
   * nearest existing ancestor. `atKey` points at the property name instead of its value.
   */
  positionOf(pointer: string, atKey = false): TextPosition | undefined {
    if (this.#root === undefined) return undefined;
    const path = parsePointer(pointer).map((segment, i, all) => {
      const parent = findNodeAtLocation(this.#root as Node, all.slice(0, i) as (string | number)[]);
      return parent?.type === 'array' && /^\d+$/.test(segment) ? Number(segment) : segment;
    });
    for (let depth = path.length; depth >= 0; depth--) {
      const node = findNodeAtLocation(this.#root, path.slice(0, depth));
      if (node === undefined) continue;
      const keyNode =
        atKey && depth === path.length && node.parent?.type === 'property'
          ? node.parent.children?.[0]
          : undefined;
      return this.#position((keyNode ?? node).offset);
    }
    return undefined;
  }

  #position(offset: number): TextPosition {
    let low = 0;
    let high = this.#lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.#lineStarts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.#lineStarts[low] as number) + 1 };
  }
}

/** RFC 6901 pointer -> unescaped segments ("" -> []). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Segments -> RFC 6901 pointer. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
