// The task of a model folder, found from its model.json through core's registry, with the file
// readers and reports its `/node` entry adds.
import {
  findTask,
  modelTask,
  readModelFolder,
  type TaskNodeSupport,
  type TaskPlugin,
} from '@recurrent/core/node';
import { CommandError } from './spec-file.js';

/** The plug-in of the task in `dir` (a ModelFileError for a folder that is no model). */
export async function folderPlugin(dir: string): Promise<TaskPlugin> {
  const { file } = await readModelFolder(dir);
  return findTask(modelTask(file, `${dir}/model.json`));
}

/** The plug-in's Node parts, or why a command cannot use the task. */
export function nodeSupport(plugin: TaskPlugin, command: string): TaskNodeSupport {
  if (!plugin.node) {
    throw new CommandError(
      `${command}: the ${plugin.name} task has no file readers registered (import its package's /node entry)`,
    );
  }
  return plugin.node;
}

/** The plug-in of the model in `dir`, which must be of task `name` for `command` to use it. */
export async function requireFolderTask(
  dir: string,
  name: string,
  command: string,
): Promise<TaskPlugin> {
  const plugin = await folderPlugin(dir);
  if (plugin.name !== name) {
    throw new CommandError(`${dir} is a ${plugin.name} model: ${command} needs a ${name} model`);
  }
  return plugin;
}
