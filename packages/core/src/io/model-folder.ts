// Model folders (Node): the in-memory model files (model-files.ts) on disk. Both files are written
// atomically, the weights first, so model.json only ever names complete weights.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompileOptions } from '../model/compile.js';
import type { Model } from '../model/model.js';
import type { ModelFiles } from '../tasks/contract.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  type ModelFile,
  ModelFileError,
  modelFromFiles,
  modelToFiles,
  readModelJson,
  weightsFileName,
} from './model-files.js';

async function readOrFail(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(
      code === 'ENOENT'
        ? `${path}: missing ${what}`
        : `${path}: cannot read ${what} (${(error as Error).message})`,
    );
  }
}

/** Writes in-memory model files to the folder `dir` (created if needed), atomically. */
export async function writeModelFolder(dir: string, files: ModelFiles): Promise<void> {
  const file = readModelJson(files['model.json']);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(
    join(dir, file.weights?.file ?? weightsFileName),
    files['weights.safetensors'],
  );
  await writeFileAtomic(join(dir, 'model.json'), files['model.json']);
}

/** The model files of the folder `dir` (model.json checked for format and version). */
export async function readModelFolder(dir: string): Promise<ModelFiles & { file: ModelFile }> {
  const jsonPath = join(dir, 'model.json');
  const text = new TextDecoder().decode(await readOrFail(jsonPath, 'model description'));
  const file = readModelJson(text, jsonPath);
  const weights = await readOrFail(join(dir, file.weights?.file ?? weightsFileName), 'weights');
  return { 'model.json': text, 'weights.safetensors': weights, file };
}

/** Writes `model` to the folder `dir` (created if needed). */
export async function saveModel(
  model: Model,
  dir: string,
  metadata?: Record<string, unknown>,
): Promise<void> {
  await writeModelFolder(dir, await modelToFiles(model, metadata));
}

/** Reads the model folder `dir`, checking format, spec, checksum, names, shapes and dtypes. */
export async function loadModel(
  dir: string,
  options: Pick<CompileOptions, 'backend'> = {},
): Promise<Model> {
  const files = await readModelFolder(dir);
  const { model } = await modelFromFiles(files, {
    ...options,
    source: {
      json: join(dir, 'model.json'),
      weights: join(dir, files.file.weights?.file ?? weightsFileName),
    },
  });
  return model;
}
