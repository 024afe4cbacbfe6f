// Options that tasks declare (classification's --val, --format, --text-column, --label-column...):
// every command offers the options of every installed task, then refuses by name those the
// task at hand does not use, instead of ignoring them.
import {
  registeredPlugins,
  type TaskCommand,
  type TaskOptionValues,
  type TaskPlugin,
} from '@recurrent/core';
import { type Command, Option } from 'commander';
import { CommandError } from './commands/spec-file.js';

interface DeclaredOption {
  name: string;
  flags: string;
  /** Commander's key for the value (camel case). */
  key: string;
}

const declared = new Map<TaskCommand, DeclaredOption[]>();

/** What `--data` holds for each installed task, for help texts. */
export function dataHelp(): string {
  return registeredPlugins()
    .filter((p) => p.commandLine)
    .map((p) => `${p.name}: ${p.commandLine?.data}`)
    .join('; ');
}

/** Adds the options that installed tasks declare for `command` (once per option name). */
export function addTaskOptions(command: Command, name: TaskCommand): Command {
  const seen = new Map<string, DeclaredOption>();
  for (const plugin of registeredPlugins()) {
    for (const option of plugin.commandLine?.options ?? []) {
      if (!option.commands.includes(name) || seen.has(option.name)) continue;
      const tasks = registeredPlugins()
        .filter((p) => p.commandLine?.options.some((o) => o.name === option.name))
        .map((p) => p.name);
      const flag = new Option(option.flags, `${tasks.join(', ')}: ${option.description}`);
      command.addOption(flag);
      seen.set(option.name, { name: option.name, flags: option.flags, key: flag.attributeName() });
    }
  }
  declared.set(name, [...seen.values()]);
  return command;
}

/**
 * The task options given on the command line, by name, after refusing those `plugin` does not
 * declare for `command` (naming each, the task and what it reads instead).
 */
export function taskOptionValues(
  options: Record<string, unknown>,
  plugin: TaskPlugin,
  command: TaskCommand,
  source: string,
): TaskOptionValues {
  const own = new Set(
    (plugin.commandLine?.options ?? [])
      .filter((o) => o.commands.includes(command))
      .map((o) => o.name),
  );
  const values: Record<string, string | undefined> = {};
  const refused: string[] = [];
  for (const option of declared.get(command) ?? []) {
    const value = options[option.key];
    if (value === undefined) continue;
    if (own.has(option.name)) values[option.name] = String(value);
    else refused.push(`--${option.name}`);
  }
  if (refused.length > 0) {
    const reads = plugin.commandLine ? `; it reads ${plugin.commandLine.data}` : '';
    throw new CommandError(
      `${refused.join(', ')} ${refused.length === 1 ? 'is' : 'are'} not used by the ${plugin.name} task (${source})${reads}`,
    );
  }
  return values;
}
