// The examples menu: the playground's own small specs (sized to train in a browser in seconds to
// minutes, one per task) first, then the repository's specs/examples (full-size recipes, most
// too slow for a browser, shown for reading and editing). Both are bundled at build time.
import type { PlaygroundTask } from '../protocol.js';

export interface Example {
  /** "playground/sentiment-bigru" or "repository/pos-bilstm". */
  id: string;
  /** The spec's name, or the file's. */
  title: string;
  task: PlaygroundTask;
  /** The file's text, verbatim (what the editor shows). */
  specText: string;
  source: 'playground' | 'repository';
  description?: string;
}

const playgroundFiles = import.meta.glob<string>('../../examples/*.json', {
  eager: true,
  query: '?raw',
  import: 'default',
});
const repositoryFiles = import.meta.glob<string>('../../../../specs/examples/*.json', {
  eager: true,
  query: '?raw',
  import: 'default',
});

const tasks: readonly PlaygroundTask[] = [
  'classification',
  'generation',
  'translation',
  'tagging',
  'forecasting',
];

/** The examples, playground first in task order, then the repository's by task and name. */
export const examples: readonly Example[] = [
  ...collect(playgroundFiles, 'playground'),
  ...collect(repositoryFiles, 'repository'),
];

/** The example a fresh page opens with: the playground's classification example. */
export const defaultExample: Example = (() => {
  const first = examples.find((e) => e.source === 'playground' && e.task === 'classification');
  if (!first) throw new Error('apps/playground/examples has no classification example');
  return first;
})();

function collect(files: Record<string, string>, source: Example['source']): Example[] {
  const list = Object.entries(files).map(([path, text]) => exampleOf(path, text, source));
  return list.sort(
    (a, b) => tasks.indexOf(a.task) - tasks.indexOf(b.task) || a.title.localeCompare(b.title),
  );
}

function exampleOf(path: string, text: string, source: Example['source']): Example {
  const file = path.slice(path.lastIndexOf('/') + 1).replace(/\.json$/, '');
  let json: { name?: unknown; task?: unknown; description?: unknown };
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: the example is not JSON: ${(error as Error).message}`);
  }
  if (!tasks.includes(json.task as PlaygroundTask))
    throw new Error(`${path}: task ${JSON.stringify(json.task)} has no view in the playground`);
  return {
    id: `${source}/${file}`,
    title: typeof json.name === 'string' ? json.name : file,
    task: json.task as PlaygroundTask,
    specText: text,
    source,
    ...(typeof json.description === 'string' ? { description: json.description } : {}),
  };
}

/** The task a spec's text names, if it parses as JSON with a known task (for the data choice). */
export function taskOfSpecText(text: string): PlaygroundTask | undefined {
  try {
    const task = (JSON.parse(text) as { task?: unknown }).task;
    return tasks.includes(task as PlaygroundTask) ? (task as PlaygroundTask) : undefined;
  } catch {
    return undefined;
  }
}
