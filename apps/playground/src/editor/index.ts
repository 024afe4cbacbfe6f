export {
  checkSpecText,
  pointerDiagnostic,
  type SpecCheck,
  type SpecDiagnostic,
} from './diagnostics.js';
export type { RunProblem } from './extensions.js';
export { SpecEditor, type SpecEditorProps } from './SpecEditor.js';
