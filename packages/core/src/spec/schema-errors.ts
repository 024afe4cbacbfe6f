// Turns ajv's errors into SpecErrors people can act on: plain messages, pointers to the exact
// property, and suggestions for typos and misplaced settings.
import type { ErrorObject } from 'ajv';
import type { SpecError } from './spec-error.js';
import { closestMatch, didYouMean } from './suggest.js';

type Schema = Record<string, unknown>;

/** Settings people often put at the wrong level, and where they belong. */
const homeOf: Record<string, string> = {
  attention: 'decoder.attention (attention needs a decoder: it is part of a translation spec)',
  inputFeeding: 'decoder.inputFeeding',
  teacherForcing: 'training.teacherForcing',
  epochs: 'training.epochs',
  batchSize: 'training.batchSize',
  seed: 'training.seed',
  clipNorm: 'training.clipNorm',
  clipValue: 'training.clipValue',
  earlyStopping: 'training.earlyStopping',
  lrSchedule: 'training.lrSchedule',
  optimizer: 'training.optimizer',
  lr: 'training.optimizer.lr',
  temperature: 'decoding (strategy "sample")',
  topK: 'decoding (strategy "sample")',
  topP: 'decoding (strategy "sample")',
  beamWidth: 'decoding (strategy "beam")',
  lengthPenalty: 'decoding (strategy "beam")',
  nBest: 'decoding (strategy "beam")',
  tokenizer: 'input.tokenizer',
  vocabulary: 'input.vocabulary',
  maxLength: 'input.maxLength or decoding.maxLength',
};

const unionNames: Record<string, string> = {
  LayerSpec: 'layer type',
  OptimizerSpec: 'optimizer',
  LrScheduleSpec: 'learning-rate schedule',
  DecodingSpec: 'decoding strategy',
};

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (Number.isInteger(value)) return 'an integer';
  return `a ${typeof value}`;
}

function resolveRef(root: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return schema;
  const defs = root.$defs as Record<string, Schema>;
  return defs[ref.slice('#/$defs/'.length)] ?? schema;
}

/** The tag values a discriminated union accepts, e.g. every layer type. */
function tagValues(root: Schema, union: Schema, tag: string): string[] {
  const branches = (union.oneOf as Schema[] | undefined) ?? [];
  return branches
    .map((branch) => (resolveRef(root, branch).properties as Record<string, Schema>)?.[tag]?.const)
    .filter((value): value is string => typeof value === 'string');
}

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function join(pointer: string, property: string): string {
  return `${pointer}/${property.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** Which task-specific rule a schemaPath like "#/allOf/0/then/..." comes from. */
function taskOf(data: unknown): string | undefined {
  const task = (data as { task?: unknown } | null)?.task;
  return typeof task === 'string' ? task : undefined;
}

function describeBranch(branch: Schema): string {
  if (branch.const !== undefined) return JSON.stringify(branch.const);
  if (branch.type === 'integer' && typeof branch.minimum === 'number')
    return `an integer >= ${branch.minimum}`;
  return typeof branch.type === 'string' ? branch.type : 'a valid value';
}

/** Converts ajv errors (with `verbose: true`) for `data`, validated against `root`. */
export function schemaErrorsToSpecErrors(
  errors: readonly ErrorObject[],
  root: Schema,
  data: unknown,
): SpecError[] {
  const out: SpecError[] = [];
  // Errors inside an anyOf are summarised by the anyOf error itself.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  for (const error of errors) {
    if (error.keyword === 'if') continue; // the failing "then" branch reports the real problem
    if (anyOfPaths.some((path) => error.schemaPath.startsWith(path))) continue;
    const converted = convert(error, root, data);
    if (converted) out.push({ kind: 'schema', ...converted });
  }
  return dedupe(out);
}

function dedupe(errors: SpecError[]): SpecError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.pointer}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Converted = Omit<SpecError, 'kind'> | undefined;

function convert(error: ErrorObject, root: Schema, data: unknown): Converted {
  const pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Schema;
  const value = error.data;
  const task = taskOf(data);
  // The task-specific rules are the if/then branches of the root schema.
  const fromTaskRule = pointer === '' && error.schemaPath.startsWith('#/allOf/');

  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const reason = fromTaskRule && task ? ` for task ${JSON.stringify(task)}` : '';
      if (missing === 'tokenizer' && error.schemaPath === '#/else/required') {
        return {
          pointer: join(pointer, missing),
          message:
            'missing "tokenizer": text input needs a tokenizer (or give "features" for numeric input)',
        };
      }
      return {
        pointer: join(pointer, missing),
        message: `missing required property ${JSON.stringify(missing)}${reason}`,
      };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties as Schema | undefined) ?? {});
      const suggestion =
        didYouMean(extra, allowed) ??
        (homeOf[extra] ? `it belongs in ${homeOf[extra]}` : undefined);
      return {
        pointer: join(pointer, extra),
        message: `unknown property ${JSON.stringify(extra)}`,
        ...(suggestion ? { suggestion } : {}),
      };
    }
    case 'false schema': {
      const property = pointer.slice(pointer.lastIndexOf('/') + 1);
      if (error.schemaPath.startsWith('#/then/')) {
        return {
          pointer,
          message: `${JSON.stringify(property)} cannot be combined with "features" (numeric input)`,
        };
      }
      const suggestion =
        property === 'layers'
          ? 'a translation model has "encoder" and "decoder" instead'
          : undefined;
      return {
        pointer,
        message: `${JSON.stringify(property)} is not used by task ${JSON.stringify(task)}`,
        ...(suggestion ? { suggestion } : {}),
      };
    }
    case 'discriminator': {
      const tag = String(params.tag);
      const kind = unionNames[String(parent.title)] ?? tag;
      const values = tagValues(root, parent, tag);
      if (params.error === 'mapping') {
        const got = params.tagValue;
        const suggestion = typeof got === 'string' ? didYouMean(got, values) : undefined;
        return {
          pointer: join(pointer, tag),
          message: `unknown ${kind} ${show(got)}; expected one of ${quoteList(values)}`,
          ...(suggestion ? { suggestion } : {}),
        };
      }
      return {
        pointer: join(pointer, tag),
        message: `${JSON.stringify(tag)} must be a string, one of ${quoteList(values)}`,
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const strings = allowed.filter((v): v is string => typeof v === 'string');
      const suggestion = typeof value === 'string' ? didYouMean(value, strings) : undefined;
      const what = pointer === '/task' ? 'unknown task' : 'unsupported value';
      return {
        pointer,
        message: `${what} ${show(value)}; expected one of ${quoteList(allowed)}`,
        ...(suggestion ? { suggestion } : {}),
      };
    }
    case 'const': {
      if (pointer === '/version') {
        return {
          pointer,
          message: `unsupported spec version ${show(value)}; this version of Recurrent reads version ${show(params.allowedValue)}`,
          ...(typeof value === 'number' && value > 1
            ? { suggestion: 'upgrade @recurrent/core to read newer specs' }
            : {}),
        };
      }
      return { pointer, message: `must be ${show(params.allowedValue)} (got ${show(value)})` };
    }
    case 'type': {
      const expected = String(params.type).replace(',', ' or ');
      const numeric =
        typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
      const suggestion =
        numeric && /integer|number/.test(expected) ? `write ${value} without quotes` : undefined;
      return {
        pointer,
        message: `must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected} (got ${typeName(value)} ${show(value)})`,
        ...(suggestion ? { suggestion } : {}),
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        pointer,
        message: `must be ${params.comparison} ${params.limit} (got ${show(value)})`,
      };
    case 'minItems':
      if (params.limit === 1) {
        const what = pointer.endsWith('/layers')
          ? 'the layer list is empty: a model needs at least one layer'
          : 'must not be empty';
        return { pointer, message: what };
      }
      return {
        pointer,
        message: `must have at least ${params.limit} items (got ${(value as unknown[]).length})`,
      };
    case 'maxItems':
      return {
        pointer,
        message: `must have at most ${params.limit} items (got ${(value as unknown[]).length})`,
      };
    case 'uniqueItems':
      return {
        pointer,
        message: `must not repeat items (items ${params.j} and ${params.i} are equal)`,
      };
    case 'minLength':
      return {
        pointer,
        message:
          params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters`,
      };
    case 'maxLength':
      return { pointer, message: `must be at most ${params.limit} characters` };
    case 'pattern': {
      const description = typeof parent.description === 'string' ? ` — ${parent.description}` : '';
      return { pointer, message: `${show(value)} is not allowed here${description}` };
    }
    case 'anyOf': {
      const branches = ((parent.anyOf as Schema[] | undefined) ?? []).map(describeBranch);
      const close =
        typeof value === 'string'
          ? closestMatch(
              value,
              branches.map((b) => b.replaceAll('"', '')),
            )
          : undefined;
      return {
        pointer,
        message: `must be ${branches.join(' or ')} (got ${show(value)})`,
        ...(close ? { suggestion: `did you mean ${JSON.stringify(close)}?` } : {}),
      };
    }
    default:
      return { pointer, message: error.message ?? `failed ${error.keyword}` };
  }
}
