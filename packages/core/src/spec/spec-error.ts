/** One problem in a model spec. */
export interface SpecError {
  /** JSON pointer (RFC 6901) to the offending value, "" for the whole spec. */
  pointer: string;
  /** What is wrong, in plain English. */
  message: string;
  /** A likely fix, when one is obvious ("did you mean \"lstm\"?"). */
  suggestion?: string;
  /** 1-based position in the spec's text (only when the spec was parsed from text). */
  line?: number;
  column?: number;
  /** Kind of problem, for tools: "syntax", "schema" or "semantic". */
  kind: 'syntax' | 'schema' | 'semantic';
}

/** "/layers/1/hiddenSize" -> "layers[1].hiddenSize", for messages people read. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), '');
}

/** "layers[1].hiddenSize: must be >= 1 (got 0) — did you mean ...?" */
export function formatSpecError(error: SpecError): string {
  const where = error.line === undefined ? '' : `${error.line}:${error.column} `;
  const hint = error.suggestion ? ` (${error.suggestion})` : '';
  return `${where}${error.pointer || '/'}: ${error.message}${hint}`;
}
