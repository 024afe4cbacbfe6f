// The `recurrent` command. Each subcommand lives in commands/<name>.ts and registers itself here.
import './register-backends.js';
import './register-tasks.js';
import {
  BackendError,
  CheckpointError,
  CompileError,
  DivergenceError,
  ModelFileError,
  SafetensorsError,
  SpecValidationError,
  TaskError,
  WeightsMismatchError,
} from '@recurrent/core/node';
import { DataError } from '@recurrent/data';
import { Command, CommanderError } from 'commander';
import { registerBackends } from './commands/backends.js';
import { registerEval } from './commands/eval.js';
import { registerForecast } from './commands/forecast.js';
import { registerGenerate } from './commands/generate.js';
import { registerImportTorch } from './commands/import-torch.js';
import { registerInspect } from './commands/inspect.js';
import { registerParity } from './commands/parity.js';
import { registerPredict } from './commands/predict.js';
import { CommandError } from './commands/spec-file.js';
import { registerTag } from './commands/tag.js';
import { registerTrain } from './commands/train.js';
import { registerTranslate } from './commands/translate.js';
import { registerValidate } from './commands/validate.js';
import { type CliIO, ExitCode, processIO, watchStdout } from './io.js';
import { cliVersion } from './version.js';

export { type CliIO, ExitCode } from './io.js';

/** Builds the program; `setExit` receives each command's exit status. */
export function createProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('recurrent')
    .description('Recurrent: RNN, LSTM, GRU and attention seq2seq models from a JSON spec')
    .version(cliVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  registerValidate(program, io, setExit);
  registerImportTorch(program, io, setExit);
  registerParity(program, io, setExit);
  registerTrain(program, io, setExit);
  registerInspect(program, io, setExit);
  registerEval(program, io, setExit);
  registerPredict(program, io, setExit);
  registerGenerate(program, io, setExit);
  registerTranslate(program, io, setExit);
  registerTag(program, io, setExit);
  registerForecast(program, io, setExit);
  registerBackends(program, io, setExit);
  return program;
}

const userErrors = [
  CommandError,
  BackendError,
  CompileError,
  SpecValidationError,
  WeightsMismatchError,
  SafetensorsError,
  ModelFileError,
  DataError,
  TaskError,
  CheckpointError,
  DivergenceError,
];

function isUserError(error: unknown): error is Error {
  return userErrors.some((kind) => error instanceof kind);
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  if (io === processIO) watchStdout();
  let status: number = ExitCode.ok;
  const program = createProgram(io, (code) => {
    status = code;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors are 2.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    // Problems with the user's input get their message; anything else is a bug and keeps its stack.
    io.stderr(
      `recurrent: ${isUserError(error) ? error.message : ((error as Error).stack ?? String(error))}\n`,
    );
    return ExitCode.failed;
  }
  return status;
}
