import { json } from '@codemirror/lang-json';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { tolerantDocument } from './tolerant-json.js';

function documentOf(text: string) {
  return tolerantDocument(EditorState.create({ doc: text, extensions: [json()] }));
}

describe('tolerantDocument', () => {
  it('reads valid JSON as JSON.parse does', () => {
    const text =
      '{ "task": "tagging", "layers": [ { "type": "lstm", "hiddenSize": 8 } ], "x": null }';
    expect(documentOf(text).data).toEqual(JSON.parse(text));
  });

  it('keeps what it can of a half-typed document (a missing value, an unclosed object)', () => {
    const { data } = documentOf(
      '{\n  "task": "classification",\n  "layers": [ { "type": "gru", "bidirectional": true } ],\n  "training": {\n    "epochs": \n',
    );
    expect(data).toMatchObject({
      task: 'classification',
      layers: [{ type: 'gru', bidirectional: true }],
    });
  });

  it('gives the pointers of the document for completion', () => {
    const { pointers } = documentOf('{ "task": "generation", "input": { "maxLength": 3 } }');
    expect([...pointers.keys()]).toEqual(
      expect.arrayContaining(['/task', '/input', '/input/maxLength']),
    );
  });
});
