// The URL a task plug-in gives as its `module` (what data-parallel worker threads import to register
// the task), read from the plug-in's own import.meta.url. Browser-safe: URL arithmetic only.

/**
 * The URL of the package entry beside the calling module, or "" where a bundle gives none: esbuild's
 * IIFE leaves import.meta.url undefined, and Vite's reads `document`, which a worker lacks (so the
 * read is passed as a function and may throw here). Core's threads() refuses an empty module by
 * name: such a task trains on one thread.
 *
 * `entry` names the sibling entry module ("index" → `./index.js`, or `./index.ts` when the caller
 * runs from source); without it the calling module is itself the entry and its URL is returned.
 *
 *   module: taskModuleUrl(() => import.meta.url, 'index'),
 */
export function taskModuleUrl(readUrl: () => string | undefined, entry?: string): string {
  let here: string | undefined;
  try {
    here = readUrl();
  } catch {
    return '';
  }
  if (!here) return '';
  if (entry === undefined) return here;
  return new URL(`./${entry}${here.endsWith('.ts') ? '.ts' : '.js'}`, here).href;
}
