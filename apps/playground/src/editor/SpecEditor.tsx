// The spec editor as a Preact component: CodeMirror owns the text while the user types; a new
// `text` from outside (an example, a shared link) replaces it. Below it, the list of problems
// (line and message), each a button that moves the cursor to the problem.
//
// Test hooks (for the browser tests): the wrapper is `[data-testid="spec-editor"]`, its
// CodeMirror content `.cm-content`; marked problems are `.cm-lintRange-error` in the text (their
// message shows in a `.cm-diagnostic` tooltip on hover); the problem list is
// `[data-testid="spec-problems"]` with one `li` per problem carrying `data-line` and `data-kind`;
// `[data-testid="spec-status"]` reads "valid" or "N problems" (attribute `data-valid`).
// `window.recurrentPlayground.editor` has `getText()` and `setText(text)` for tests that replace
// the whole text without typing it.
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SpecCheck, SpecDiagnostic } from './diagnostics.js';
import { type RunProblem, setRunProblems, specEditorExtensions } from './extensions.js';

export interface SpecEditorProps {
  text: string;
  onChange: (text: string) => void;
  /** Each check of the text: the parsed spec when it is valid. */
  onCheck?: (check: SpecCheck) => void;
  /** Problems the worker reported for the last run (JSON pointer + message). */
  runProblems?: RunProblem[];
  /** While a run trains: the text is the run's, so it cannot be edited. */
  readOnly?: boolean;
}

/** Whether the text can be edited: read-only and not editable (no caret, no typing). */
const locking = (readOnly: boolean) => [
  EditorState.readOnly.of(readOnly),
  EditorView.editable.of(!readOnly),
];

interface EditorHook {
  getText(): string;
  setText(text: string): void;
}

declare global {
  interface Window {
    recurrentPlayground?: { editor?: EditorHook };
  }
}

export function SpecEditor({
  text,
  onChange,
  onCheck,
  runProblems,
  readOnly = false,
}: SpecEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const [lock] = useState(() => new Compartment());
  const view = useRef<EditorView | null>(null);
  const [problems, setProblems] = useState<SpecDiagnostic[] | undefined>(undefined);
  // The latest callbacks, read by the extensions created once.
  const callbacks = useRef({ onChange, onCheck });
  callbacks.current = { onChange, onCheck };

  useEffect(() => {
    if (host.current === null) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text,
        extensions: [
          specEditorExtensions({
            onChange: (t) => callbacks.current.onChange(t),
            onCheck: (check, diagnostics) => {
              setProblems(diagnostics);
              callbacks.current.onCheck?.(check);
            },
          }),
          lock.of(locking(readOnly)),
        ],
      }),
    });
    view.current = editor;
    window.recurrentPlayground = {
      ...window.recurrentPlayground,
      editor: {
        getText: () => editor.state.doc.toString(),
        setText: (t) => replaceText(editor, t),
      },
    };
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once; `text` changes are applied by the effect below.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== text) replaceText(editor, text);
  }, [text]);

  useEffect(() => {
    view.current?.dispatch({ effects: setRunProblems.of(runProblems ?? []) });
  }, [runProblems]);

  useEffect(() => {
    view.current?.dispatch({ effects: lock.reconfigure(locking(readOnly)) });
  }, [lock, readOnly]);

  const jumpTo = (d: SpecDiagnostic) => {
    const editor = view.current;
    if (!editor) return;
    editor.dispatch({ selection: { anchor: d.from, head: d.to }, scrollIntoView: true });
    editor.focus();
  };

  return (
    <div class="spec-editor">
      <div
        class="spec-editor-host"
        data-testid="spec-editor"
        data-readonly={String(readOnly)}
        ref={host}
      />
      <SpecStatus problems={problems} onPick={jumpTo} />
    </div>
  );
}

function SpecStatus({
  problems,
  onPick,
}: {
  problems: SpecDiagnostic[] | undefined;
  onPick: (d: SpecDiagnostic) => void;
}) {
  if (problems === undefined)
    return (
      <p class="spec-status" data-testid="spec-status">
        checking…
      </p>
    );
  const valid = problems.length === 0;
  return (
    <div>
      <p
        class={valid ? 'spec-status valid' : 'spec-status invalid'}
        data-testid="spec-status"
        data-valid={String(valid)}
      >
        {valid ? 'valid' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`}
      </p>
      {!valid && (
        <ul class="spec-problems" data-testid="spec-problems">
          {problems.map((d) => (
            <li key={`${d.from}:${d.message}`} data-line={d.line} data-kind={d.kind}>
              <button type="button" onClick={() => onPick(d)}>
                line {d.line}
              </button>{' '}
              {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function replaceText(editor: EditorView, text: string): void {
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
}
