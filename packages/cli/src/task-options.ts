// Options that tasks declare (classification's --val, --format, --text-column, --label-column...):
// every command offers the options of every installed task, then refuses by name those the
// task at hand does not use, instead of ignoring them.
import {
  registeredPlugins,
  type Task,
  type TaskCommand,
  type TaskCommandLine,
  type TaskNodeSupport,
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

/**
 * The flags of an option as every task that declares it for `command` writes its value: one
 * placeholder, or each task's joined ("--target <name|file>": forecasting's column, translation's
 * file).
 */
function flagsOfAll(option: string, command: TaskCommand): string {
  const flags = registeredPlugins().flatMap(
    (p) =>
      p.commandLine?.options
        .filter((o) => o.name === option && o.commands.includes(command))
        .map((o) => o.flags) ?? [],
  );
  const values = [...new Set(flags.map((f) => /<([^>]+)>/.exec(f)?.[1]).filter((v) => v))];
  const first = flags[0] as string;
  return values.length > 1 ? first.replace(/<[^>]+>/, `<${values.join('|')}>`) : first;
}

/** Adds the options that installed tasks declare for `command` (once per option name). */
export function addTaskOptions(command: Command, name: TaskCommand): Command {
  const seen = new Map<string, DeclaredOption>();
  for (const plugin of registeredPlugins()) {
    for (const option of plugin.commandLine?.options ?? []) {
      if (!option.commands.includes(name) || seen.has(option.name)) continue;
      // Each task that offers the option, with its own words on it when they differ.
      const uses = registeredPlugins().flatMap((p) => {
        const own = p.commandLine?.options.find(
          (o) => o.name === option.name && o.commands.includes(name),
        );
        return own ? [{ task: p.name, description: own.description }] : [];
      });
      const same = uses.every((u) => u.description === option.description);
      const help = same
        ? `${uses.map((u) => u.task).join(', ')}: ${option.description}`
        : uses.map((u) => `${u.task}: ${u.description}`).join('; ');
      const flag = new Option(flagsOfAll(option.name, name), help);
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

// Two parts of the task contract this CLI needs that core's TaskCommandLine and TaskNodeSupport
// do not have yet (proposed to the integrator with the translation task); read structurally so
// that tasks without them keep today's behaviour (--data required; `task.evaluate(data)`).
interface DataFromOptions {
  /**
   * Task options that give the data in place of --data (translation: "source" and "target",
   * parallel files): with one of them given, --data may be left out and the task's readers get
   * an empty path.
   */
  dataOptions?: readonly string[];
}
interface EvaluateWithOptions {
  /** `recurrent eval`: the evaluation with the task's eval options (translation: --beam). */
  evaluate?(task: Task, data: unknown, options: TaskOptionValues): Promise<unknown>;
}

function dataOptions(plugin: TaskPlugin): readonly string[] {
  return (plugin.commandLine as (TaskCommandLine & DataFromOptions) | undefined)?.dataOptions ?? [];
}

/**
 * The --data path to hand the task's reader: the one given, or "" when the task reads its data
 * from options it declares for that (translation's --source/--target). Otherwise --data is
 * required, and the error says what the task reads.
 */
export function dataPath(
  path: string | undefined,
  values: TaskOptionValues,
  plugin: TaskPlugin,
): string {
  if (path !== undefined) return path;
  const from = dataOptions(plugin);
  if (from.some((name) => values[name] !== undefined)) return '';
  const alternative = from.length > 0 ? `, or ${from.map((n) => `--${n}`).join(' and ')}` : '';
  throw new CommandError(
    `--data <file> is required: the ${plugin.name} task reads ${plugin.commandLine?.data ?? 'a data file'}${alternative}`,
  );
}

/** What the data was, for a report: the --data path, or the data options given ("--source a.de --target a.en"). */
export function dataDescription(
  path: string,
  values: TaskOptionValues,
  plugin: TaskPlugin,
): string {
  if (path !== '') return path;
  return dataOptions(plugin)
    .filter((name) => values[name] !== undefined)
    .map((name) => `--${name} ${values[name]}`)
    .join(' ');
}

/** The task's evaluation of `data` with its eval options, through its /node entry when it has one. */
export function evaluateTask(
  node: TaskNodeSupport,
  task: Task,
  data: unknown,
  values: TaskOptionValues,
): Promise<unknown> {
  const evaluate = (node as TaskNodeSupport & EvaluateWithOptions).evaluate;
  return evaluate ? evaluate.call(node, task, data, values) : task.evaluate(data);
}
