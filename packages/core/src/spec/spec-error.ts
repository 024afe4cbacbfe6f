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

/**
 * One line per error, in the compiler style editors link to:
 * `model.json:8:15: /layers/1/type: unknown layer type "lstmm" (did you mean "lstm"?)`.
 */
export function formatSpecError(error: SpecError, file?: string): string {
  const where = [file, error.line, error.line === undefined ? undefined : error.column].filter(
    (p) => p !== undefined,
  );
  const prefix = where.length > 0 ? `${where.join(':')}: ` : '';
  const pointer = error.pointer ? `${error.pointer}: ` : '';
  const hint = error.suggestion ? ` (${error.suggestion})` : '';
  return `${prefix}${pointer}${error.message}${hint}`;
}
