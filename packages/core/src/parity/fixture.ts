// Reading one parity case folder: case.json, weights.safetensors (the PyTorch state_dict) and
// tensors.safetensors (inputs and expected results), in the format of fixtures/parity/README.md.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors, type SafetensorsFile } from '../index.js';

export interface ParityCase {
  name: string;
  dir: string;
  description: Record<string, unknown> & { kind: string };
  weightsBytes: Uint8Array;
  weightsPath: string;
  tensors: SafetensorsFile;
}

export async function readParityCase(dir: string): Promise<ParityCase> {
  const casePath = join(dir, 'case.json');
  const description = JSON.parse(await readFile(casePath, 'utf8')) as ParityCase['description'];
  if (typeof description?.kind !== 'string') throw new Error(`${casePath}: missing "kind"`);
  const weightsPath = join(dir, 'weights.safetensors');
  const tensorsPath = join(dir, 'tensors.safetensors');
  return {
    name: basename(dir),
    dir,
    description,
    weightsBytes: new Uint8Array(await readFile(weightsPath)),
    weightsPath,
    tensors: readSafetensors(new Uint8Array(await readFile(tensorsPath)), tensorsPath),
  };
}

/** A float tensor of the fixture as a tf.Tensor. */
export function floatTensor(file: SafetensorsFile, name: string): tf.Tensor {
  return tf.tensor(file.float32(name), file.entry(name).shape as number[]);
}

/** An integer tensor of the fixture (I64 in PyTorch) as int32. */
export function intTensor(file: SafetensorsFile, name: string): tf.Tensor {
  return tf.tensor(file.int32(name), file.entry(name).shape as number[], 'int32');
}
