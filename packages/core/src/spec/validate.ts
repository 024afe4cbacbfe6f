// validateSpec / parseSpec: the one entry point for checking a model spec. JSON Schema (ajv,
// compiled once) first, then the semantic rules; errors carry pointers, plain messages,
// suggestions and, for text, line and column.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { findSyntaxError, JsonLocator } from './json-text.js';
import { modelSchema } from './schema.generated.js';
import { schemaErrorsToSpecErrors } from './schema-errors.js';
import { semanticProblems } from './semantic-checks.js';
import type { SpecError } from './spec-error.js';
import type { ModelSpec } from './types.generated.js';

export type SpecResult =
  | { ok: true; spec: ModelSpec; errors: [] }
  | { ok: false; errors: SpecError[] };

let compiled: ValidateFunction | undefined;

/** The schema validator, compiled on first use and then reused. */
function schemaValidator(): ValidateFunction {
  compiled ??= new Ajv2020({
    strict: true,
    // `required` inside task-specific if/then branches names properties defined at the top.
    strictRequired: false,
    allErrors: true,
    useDefaults: true,
    discriminator: true,
    verbose: true,
  }).compile(modelSchema);
  return compiled;
}

/** A deep copy of plain JSON data (defaults are filled into the copy, never the caller's object). */
function copyJson(json: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    const text = JSON.stringify(json);
    if (text === undefined)
      return { ok: false, reason: `the spec must be a JSON object (got ${typeof json})` };
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `the spec is not plain JSON data: ${(error as Error).message}` };
  }
}

/**
 * Validates a spec already parsed from JSON. Returns the spec with every default applied, or
 * every problem found. Never throws.
 */
export function validateSpec(json: unknown): SpecResult {
  const copy = copyJson(json);
  if (!copy.ok)
    return { ok: false, errors: [{ kind: 'schema', pointer: '', message: copy.reason }] };
  const validate = schemaValidator();
  if (!validate(copy.value)) {
    return {
      ok: false,
      errors: schemaErrorsToSpecErrors(validate.errors ?? [], modelSchema, copy.value),
    };
  }
  const spec = copy.value as ModelSpec;
  const problems = semanticProblems(spec);
  return problems.length > 0 ? { ok: false, errors: problems } : { ok: true, spec, errors: [] };
}

/**
 * Parses and validates the text of a spec file. Syntax errors and validation errors carry the
 * 1-based line and column they refer to. Never throws.
 */
export function parseSpec(text: string): SpecResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors may add a BOM
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    const found = findSyntaxError(source);
    const message = found
      ? `invalid JSON: ${found.message}`
      : `invalid JSON: ${(error as Error).message}`;
    return {
      ok: false,
      errors: [
        {
          kind: 'syntax',
          pointer: '',
          message,
          ...(found ? { line: found.line, column: found.column } : {}),
        },
      ],
    };
  }
  const result = validateSpec(json);
  if (result.ok) return result;
  const locator = new JsonLocator(source);
  const errors = result.errors.map((error) => {
    const position = locator.positionOf(
      error.pointer,
      error.message.startsWith('unknown property'),
    );
    return position ? { ...error, ...position } : error;
  });
  return { ok: false, errors: errors.sort(byPosition) };
}

function byPosition(a: SpecError, b: SpecError): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}
