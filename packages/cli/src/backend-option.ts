// `--backend <name|auto>` for every command that runs a model: one definition, one way to start the
// backend and to say which one runs. Choosing is core's job (useBackend): an unknown or unavailable
// name is a BackendError with the reason and the fix, never a fallback to another backend.
import { useBackend } from '@recurrent/core';
import { Option } from 'commander';

export interface BackendOptions {
  backend: string;
}

/** The option; add it with `command.addOption(backendOption())`. */
export function backendOption(): Option {
  return new Option(
    '-b, --backend <name>',
    'backend to run on: cpu, wasm, webgpu, node, or "auto" for the best available one (see `recurrent backends`)',
  ).default('auto');
}

export interface ChosenBackend {
  /** The backend that runs, e.g. "wasm". */
  name: string;
  /** Whether "auto" chose it. */
  auto: boolean;
  /** For the command's output: "wasm (auto)" or "wasm". */
  label: string;
}

/** Activates the backend the user asked for (or the one "auto" picks). */
export async function startBackend(choice: string): Promise<ChosenBackend> {
  const name = await useBackend(choice);
  const auto = choice === 'auto';
  return { name, auto, label: auto ? `${name} (auto)` : name };
}
