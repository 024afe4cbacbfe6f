// `recurrent import-torch <spec.json> <weights.safetensors> --out <model-dir>`: builds the spec's
// model, loads a PyTorch state_dict into it (all names and shapes checked first), saves a model folder.
import { readFile } from 'node:fs/promises';
import { compile, loadTorchWeights } from '@recurrent/core';
import { saveModel } from '@recurrent/core/node';
import { type Command, InvalidArgumentError } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { type CliIO, ExitCode } from '../io.js';
import { CommandError, readSpecFile } from './spec-file.js';

interface ImportOptions extends BackendOptions {
  out: string;
  map?: string;
  vocabularySize?: number;
  outputSize?: number;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

async function readNameMap(path: string): Promise<Record<string, string>> {
  let map: unknown;
  try {
    map = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CommandError(`${path}: cannot read the name map (${(error as Error).message})`);
  }
  if (
    map === null ||
    typeof map !== 'object' ||
    Array.isArray(map) ||
    !Object.values(map).every((v) => typeof v === 'string')
  ) {
    throw new CommandError(
      `${path}: the name map must be a JSON object of {"pytorch.name": "recurrent.name"}`,
    );
  }
  return map as Record<string, string>;
}

export function registerImportTorch(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  program
    .command('import-torch')
    .description(
      "load a PyTorch state_dict (safetensors) into a spec's model and save it as a model folder",
    )
    .argument('<spec>', 'model spec (JSON)')
    .argument(
      '<weights>',
      'PyTorch state_dict saved with safetensors (safetensors.torch.save_file)',
    )
    .requiredOption('-o, --out <dir>', 'model folder to write')
    .option(
      '-m, --map <file>',
      'JSON object mapping PyTorch names to Recurrent names, when module names differ',
    )
    .addOption(backendOption())
    .option('--vocabulary-size <n>', 'rows of an embedding without numEmbeddings', positiveInteger)
    .option('--output-size <n>', 'size of an output head with units "auto"', positiveInteger)
    .action(async (specPath: string, weightsPath: string, options: ImportOptions) => {
      const spec = await readSpecFile(specPath);
      const map = options.map ? await readNameMap(options.map) : undefined;
      const bytes = new Uint8Array(
        await readFile(weightsPath).catch((error: NodeJS.ErrnoException) => {
          throw new CommandError(
            `${weightsPath}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
          );
        }),
      );
      // The parameters are tensors on this backend until they are saved.
      const backend = await startBackend(options.backend);
      io.stdout(`backend: ${backend.label}\n`);
      const model = await compile(spec, {
        backend: backend.name,
        ...(options.vocabularySize ? { vocabularySize: options.vocabularySize } : {}),
        ...(options.outputSize ? { outputSize: options.outputSize } : {}),
      });
      try {
        loadTorchWeights(model, bytes, { ...(map ? { map } : {}), source: weightsPath });
        await saveModel(model, options.out, { importedFrom: weightsPath });
        io.stdout(
          `${model.summary()}\n\nimported ${model.parameters().length} parameters from ${weightsPath} into ${options.out}\n`,
        );
      } finally {
        model.dispose();
      }
      setExit(ExitCode.ok);
    });
}
