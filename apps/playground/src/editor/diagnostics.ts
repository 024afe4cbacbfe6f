// Core's spec problems as editor diagnostics: a text range and a message. parseSpec already
// places each problem at a 1-based line and column (core's JsonLocator maps its JSON pointer into
// the text); this turns that into a character range the editor can underline, wide enough to see
// (the whole value or property name), and keeps the suggestion in the message. Problems that
// arrive with a pointer only (from the worker) are placed with the JSON syntax tree.
import { jsonLanguage } from '@codemirror/lang-json';
import type { SyntaxNode, Tree } from '@lezer/common';
import { parseSpec, pointerToPath, type SpecError, type SpecResult } from '@recurrent/core';

export interface SpecDiagnostic {
  /** Character offsets in the text, from < to whenever the text is not empty. */
  from: number;
  to: number;
  /** 1-based line of `from`, for messages and tests. */
  line: number;
  message: string;
  /** "syntax", "schema" and "semantic" come from core's parseSpec; "run" from the worker. */
  kind: SpecError['kind'] | 'run';
  pointer: string;
}

export interface SpecCheck {
  result: SpecResult;
  diagnostics: SpecDiagnostic[];
}

/** Checks a spec's text with core's parseSpec and places every problem in the text. */
export function checkSpecText(text: string): SpecCheck {
  const result = parseSpec(text);
  if (result.ok) return { result, diagnostics: [] };
  // parseSpec skips a leading BOM; its lines and columns are those of the text without it.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const source = text.slice(bom);
  const tree = result.errors.some((e) => e.kind !== 'syntax') ? parseTree(source) : undefined;
  const diagnostics = result.errors.map((error) => {
    const start = error.line === undefined ? 0 : offsetOf(source, error.line, error.column ?? 1);
    const range =
      error.kind === 'syntax' ? syntaxRange(source, start) : valueRange(source, tree, start);
    return {
      from: range.from + bom,
      to: range.to + bom,
      line: lineOf(text, range.from + bom),
      message: messageOf(error),
      kind: error.kind,
      pointer: error.pointer,
    };
  });
  return { result, diagnostics };
}

/** A problem known by its JSON pointer only (a worker's error), placed at that value. */
export function pointerDiagnostic(text: string, pointer: string, message: string): SpecDiagnostic {
  const tree = parseTree(text);
  const node = nodeAtPointer(tree, text, pointer);
  const range = node ? markRange(text, node) : syntaxRange(text, 0);
  return { ...range, line: lineOf(text, range.from), message, kind: 'run', pointer };
}

/**
 * "layers[2].type: unknown layer type "lstn" (did you mean "lstm"?)". A missing or unknown
 * property is named in the message already, so the path is its object's.
 */
export function messageOf(error: SpecError): string {
  const namesProperty = /^(missing required|unknown) property/.test(error.message);
  const pointer = namesProperty ? error.pointer.replace(/\/[^/]*$/, '') : error.pointer;
  const where = error.kind === 'syntax' || pointer === '' ? '' : `${pointerToPath(pointer)}: `;
  const hint = error.suggestion ? ` (${error.suggestion})` : '';
  return `${where}${error.message}${hint}`;
}

/** The offset of a 1-based line and column (UTF-16 units), clamped to the text. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + column - 1, lineEnd < 0 ? text.length : lineEnd);
}

/** The 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function parseTree(text: string): Tree {
  return jsonLanguage.parser.parse(text);
}

/**
 * A syntax error's range: the character it points at, or, at the end of a line or of the text
 * (an unclosed brace, a missing value), the last character before it, so the mark is visible.
 */
function syntaxRange(text: string, offset: number): { from: number; to: number } {
  if (text.length === 0) return { from: 0, to: 0 };
  let at = Math.min(offset, text.length);
  if (at === text.length || /\s/.test(text.charAt(at))) {
    let back = at - 1;
    while (back > 0 && /\s/.test(text.charAt(back))) back--;
    // Only step back on the same line: the error's line is what the user must see.
    const sameLine = !text.slice(Math.max(back, 0), at).includes('\n');
    if (at === text.length || sameLine) at = Math.max(back, 0);
  }
  return { from: at, to: Math.min(at + 1, text.length) };
}

const valueTypes = new Set(['Object', 'Array', 'String', 'Number', 'True', 'False', 'Null']);

/** The range of the value (or property name) that starts at `offset`. */
function valueRange(
  text: string,
  tree: Tree | undefined,
  offset: number,
): { from: number; to: number } {
  let node: SyntaxNode | null = tree ? tree.resolveInner(offset, 1) : null;
  // Climb to the outermost value or property name that starts here.
  while (node?.parent && node.parent.from === offset && node.parent.name !== 'JsonText')
    node = node.parent;
  if (!node || node.name === 'JsonText' || node.from !== offset) {
    const inner = tree?.resolveInner(offset, 1);
    if (!inner || inner.name === 'JsonText') return syntaxRange(text, offset);
    node = inner;
  }
  return markRange(text, node);
}

/**
 * Scalars and property names are marked whole. An object or array spans many lines: mark the
 * name of the property that holds it (what "missing property" errors are about), else its opening
 * bracket.
 */
function markRange(text: string, node: SyntaxNode): { from: number; to: number } {
  if (node.name === 'Property') node = node.getChild('PropertyName') ?? node;
  if (node.name === 'Object' || node.name === 'Array') {
    const key = node.parent?.name === 'Property' ? node.parent.getChild('PropertyName') : null;
    if (key) return { from: key.from, to: key.to };
    return { from: node.from, to: Math.min(node.from + 1, text.length) };
  }
  if (node.name === 'JsonText') return syntaxRange(text, node.from);
  return { from: node.from, to: Math.max(node.to, node.from + 1) };
}

/** The value at an RFC 6901 pointer, or its nearest existing ancestor. */
export function nodeAtPointer(tree: Tree, text: string, pointer: string): SyntaxNode | undefined {
  let node: SyntaxNode | null = tree.topNode.firstChild;
  while (node && !valueTypes.has(node.name)) node = node.nextSibling;
  if (!node) return undefined;
  const segments =
    pointer === ''
      ? []
      : pointer
          .slice(1)
          .split('/')
          .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  for (const segment of segments) {
    const child = childValue(node, text, segment);
    if (!child) break;
    node = child;
  }
  return node;
}

function childValue(node: SyntaxNode, text: string, segment: string): SyntaxNode | undefined {
  if (node.name === 'Object') {
    for (const property of node.getChildren('Property')) {
      const key = property.getChild('PropertyName');
      if (!key || keyText(text, key) !== segment) continue;
      let value = key.nextSibling;
      while (value && !valueTypes.has(value.name)) value = value.nextSibling;
      return value ?? key;
    }
    return undefined;
  }
  if (node.name === 'Array' && /^\d+$/.test(segment)) {
    let index = Number(segment);
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (!valueTypes.has(child.name)) continue;
      if (index-- === 0) return child;
    }
  }
  return undefined;
}

function keyText(text: string, key: SyntaxNode): string {
  const raw = text.slice(key.from, key.to);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.replace(/^"|"$/g, '');
  }
}
