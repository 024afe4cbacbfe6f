// The spec editor's CodeMirror setup: JSON, completion and hover documentation from the model
// schema (codemirror-json-schema), and lint diagnostics from core's parseSpec (syntax, schema and
// semantic problems, each with its suggestion) plus problems the worker reported for a run.
//
// Validation comes from core only, not from codemirror-json-schema's own linter: core validates
// against the same schema with ajv and words each problem with its suggestion ("did you mean");
// two linters would mark every schema problem twice, in two wordings.
import { json, jsonLanguage } from '@codemirror/lang-json';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import { type Extension, StateEffect, StateField } from '@codemirror/state';
import { EditorView, hoverTooltip } from '@codemirror/view';
import { modelSchema } from '@recurrent/core';
import { basicSetup } from 'codemirror';
import { jsonCompletion, jsonSchemaHover, stateExtensions } from 'codemirror-json-schema';
import {
  checkSpecText,
  pointerDiagnostic,
  type SpecCheck,
  type SpecDiagnostic,
} from './diagnostics.js';
import { editorSchema } from './editor-schema.js';
import { hoverTexts } from './hover-texts.js';
import { tolerantDocument } from './tolerant-json.js';

/** A problem the worker found in a run of this spec (a JSON pointer and a message). */
export interface RunProblem {
  pointer: string;
  message: string;
}

/** Replaces the worker's problems shown in the editor (cleared by the next edit). */
export const setRunProblems = StateEffect.define<RunProblem[]>();

const runProblems = StateField.define<RunProblem[]>({
  create: () => [],
  update(value, transaction) {
    for (const effect of transaction.effects) if (effect.is(setRunProblems)) return effect.value;
    // They belong to the text the run was started with.
    return transaction.docChanged ? [] : value;
  },
});

export interface SpecEditorOptions {
  /** Called with each check of the text (after each edit, debounced) and its diagnostics. */
  onCheck?: (check: SpecCheck, diagnostics: SpecDiagnostic[]) => void;
  /** Called with the new text after each edit. */
  onChange?: (text: string) => void;
  /** Milliseconds between the last keystroke and the check. */
  lintDelay?: number;
}

function toDiagnostic(d: SpecDiagnostic): Diagnostic {
  return { from: d.from, to: d.to, severity: 'error', source: d.kind, message: d.message };
}

export function specEditorExtensions(options: SpecEditorOptions = {}): Extension[] {
  const specLinter = linter(
    (view) => {
      const text = view.state.doc.toString();
      const check = checkSpecText(text);
      const run = view.state
        .field(runProblems)
        .map((p) => pointerDiagnostic(text, p.pointer, p.message));
      const all = [...check.diagnostics, ...run];
      options.onCheck?.(check, all);
      return all.map(toDiagnostic);
    },
    {
      delay: options.lintDelay ?? 300,
      needsRefresh: (update) =>
        update.transactions.some((t) => t.effects.some((e) => e.is(setRunProblems))),
    },
  );
  return [
    basicSetup,
    json(),
    runProblems,
    specLinter,
    lintGutter(),
    jsonLanguage.data.of({ autocomplete: jsonCompletion({ jsonParser: tolerantDocument }) }),
    hoverTooltip(
      jsonSchemaHover({
        getHoverTexts: (data) => hoverTexts(data.schema as Parameters<typeof hoverTexts>[0]),
      }),
    ),
    // Completion and hover read the schema in the drafts they know (see editor-schema.ts).
    stateExtensions(editorSchema(modelSchema) as Parameters<typeof stateExtensions>[0]),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) options.onChange?.(update.state.doc.toString());
    }),
    // Descriptions are long one-line strings: wrap them rather than scroll sideways.
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': 'Model spec (JSON)' }),
  ];
}
