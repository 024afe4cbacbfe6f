// A trained model on disk is a folder: model.json (format version, the spec, sizes, weights
// checksum) and weights.safetensors. Both are written atomically (weights first, so model.json
// only ever names complete weights), and loading checks everything before building the model.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CompileOptions, compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import { writeFileAtomic } from './atomic-write.js';
import { readSafetensors, type WritableTensor, writeSafetensors } from './safetensors.js';
import { assignWeights } from './torch-import.js';

export const modelFormat = 'recurrent-model';
export const modelFormatVersion = 1;
const weightsFile = 'weights.safetensors';

export interface ModelFile {
  format: typeof modelFormat;
  formatVersion: number;
  spec: unknown;
  sizes: { vocabularySize?: number; outputSize?: number };
  weights: { file: string; bytes: number; sha256: string };
  metadata?: Record<string, unknown>;
}

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes `model` to the folder `dir` (created if needed). */
export async function saveModel(
  model: Model,
  dir: string,
  metadata?: Record<string, unknown>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
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
    weights: { file: weightsFile, bytes: weights.byteLength, sha256: sha256(weights) },
    ...(metadata ? { metadata } : {}),
  };
  await writeFileAtomic(join(dir, weightsFile), weights);
  await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(file, null, 2)}\n`);
}

async function readOrFail(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(
      code === 'ENOENT'
        ? `${path}: missing ${what}`
        : `${path}: cannot read ${what} (${(error as Error).message})`,
    );
  }
}

/** Reads the model folder `dir`, checking format, spec, checksum, names, shapes and dtypes. */
export async function loadModel(
  dir: string,
  options: Pick<CompileOptions, 'backend'> = {},
): Promise<Model> {
  const jsonPath = join(dir, 'model.json');
  const text = (await readOrFail(jsonPath, 'model description')).toString('utf8');
  let file: ModelFile;
  try {
    file = JSON.parse(text) as ModelFile;
  } catch (error) {
    throw new ModelFileError(`${jsonPath}: not valid JSON (${(error as Error).message})`);
  }
  if (file?.format !== modelFormat)
    throw new ModelFileError(
      `${jsonPath}: not a Recurrent model (format is ${JSON.stringify(file?.format)})`,
    );
  if (!Number.isInteger(file.formatVersion) || file.formatVersion > modelFormatVersion) {
    throw new ModelFileError(
      `${jsonPath}: format version ${file.formatVersion} is newer than this Recurrent reads (${modelFormatVersion}); upgrade @recurrent/core`,
    );
  }
  const weightsPath = join(dir, file.weights?.file ?? weightsFile);
  const bytes = new Uint8Array(await readOrFail(weightsPath, 'weights'));
  if (
    file.weights &&
    (bytes.byteLength !== file.weights.bytes || sha256(bytes) !== file.weights.sha256)
  ) {
    throw new ModelFileError(
      `${weightsPath}: does not match model.json (${bytes.byteLength} bytes, expected ${file.weights.bytes}; checksum ${sha256(bytes) === file.weights.sha256 ? 'ok' : 'differs'}): truncated or replaced`,
    );
  }
  let model: Model;
  try {
    model = await compile(file.spec, {
      ...file.sizes,
      ...(options.backend ? { backend: options.backend } : {}),
    });
  } catch (error) {
    throw new ModelFileError(`${jsonPath}: ${(error as Error).message}`);
  }
  try {
    assignWeights(model, readSafetensors(bytes, weightsPath), undefined, weightsPath);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
