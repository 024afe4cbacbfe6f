// `recurrent backends [--json]`: every registered backend, best first, whether it works here (and
// why not, with the fix), what it runs on, and which one "auto" picks. Nothing is initialized.
import { type BackendStatus, backendStatuses } from '@recurrent/core';
import type { Command } from 'commander';
import { type CliIO, ExitCode } from '../io.js';

/** Text width for wrapped reasons and details (not counting the indent). */
const width = 92;

/** describe() values as text: booleans as yes/no, lists joined, nested objects flattened to a.b. */
function fields(description: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(description)) {
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'object' && !Array.isArray(value)) {
      out.push(...fields(value as Record<string, unknown>, `${prefix}${key}.`));
    } else {
      const text = Array.isArray(value)
        ? value.map(String).join(', ')
        : typeof value === 'boolean'
          ? value
            ? 'yes'
            : 'no'
          : String(value);
      out.push(`${prefix}${key}: ${text}`);
    }
  }
  return out;
}

/** Packs `items` into lines of at most `width` characters, `separator` between items on a line. */
function pack(items: string[], separator: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + separator.length + item.length > width) {
      lines.push(line);
      line = item;
    } else line = line ? `${line}${separator}${item}` : item;
  }
  if (line) lines.push(line);
  return lines;
}

function status(s: BackendStatus): string {
  if (!s.available) return 'unavailable';
  if (s.auto) return 'available, "auto" picks it';
  if (s.notForAuto) return 'available, "auto" passes it over';
  return 'available';
}

function printHuman(statuses: BackendStatus[], io: CliIO): void {
  const auto = statuses.find((s) => s.auto)?.name;
  io.stdout('Backends, best first:\n\n');
  const nameWidth = Math.max(...statuses.map((s) => s.name.length), 6);
  // Details line up under the status: "✓ " + name + "  ".
  const indent = ' '.repeat(nameWidth + 4);
  for (const s of statuses) {
    io.stdout(`${s.available ? '✓' : '✗'} ${s.name.padEnd(nameWidth)}  ${status(s)}\n`);
    const details: string[] = [];
    if (s.reason) details.push(...pack(s.reason.split(' '), ' '));
    if (s.notForAuto) details.push(...pack(s.notForAuto.split(' '), ' '));
    if (s.description) details.push(...pack(fields(s.description), '   '));
    if (s.describeError) details.push(`describe() failed: ${s.describeError}`);
    for (const line of details) io.stdout(`${indent}${line}\n`);
  }
  io.stdout(
    auto
      ? `\n"auto" picks ${auto}; choose another with --backend <name>.\n`
      : '\n"auto" has no backend to pick here; install one that works (see the reasons above).\n',
  );
}

export function registerBackends(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  program
    .command('backends')
    .description('list the backends, whether each works here (and why not), and which "auto" picks')
    .option('--json', 'print a JSON report on stdout instead of text')
    .addHelpText(
      'after',
      '\nJSON: { "auto": name | null, "backends": [{ name, priority, available, reason?, notForAuto?,\n' +
        '  description?, describeError?, auto? }] }, best first. Exit status 0.',
    )
    .action(async (options: { json?: boolean }) => {
      const statuses = await backendStatuses();
      if (options.json) {
        const auto = statuses.find((s) => s.auto)?.name ?? null;
        io.stdout(`${JSON.stringify({ auto, backends: statuses }, null, 2)}\n`);
      } else printHuman(statuses, io);
      setExit(ExitCode.ok);
    });
}
