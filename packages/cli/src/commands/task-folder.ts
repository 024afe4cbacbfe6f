// Loading a task's model folder for a command, with the folder's problems as user errors.
import { ModelFileError } from '@recurrent/core/node';
import { ClassificationTask } from '@recurrent/task-classification';
import { CommandError } from './spec-file.js';

export async function loadClassification(
  dir: string,
  backend: string,
): Promise<ClassificationTask> {
  try {
    return await ClassificationTask.load(dir, { backend });
  } catch (error) {
    if (
      error instanceof ModelFileError ||
      /not a classification model folder/.test(String(error))
    ) {
      throw new CommandError((error as Error).message);
    }
    throw error;
  }
}
