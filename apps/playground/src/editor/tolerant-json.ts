// The document as completion sees it while the user is typing, when the text is not yet valid
// JSON: the values the syntax tree holds, error nodes skipped. codemirror-json-schema's default
// (best-effort-json-parser) logs a console error for every half-typed document; this is silent.
import { syntaxTree } from '@codemirror/language';
import type { EditorState } from '@codemirror/state';
import type { SyntaxNode } from '@lezer/common';
import { getJsonPointers } from 'codemirror-json-schema';

export function tolerantDocument(state: EditorState) {
  const text = state.doc.toString();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = nodeValue(syntaxTree(state).topNode.firstChild, text);
  }
  return { data, pointers: getJsonPointers(state, 'json4') };
}

/** The JSON value of a syntax node, best effort; undefined where the tree has no value. */
export function nodeValue(node: SyntaxNode | null, text: string): unknown {
  while (node?.type.isError) node = node.nextSibling;
  if (!node) return undefined;
  const raw = text.slice(node.from, node.to);
  switch (node.name) {
    case 'Object': {
      const object: Record<string, unknown> = {};
      for (const property of node.getChildren('Property')) {
        const key = property.getChild('PropertyName');
        if (!key) continue;
        const name = stringOf(text.slice(key.from, key.to));
        let value = key.nextSibling;
        while (value && !isValue(value)) value = value.nextSibling;
        // A property still without its value is left out, as if not yet typed.
        if (value) object[name] = nodeValue(value, text);
      }
      return object;
    }
    case 'Array': {
      const items: unknown[] = [];
      for (let child = node.firstChild; child; child = child.nextSibling)
        if (isValue(child)) items.push(nodeValue(child, text));
      return items;
    }
    case 'String':
      return stringOf(raw);
    case 'Number':
      return Number(raw);
    case 'True':
      return true;
    case 'False':
      return false;
    case 'Null':
      return null;
    default:
      return undefined;
  }
}

function isValue(node: SyntaxNode): boolean {
  return ['Object', 'Array', 'String', 'Number', 'True', 'False', 'Null'].includes(node.name);
}

function stringOf(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.replace(/^"/, '').replace(/"$/, '');
  }
}
