// Finding a model's two files among what the user picked: the two files themselves (file input
// with `multiple`) or a whole folder made by `recurrent train` (`webkitdirectory`), which may hold
// other files (logs, checkpoints) and sub-folders.

export const modelFileNames = ['model.json', 'weights.safetensors'] as const;

export interface PickedFile {
  name: string;
  /** "run/model.json" for a file from a picked folder; empty for a picked file. */
  webkitRelativePath?: string;
}

export type ModelFilePick<F> = { ok: true; model: F; weights: F } | { ok: false; message: string };

/**
 * model.json and weights.safetensors from the picked files: the pair closest to the folder's top
 * (a run folder may keep older copies deeper down), both from the same folder.
 */
export function pickModelFiles<F extends PickedFile>(files: readonly F[]): ModelFilePick<F> {
  const byFolder = new Map<string, { model?: F; weights?: F }>();
  for (const file of files) {
    const path = file.webkitRelativePath || file.name;
    const slash = path.lastIndexOf('/');
    const folder = slash < 0 ? '' : path.slice(0, slash);
    const entry = byFolder.get(folder) ?? {};
    if (file.name === 'model.json') entry.model = file;
    else if (file.name === 'weights.safetensors') entry.weights = file;
    else continue;
    byFolder.set(folder, entry);
  }
  const complete = [...byFolder.entries()]
    .filter(([, entry]) => entry.model && entry.weights)
    .sort(([a], [b]) => depth(a) - depth(b) || a.localeCompare(b));
  const best = complete[0];
  if (best) return { ok: true, model: best[1].model as F, weights: best[1].weights as F };
  const names = files.map((f) => f.webkitRelativePath || f.name);
  const missing = modelFileNames.filter((n) => !files.some((f) => f.name === n));
  const what =
    missing.length > 0
      ? `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing`
      : 'model.json and weights.safetensors are not in the same folder';
  const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')}, …` : names.join(', ');
  return {
    ok: false,
    message: `A model is the two files model.json and weights.safetensors: ${what} (picked: ${shown || 'nothing'}).`,
  };
}

function depth(folder: string): number {
  return folder === '' ? 0 : folder.split('/').length;
}
