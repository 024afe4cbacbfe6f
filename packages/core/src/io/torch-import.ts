// Loading a PyTorch state_dict (saved as safetensors) into a compiled model. Every parameter is
// matched by name and shape, and every mismatch is reported together before anything changes.
import { assignValues } from '../layers/params.js';
import type { Model } from '../model/model.js';
import { readSafetensors, type SafetensorsFile } from './safetensors.js';

/** PyTorch name -> Recurrent name: a table, or a function (return undefined to skip a tensor). */
export type NameMap =
  | Readonly<Record<string, string>>
  | ((torchName: string) => string | undefined);

export interface TorchImportOptions {
  map?: NameMap;
  /** Names the file in errors. */
  source?: string;
}

export interface ImportProblem {
  kind: 'missing' | 'unexpected' | 'shape' | 'dtype';
  /** The model's parameter name (missing, shape, dtype) or the file's tensor name (unexpected). */
  name: string;
  message: string;
}

export class WeightsMismatchError extends Error {
  override name = 'WeightsMismatchError';
  constructor(
    readonly problems: ImportProblem[],
    source: string,
  ) {
    super(
      `cannot load weights from ${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing was changed\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
    );
  }
}

function mapName(map: NameMap | undefined, name: string): string | undefined {
  if (map === undefined) return name;
  if (typeof map === 'function') return map(name);
  return map[name] ?? name;
}

/** Assigns every parameter of `model` from a PyTorch state_dict in safetensors `bytes`; all or nothing. */
export function loadTorchWeights(
  model: Model,
  bytes: Uint8Array,
  options: TorchImportOptions = {},
): void {
  const source = options.source ?? 'weights';
  assignWeights(model, readSafetensors(bytes, source), options.map, source);
}

/** Assigns every parameter of `model` from `file`, after checking names, shapes and dtypes. */
export function assignWeights(
  model: Model,
  file: SafetensorsFile,
  map: NameMap | undefined,
  source: string,
): void {
  const parameters = new Map(model.parameters().map((p) => [p.name, p]));
  const problems: ImportProblem[] = [];
  const assignments: { name: string; torchName: string }[] = [];
  const matched = new Set<string>();
  for (const torchName of file.names()) {
    const name = mapName(map, torchName);
    if (name === undefined) continue;
    const parameter = parameters.get(name);
    const shown = name === torchName ? `"${torchName}"` : `"${torchName}" (as "${name}")`;
    if (!parameter) {
      problems.push({
        kind: 'unexpected',
        name: torchName,
        message: `unexpected tensor ${shown}: the model has no such parameter`,
      });
      continue;
    }
    matched.add(name);
    const entry = file.entry(torchName);
    if (!['F32', 'F16', 'BF16'].includes(entry.dtype)) {
      problems.push({
        kind: 'dtype',
        name,
        message: `tensor ${shown} has dtype ${entry.dtype}; parameters need F32, F16 or BF16`,
      });
      continue;
    }
    const expected = parameter.variable.shape;
    if (entry.shape.join() !== expected.join()) {
      problems.push({
        kind: 'shape',
        name,
        message: `shape mismatch for "${name}": the file has [${entry.shape.join(', ')}], the model needs [${expected.join(', ')}]`,
      });
      continue;
    }
    assignments.push({ name, torchName });
  }
  for (const name of parameters.keys()) {
    if (!matched.has(name))
      problems.push({
        kind: 'missing',
        name,
        message: `missing parameter "${name}": the file has no tensor for it`,
      });
  }
  if (problems.length > 0) throw new WeightsMismatchError(problems, source);
  for (const { name, torchName } of assignments) {
    const parameter = parameters.get(name);
    if (parameter) assignValues(parameter.variable, file.float32(torchName));
  }
}
