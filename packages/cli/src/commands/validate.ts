// `recurrent validate <spec.json...>`: checks spec files; exit 0 when all are valid, 1 otherwise.
import { readFile, stat } from 'node:fs/promises';
import { formatSpecError, parseSpec, type SpecError } from '@recurrent/core';
import type { Command } from 'commander';
import { type CliIO, ExitCode } from '../io.js';

/** A spec is a few kilobytes; anything far larger is the wrong file and is not read into memory. */
const maxSpecBytes = 16 * 1024 * 1024;

interface FileReport {
  file: string;
  valid: boolean;
  task?: string;
  errors: SpecError[];
}

async function checkFile(file: string): Promise<FileReport> {
  const problem = (message: string): FileReport => ({
    file,
    valid: false,
    errors: [{ kind: 'syntax', pointer: '', message }],
  });
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return problem('not a file');
    size = info.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return problem(code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}`);
  }
  if (size > maxSpecBytes) {
    return problem(
      `the file is ${(size / 1024 / 1024).toFixed(1)} MiB; a model spec is at most 16 MiB (is this the right file?)`,
    );
  }
  const bytes = await readFile(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return problem('the file is not valid UTF-8 text');
  }
  const result = parseSpec(text);
  return result.ok
    ? { file, valid: true, task: result.spec.task, errors: [] }
    : { file, valid: false, errors: result.errors };
}

function printHuman(reports: FileReport[], io: CliIO): void {
  for (const report of reports) {
    if (report.valid) {
      io.stdout(`✓ ${report.file} (${report.task})\n`);
      continue;
    }
    const count = report.errors.length;
    io.stderr(`✗ ${report.file}: ${count} ${count === 1 ? 'error' : 'errors'}\n`);
    for (const error of report.errors) io.stderr(`  ${formatSpecError(error, report.file)}\n`);
  }
  const invalid = reports.filter((r) => !r.valid).length;
  const summary = `${reports.length - invalid} valid, ${invalid} invalid\n`;
  if (invalid > 0) io.stderr(summary);
  else io.stdout(summary);
}

export function registerValidate(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  program
    .command('validate')
    .description('check model spec files against the schema and the semantic rules')
    .argument('<spec...>', 'spec files (JSON)')
    .option('--json', 'print a JSON report on stdout instead of text')
    .addHelpText(
      'after',
      '\nExit status: 0 when every spec is valid, 1 when any is not, 2 on a usage error.',
    )
    .action(async (files: string[], options: { json?: boolean }) => {
      const reports = await Promise.all(files.map(checkFile));
      if (options.json) io.stdout(`${JSON.stringify(reports, null, 2)}\n`);
      else printHuman(reports, io);
      setExit(reports.every((r) => r.valid) ? ExitCode.ok : ExitCode.failed);
    });
}
