// A trained model as in-memory files: model.json (format version, the spec, sizes, the weights'
// size and checksum, the task's metadata) and weights.safetensors. The same two files make a model
// folder on disk (`@recurrent/core/node`), a download in a page, or a message to a worker. Reading
// checks everything before building the model: format, version, checksum, spec, names, shapes and
// dtypes. This module runs in any runtime (no node: imports).
import { type CompileOptions, compile } from '../model/compile.js';
import type { Model, ModelSizes } from '../model/model.js';
import type { ModelFiles } from '../tasks/contract.js';
import { readSafetensors, type WritableTensor, writeSafetensors } from './safetensors.js';
import { sha256Hex } from './sha256.js';
import { assignWeights } from './torch-import.js';

export const modelFormat = 'recurrent-model';
export const modelFormatVersion = 1;
export const weightsFileName = 'weights.safetensors';

/** The contents of model.json. */
export interface ModelFile {
  format: typeof modelFormat;
  formatVersion: number;
  spec: unknown;
  sizes: ModelSizes;
  weights: { file: string; bytes: number; sha256: string };
  metadata?: Record<string, unknown>;
}

/** A model file (or folder) that is missing, damaged, of another format or of another task. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

/** The model's weights and description as in-memory files, `metadata` kept in model.json. */
export async function modelToFiles(
  model: Model,
  metadata?: Record<string, unknown>,
): Promise<ModelFiles> {
  const tensors: Record<string, WritableTensor> = {};
  for (const parameter of model.parameters()) {
    tensors[parameter.name] = {
      dtype: 'F32',
      shape: parameter.variable.shape,
      data: (await parameter.variable.data()) as Float32Array,
    };
  }
  const weights = writeSafetensors(tensors, { format: 'pt' });
  const file: ModelFile = {
    format: modelFormat,
    formatVersion: modelFormatVersion,
    spec: model.spec,
    sizes: { ...model.sizes },
    weights: { file: weightsFileName, bytes: weights.byteLength, sha256: await sha256Hex(weights) },
    ...(metadata ? { metadata } : {}),
  };
  return { 'model.json': `${JSON.stringify(file, null, 2)}\n`, [weightsFileName]: weights };
}

/** Names the files in messages: a folder's paths, or "model.json" for in-memory files. */
export interface ModelFileSource {
  /** Where model.json came from (default "model.json"). */
  json?: string;
  /** Where the weights came from (default "weights.safetensors"). */
  weights?: string;
}

/** model.json parsed and checked (format and version), without the weights. */
export function readModelJson(text: string, source = 'model.json'): ModelFile {
  let file: ModelFile;
  try {
    file = JSON.parse(text) as ModelFile;
  } catch (error) {
    throw new ModelFileError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (file?.format !== modelFormat)
    throw new ModelFileError(
      `${source}: not a Recurrent model (format is ${JSON.stringify(file?.format)})`,
    );
  if (!Number.isInteger(file.formatVersion) || file.formatVersion > modelFormatVersion) {
    throw new ModelFileError(
      `${source}: format version ${file.formatVersion} is newer than this Recurrent reads (${modelFormatVersion}); upgrade @recurrent/core`,
    );
  }
  return file;
}

/** The task a model.json's spec names, or a ModelFileError. */
export function modelTask(file: ModelFile, source = 'model.json'): string {
  const task = (file.spec as { task?: unknown } | null)?.task;
  if (typeof task !== 'string') throw new ModelFileError(`${source}: the spec names no task`);
  return task;
}

/**
 * The model in `files`, checked before use (format, version, weights size and checksum, spec,
 * then every tensor's name, shape and dtype), with model.json's metadata.
 */
export async function modelFromFiles(
  files: ModelFiles,
  options: Pick<CompileOptions, 'backend'> & { source?: ModelFileSource } = {},
): Promise<{ model: Model; file: ModelFile; metadata: Record<string, unknown> }> {
  const jsonSource = options.source?.json ?? 'model.json';
  const weightsSource = options.source?.weights ?? weightsFileName;
  const file = readModelJson(files['model.json'], jsonSource);
  const bytes = files['weights.safetensors'];
  const checksum = await sha256Hex(bytes);
  if (
    file.weights &&
    (bytes.byteLength !== file.weights.bytes || checksum !== file.weights.sha256)
  ) {
    throw new ModelFileError(
      `${weightsSource}: does not match model.json (${bytes.byteLength} bytes, expected ${file.weights.bytes}; checksum ${checksum === file.weights.sha256 ? 'ok' : 'differs'}): truncated or replaced`,
    );
  }
  let model: Model;
  try {
    model = await compile(file.spec, {
      ...file.sizes,
      ...(options.backend ? { backend: options.backend } : {}),
    });
  } catch (error) {
    throw new ModelFileError(`${jsonSource}: ${(error as Error).message}`);
  }
  try {
    assignWeights(model, readSafetensors(bytes, weightsSource), undefined, weightsSource);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, file, metadata: file.metadata ?? {} };
}
