// Reading a spec file for a command, with the same errors `recurrent validate` prints.
import { readFile } from 'node:fs/promises';
import { formatSpecError, type ModelSpec, parseSpec } from '@recurrent/core';

export class CommandError extends Error {
  override name = 'CommandError';
}

/** The spec (validated, defaults filled in), or a CommandError listing every problem. */
export async function readSpecFile(path: string): Promise<ModelSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CommandError(
      `${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  const result = parseSpec(text);
  if (!result.ok)
    throw new CommandError(result.errors.map((e) => formatSpecError(e, path)).join('\n'));
  return result.spec;
}
