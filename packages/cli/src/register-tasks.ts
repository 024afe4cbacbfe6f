// The task packages this CLI ships. Importing a package's `/node` entry registers its plug-in with
// core's task registry, with its file readers and reports; every command finds tasks there (by a
// spec's `task` or a model folder's model.json). This is the only place the CLI names a task.
import '@recurrent/task-classification/node';
import '@recurrent/task-forecasting/node';
import '@recurrent/task-generation/node';
import '@recurrent/task-translation/node';
import '@recurrent/task-tagging/node';
